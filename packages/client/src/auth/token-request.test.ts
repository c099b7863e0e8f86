import { describe, expect, it } from 'vitest'
import { isOAuthClientError } from './auth-error.js'
import { exchangeCode, refreshToken } from './token-request.js'

interface Seen {
  url: string
  headers: Record<string, string>
  body: URLSearchParams
}

/** A fetch that records the request and answers `status` with `body` as JSON. */
function fakeFetch(status: number, body: unknown, seen: Seen[] = []): typeof fetch {
  return async (input, init) => {
    seen.push({
      url: String(input),
      headers: init?.headers as Record<string, string>,
      body: new URLSearchParams(String(init?.body)),
    })
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
  }
}

const tokenBody = {
  token_type: 'bearer',
  expires_in: 7200,
  access_token: 'access-1',
  scope: 'tweet.read media.write offline.access',
  refresh_token: 'refresh-1',
}

describe('exchangeCode', () => {
  it('authenticates a confidential client with HTTP Basic and posts a form', async () => {
    const seen: Seen[] = []
    const tokens = await exchangeCode({
      tokenUrl: 'http://127.0.0.1:1/2/oauth2/token',
      clientId: 'id',
      clientSecret: 's:e c',
      code: 'the-code',
      redirectUri: 'http://127.0.0.1:3000/cb',
      codeVerifier: 'verifier',
      fetch: fakeFetch(200, tokenBody, seen),
      now: () => 1_000,
    })
    expect(tokens).toEqual({
      accessToken: 'access-1',
      refreshToken: 'refresh-1',
      expiresAtMs: 7_201_000,
      scope: 'tweet.read media.write offline.access',
    })
    const [request] = seen
    expect(request?.url).toBe('http://127.0.0.1:1/2/oauth2/token')
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded')
    // RFC 6749 §2.3.1: id and secret are form-encoded before base64.
    expect(request?.headers.authorization).toBe(`Basic ${btoa('id:s%3Ae+c')}`)
    expect(Object.fromEntries(request?.body ?? [])).toEqual({
      grant_type: 'authorization_code',
      code: 'the-code',
      redirect_uri: 'http://127.0.0.1:3000/cb',
      code_verifier: 'verifier',
    })
  })

  it('sends client_id in the body for a public client, and no Authorization', async () => {
    const seen: Seen[] = []
    await exchangeCode({
      clientId: 'public-id',
      code: 'c',
      redirectUri: 'r',
      codeVerifier: 'v',
      fetch: fakeFetch(200, tokenBody, seen),
    })
    expect(seen[0]?.url).toBe('https://api.x.com/2/oauth2/token')
    expect(seen[0]?.headers.authorization).toBeUndefined()
    expect(seen[0]?.body.get('client_id')).toBe('public-id')
  })

  it("turns X's error body into TOKEN_REQUEST_REJECTED with the OAuth error", async () => {
    const body = { error: 'invalid_request', error_description: 'Value passed for the authorization code was invalid.' }
    const error = await exchangeCode({
      clientId: 'id',
      code: 'c',
      redirectUri: 'r',
      codeVerifier: 'v',
      fetch: fakeFetch(400, body),
    }).catch((e: unknown) => e)
    expect(isOAuthClientError(error, 'TOKEN_REQUEST_REJECTED')).toBe(true)
    expect(error).toMatchObject({ status: 400, oauthError: 'invalid_request', description: body.error_description })
  })

  it('reports an unreachable endpoint as NETWORK_ERROR and a non-token answer as TOKEN_REQUEST_FAILED', async () => {
    const down: typeof fetch = async () => {
      throw new TypeError('fetch failed')
    }
    const options = { clientId: 'id', code: 'c', redirectUri: 'r', codeVerifier: 'v' }
    await expect(exchangeCode({ ...options, fetch: down })).rejects.toMatchObject({ code: 'NETWORK_ERROR' })
    await expect(exchangeCode({ ...options, fetch: fakeFetch(502, 'Bad gateway') })).rejects.toMatchObject({
      code: 'TOKEN_REQUEST_FAILED',
      status: 502,
    })
  })
})

describe('refreshToken', () => {
  it('posts grant_type=refresh_token and returns the rotated pair', async () => {
    const seen: Seen[] = []
    const tokens = await refreshToken({
      clientId: 'id',
      refreshToken: 'refresh-0',
      fetch: fakeFetch(200, tokenBody, seen),
    })
    expect(tokens.refreshToken).toBe('refresh-1')
    expect(seen[0]?.body.get('grant_type')).toBe('refresh_token')
    expect(seen[0]?.body.get('refresh_token')).toBe('refresh-0')
  })

  it('keeps the old refresh token when the server does not rotate it (RFC 6749 §6)', async () => {
    const { refresh_token: _, ...withoutRefresh } = tokenBody
    const tokens = await refreshToken({
      clientId: 'id',
      refreshToken: 'refresh-0',
      fetch: fakeFetch(200, withoutRefresh),
    })
    expect(tokens.refreshToken).toBe('refresh-0')
  })
})
