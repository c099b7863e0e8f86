/**
 * Refresh tokens (RFC 9700 §4.14.2, spec fidelity case 80): rotation, reuse revoking the family,
 * the optional grace window, client binding, expiry and revocation of access tokens.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CreatedApp } from '../auth/apps.js'
import {
  approvedCode,
  basic,
  type OAuthHarness,
  openOAuthHarness,
  postToken,
  REDIRECT_URI,
} from '../test-support/oauth-harness.js'

const TOKEN_INVALID = { error: 'invalid_request', error_description: 'Value passed for the token was invalid.' }

let h: OAuthHarness
let client: CreatedApp
let auth: string

async function open(env: Record<string, string> = {}) {
  h = await openOAuthHarness({ env })
  client = await h.createApp()
  auth = basic(client.clientId, client.clientSecret as string)
}

beforeEach(async () => {
  await open()
})
afterEach(async () => {
  await h.close()
})

async function firstTokens() {
  const { code, verifier } = await approvedCode(h.app, client.clientId)
  const body = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier }
  return (await postToken(h.app, '/2/oauth2/token', body, { authorization: auth })).json() as {
    access_token: string
    refresh_token: string
  }
}

const refresh = (token: string) =>
  postToken(h.app, '/2/oauth2/token', { grant_type: 'refresh_token', refresh_token: token }, { authorization: auth })

const me = (token: string) =>
  h.app.inject({ method: 'GET', url: '/2/users/me', headers: { authorization: `Bearer ${token}` } })

describe('refresh tokens', () => {
  it('rotates on every use with the grace window off: the old token dies at once', async () => {
    const tokens = await firstTokens()
    expect((await refresh(tokens.refresh_token)).statusCode).toBe(200)
    expect((await refresh(tokens.refresh_token)).json()).toEqual(TOKEN_INVALID)
  })

  it('rotates on every use; reusing an old one answers X 400 and revokes the whole family', async () => {
    const tokens = await firstTokens()
    const second = (await refresh(tokens.refresh_token)).json()
    const third = (await refresh(second.refresh_token)).json()
    const reuse = await refresh(tokens.refresh_token)
    expect(reuse.statusCode).toBe(400)
    expect(reuse.json()).toEqual(TOKEN_INVALID)
    for (const access of [tokens.access_token, second.access_token, third.access_token]) {
      expect((await me(access)).statusCode).toBe(401)
    }
    expect((await refresh(third.refresh_token)).json()).toEqual(TOKEN_INVALID)
  })

  it("refuses another client's refresh token without touching its family", async () => {
    const tokens = await firstTokens()
    const other = await h.createApp({ name: 'Other client' })
    const stolen = await postToken(
      h.app,
      '/2/oauth2/token',
      { grant_type: 'refresh_token', refresh_token: tokens.refresh_token },
      { authorization: basic(other.clientId, other.clientSecret as string) },
    )
    expect(stolen.json()).toEqual(TOKEN_INVALID)
    expect((await refresh(tokens.refresh_token)).statusCode).toBe(200)
  })

  it('answers access-token requests with an expired access token 401 after 7200 s', async () => {
    const tokens = await firstTokens()
    h.clock.advance(7_199_000)
    expect((await me(tokens.access_token)).statusCode).toBe(200)
    h.clock.advance(1_000)
    expect((await me(tokens.access_token)).statusCode).toBe(401)
  })

  it('refuses a revoked access token', async () => {
    const tokens = await firstTokens()
    await postToken(h.app, '/2/oauth2/revoke', { token: tokens.access_token }, { authorization: auth })
    const response = await me(tokens.access_token)
    expect(response.statusCode).toBe(401)
    expect(response.json()).toEqual({ title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' })
  })

  it("refuses to revoke another client's token", async () => {
    const tokens = await firstTokens()
    const other = await h.createApp({ name: 'Other client' })
    const response = await postToken(
      h.app,
      '/2/oauth2/revoke',
      { token: tokens.access_token },
      { authorization: basic(other.clientId, other.clientSecret as string) },
    )
    expect(response.statusCode).toBe(400)
    expect((await me(tokens.access_token)).statusCode).toBe(200)
  })
})

describe('refresh grace window', () => {
  it('lets a rotated refresh token be used again within BIRDHOUSE_REFRESH_GRACE_SECS, not after', async () => {
    await h.close()
    await open({ BIRDHOUSE_REFRESH_GRACE_SECS: '10' })
    const tokens = await firstTokens()
    expect((await refresh(tokens.refresh_token)).statusCode).toBe(200)
    h.clock.advance(5_000)
    expect((await refresh(tokens.refresh_token)).statusCode).toBe(200)
    h.clock.advance(10_001)
    expect((await refresh(tokens.refresh_token)).json()).toEqual(TOKEN_INVALID)
  })
})
