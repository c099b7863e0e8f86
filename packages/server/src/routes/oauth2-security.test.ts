/**
 * Attacks on the token endpoint (RFC 9700 §4 and spec fidelity cases 78, 79, 81): code replay
 * and expiry, PKCE mismatch and downgrade, redirect and client mismatch, client authentication.
 * Refresh-token attacks are in oauth2-refresh.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CreatedApp } from '../auth/apps.js'
import {
  approvedCode as approveCode,
  basic,
  type OAuthHarness,
  openOAuthHarness,
  pkcePair,
  postToken,
  REDIRECT_URI,
} from '../test-support/oauth-harness.js'

const CODE_INVALID = {
  error: 'invalid_request',
  error_description: 'Value passed for the authorization code was invalid.',
}
const TOKEN_INVALID = { error: 'invalid_request', error_description: 'Value passed for the token was invalid.' }
const NO_CLIENT_AUTH = { error: 'unauthorized_client', error_description: 'Missing valid authorization header' }

let h: OAuthHarness
let client: CreatedApp
let auth: string

beforeEach(async () => {
  h = await openOAuthHarness()
  client = await h.createApp({ redirectUris: [REDIRECT_URI, 'http://127.0.0.1:3000/other'] })
  auth = basic(client.clientId, client.clientSecret as string)
})
afterEach(async () => {
  await h.close()
})

const approvedCode = (options: { method?: string | null } = {}) => approveCode(h.app, client.clientId, options)

const exchange = (code: string, verifier: string, extra: Record<string, string> = {}, authorization = auth) =>
  postToken(
    h.app,
    '/2/oauth2/token',
    { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier, ...extra },
    { authorization },
  )

const me = (token: string) =>
  h.app.inject({ method: 'GET', url: '/2/users/me', headers: { authorization: `Bearer ${token}` } })

describe('authorization codes', () => {
  it('refuses a replayed code with X body and revokes the tokens the first use issued', async () => {
    const { code, verifier } = await approvedCode()
    const first = await exchange(code, verifier)
    expect(first.statusCode).toBe(200)
    const replay = await exchange(code, verifier)
    expect(replay.statusCode).toBe(400)
    expect(replay.json()).toEqual(CODE_INVALID)
    expect((await me(first.json().access_token)).statusCode).toBe(401)
    const refresh = await postToken(
      h.app,
      '/2/oauth2/token',
      { grant_type: 'refresh_token', refresh_token: first.json().refresh_token },
      { authorization: auth },
    )
    expect(refresh.json()).toEqual(TOKEN_INVALID)
  })

  it('refuses a code older than 30 seconds', async () => {
    const { code, verifier } = await approvedCode()
    h.clock.advance(30_001)
    const response = await exchange(code, verifier)
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual(CODE_INVALID)
  })

  it('accepts a code 29 seconds old', async () => {
    const { code, verifier } = await approvedCode()
    h.clock.advance(29_000)
    expect((await exchange(code, verifier)).statusCode).toBe(200)
  })

  it('refuses a wrong code_verifier, and the code is spent afterwards', async () => {
    const { code, verifier } = await approvedCode()
    const wrong = await exchange(code, pkcePair().verifier)
    expect(wrong.statusCode).toBe(400)
    expect(wrong.json()).toEqual(CODE_INVALID)
    expect((await exchange(code, verifier)).json()).toEqual(CODE_INVALID)
  })

  it('requires a code_verifier (no PKCE downgrade by leaving it out)', async () => {
    const { code } = await approvedCode()
    const response = await postToken(
      h.app,
      '/2/oauth2/token',
      { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI },
      { authorization: auth },
    )
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual({
      error: 'invalid_request',
      error_description: 'Missing required parameter [code_verifier].',
    })
  })

  it('refuses an S256 code redeemed with the challenge itself as a plain verifier (method downgrade)', async () => {
    const { code, challenge } = await approvedCode()
    const response = await exchange(code, challenge, { code_challenge_method: 'plain' })
    expect(response.json()).toEqual(CODE_INVALID)
  })

  it('treats a request without code_challenge_method as plain, so an S256 verifier does not match', async () => {
    const { code, verifier } = await approvedCode({ method: null })
    expect((await exchange(code, verifier)).json()).toEqual(CODE_INVALID)
  })

  it('refuses a redirect_uri other than the one the code was issued for, even a registered one', async () => {
    const { code, verifier } = await approvedCode()
    const response = await exchange(code, verifier, { redirect_uri: 'http://127.0.0.1:3000/other' })
    expect(response.json()).toEqual(CODE_INVALID)
  })

  it("refuses another client's code", async () => {
    const other = await h.createApp({ name: 'Other client' })
    const { code, verifier } = await approvedCode()
    const response = await exchange(code, verifier, {}, basic(other.clientId, other.clientSecret as string))
    expect(response.json()).toEqual(CODE_INVALID)
  })

  it('refuses an unknown code', async () => {
    expect((await exchange('nope', pkcePair().verifier)).json()).toEqual(CODE_INVALID)
  })
})

describe('client authentication', () => {
  it('answers 401 unauthorized_client when a confidential client sends no Basic header', async () => {
    const { code, verifier } = await approvedCode()
    const response = await postToken(h.app, '/2/oauth2/token', {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
      client_id: client.clientId,
    })
    expect(response.statusCode).toBe(401)
    expect(response.json()).toEqual(NO_CLIENT_AUTH)
  })

  it.each([
    ['a wrong client secret', () => basic(client.clientId, 'wrong-secret')],
    ['an unknown client id', () => basic('unknown', client.clientSecret as string)],
    ['a garbled Basic header', () => 'Basic !!!'],
  ])('answers 401 to %s', async (_name, header) => {
    const { code, verifier } = await approvedCode()
    const response = await exchange(code, verifier, {}, header())
    expect(response.statusCode).toBe(401)
    expect(response.json()).toEqual(NO_CLIENT_AUTH)
    expect(response.headers['www-authenticate']).toBe('Basic realm="birdhouse"')
  })

  it('refuses a body client_secret that disagrees with the Basic header', async () => {
    const { code, verifier } = await approvedCode()
    const response = await exchange(code, verifier, { client_secret: 'wrong' })
    expect(response.statusCode).toBe(401)
  })

  it('accepts client_secret in the body instead of Basic', async () => {
    const { code, verifier } = await approvedCode()
    const body = { client_id: client.clientId, client_secret: client.clientSecret as string }
    expect((await exchange(code, verifier, body, '')).statusCode).toBe(200)
  })

  it('refuses a public client that presents a secret', async () => {
    const open = await h.createApp({ public: true })
    const response = await postToken(h.app, '/2/oauth2/token', {
      grant_type: 'refresh_token',
      refresh_token: 'x',
      client_id: open.clientId,
      client_secret: 'guess',
    })
    expect(response.statusCode).toBe(401)
  })
})

describe('token endpoint requests', () => {
  it.each([
    [{}, 'invalid_request'],
    [{ grant_type: 'password' }, 'unsupported_grant_type'],
  ])('answers %j with %s', async (body, error) => {
    const response = await postToken(h.app, '/2/oauth2/token', body, { authorization: auth })
    expect(response.statusCode).toBe(400)
    expect(response.json().error).toBe(error)
  })

  it('refuses a parameter sent twice (RFC 6749 §3.2)', async () => {
    const response = await h.app.inject({
      method: 'POST',
      url: '/2/oauth2/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: auth },
      payload: 'grant_type=refresh_token&refresh_token=a&refresh_token=b',
    })
    expect(response.statusCode).toBe(400)
    expect(response.json().error).toBe('invalid_request')
  })

  it('refuses a body that is not JSON', async () => {
    const response = await h.app.inject({
      method: 'POST',
      url: '/2/oauth2/token',
      headers: { 'content-type': 'application/json', authorization: auth },
      payload: '{',
    })
    expect(response.json()).toEqual({
      error: 'invalid_request',
      error_description: 'The request body is not valid JSON.',
    })
  })
})
