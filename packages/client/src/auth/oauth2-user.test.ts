import { describe, expect, it } from 'vitest'
import { oauth2User } from './oauth2-user.js'
import { MemoryTokenStore } from './token-store.js'
import type { Tokens } from './tokens.js'

/** A token endpoint that rotates `refresh-N` into `refresh-N+1`, refusing spent ones like X. */
function rotatingEndpoint(delayMs = 0) {
  let generation = 0
  const calls: string[] = []
  const fetch: typeof globalThis.fetch = async (_input, init) => {
    const presented = new URLSearchParams(String(init?.body)).get('refresh_token') ?? ''
    calls.push(presented)
    await new Promise((resolve) => setTimeout(resolve, delayMs))
    if (presented !== `refresh-${generation}`) {
      const body = { error: 'invalid_request', error_description: 'Value passed for the token was invalid.' }
      return new Response(JSON.stringify(body), { status: 400 })
    }
    generation++
    const body = {
      token_type: 'bearer',
      expires_in: 7200,
      access_token: `access-${generation}`,
      refresh_token: `refresh-${generation}`,
    }
    return new Response(JSON.stringify(body), { status: 200 })
  }
  return { fetch, calls }
}

const request = { method: 'POST', url: 'https://api.x.com/2/media/upload/initialize' }

function tokensExpiringAt(expiresAtMs: number): Tokens {
  return { accessToken: 'access-0', refreshToken: 'refresh-0', expiresAtMs }
}

describe('oauth2User', () => {
  it('uses the access token while it has more than the skew left', async () => {
    const endpoint = rotatingEndpoint()
    const auth = oauth2User({
      tokens: tokensExpiringAt(61_001),
      clientId: 'id',
      fetch: endpoint.fetch,
      now: () => 1_000,
    })
    expect(await auth.authorize(request)).toBe('Bearer access-0')
    expect(endpoint.calls).toEqual([])
  })

  it('refreshes once the token expires within 60 s, and stores the rotated pair', async () => {
    const endpoint = rotatingEndpoint()
    const store = new MemoryTokenStore(tokensExpiringAt(61_000))
    const refreshed: Tokens[] = []
    const auth = oauth2User({
      store,
      clientId: 'id',
      fetch: endpoint.fetch,
      now: () => 1_000,
      onRefresh: (tokens) => refreshed.push(tokens),
    })
    expect(await auth.authorize(request)).toBe('Bearer access-1')
    expect(await store.read()).toEqual({ accessToken: 'access-1', refreshToken: 'refresh-1', expiresAtMs: 7_201_000 })
    expect(refreshed).toHaveLength(1)
  })

  it('refreshes once for many concurrent requests (single-flight)', async () => {
    const endpoint = rotatingEndpoint(20)
    const auth = oauth2User({ tokens: tokensExpiringAt(0), clientId: 'id', fetch: endpoint.fetch })
    const headers = await Promise.all(Array.from({ length: 8 }, () => auth.authorize(request)))
    expect(new Set(headers)).toEqual(new Set(['Bearer access-1']))
    expect(endpoint.calls).toEqual(['refresh-0'])
  })

  it('refreshes after a 401 for the token it used, but not again for a token already replaced', async () => {
    const endpoint = rotatingEndpoint()
    const auth = oauth2User({ tokens: tokensExpiringAt(Date.now() + 3_600_000), clientId: 'id', fetch: endpoint.fetch })
    expect(await auth.onUnauthorized?.('Bearer access-0')).toBe(true)
    expect(await auth.authorize(request)).toBe('Bearer access-1')
    // A late 401 for the old token: the stored one is already new, so no second refresh.
    expect(await auth.onUnauthorized?.('Bearer access-0')).toBe(true)
    expect(endpoint.calls).toEqual(['refresh-0'])
  })

  it('uses a pair another holder of the store stored meanwhile instead of refreshing with a dead token', async () => {
    const endpoint = rotatingEndpoint()
    const store = new MemoryTokenStore(tokensExpiringAt(0))
    const first = oauth2User({ store, clientId: 'id', fetch: endpoint.fetch })
    const second = oauth2User({ store, clientId: 'id', fetch: endpoint.fetch })
    expect(await second.tokens()).toMatchObject({ accessToken: 'access-0' })
    await first.refresh({ replacing: 'access-0' })
    expect(await second.authorize(request)).toBe('Bearer access-1')
    expect(endpoint.calls).toEqual(['refresh-0'])
  })

  it('asks to log in again when the refresh token is refused or missing', async () => {
    const endpoint = rotatingEndpoint()
    const spent = oauth2User({
      tokens: { ...tokensExpiringAt(0), refreshToken: 'refresh-9' },
      clientId: 'id',
      fetch: endpoint.fetch,
    })
    await expect(spent.authorize(request)).rejects.toMatchObject({
      code: 'REAUTHORIZE_REQUIRED',
      oauthError: 'invalid_request',
    })
    const noRefresh = oauth2User({
      tokens: { accessToken: 'a', expiresAtMs: 0 },
      clientId: 'id',
      fetch: endpoint.fetch,
    })
    await expect(noRefresh.authorize(request)).rejects.toMatchObject({ code: 'REAUTHORIZE_REQUIRED' })
    const empty = oauth2User({ store: new MemoryTokenStore(), clientId: 'id' })
    await expect(empty.authorize(request)).rejects.toMatchObject({ code: 'REAUTHORIZE_REQUIRED' })
  })
})
