/**
 * SEED1's token curls (the dev.to walkthrough, spec source SEED1) work with only the host changed:
 * Basic auth header, urlencoded body built from repeated `-d`. Also X's app-only bearer flow
 * (spec §12.3): `client_credentials` at `POST /oauth2/token` and `POST /2/oauth2/token`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CreatedApp } from '../auth/apps.js'
import {
  authorizeUrl,
  basic,
  type OAuthHarness,
  openOAuthHarness,
  pkcePair,
  postToken,
  REDIRECT_URI,
  walkConsent,
} from '../test-support/oauth-harness.js'

const EXCHANGE = String.raw`curl -X POST "https://api.x.com/2/oauth2/token" \
  -H "Authorization: Basic {base64(client_id:client_secret)}" \
  -H "Content-Type: application/x-www-form-urlencoded" \
  -d "code={authorization_code}" \
  -d "grant_type=authorization_code" \
  -d "redirect_uri={your_redirect_uri}" \
  -d "code_verifier={code_verifier}"`

const REFRESH = String.raw`curl -X POST "https://api.x.com/2/oauth2/token" \
  -H "Authorization: Basic {base64(client_id:client_secret)}" \
  -H "Content-Type: application/x-www-form-urlencoded" \
  -d "grant_type=refresh_token" \
  -d "refresh_token={refresh_token}"`

/** What curl sends for a doc command: its path, headers and the `-d` values joined by `&` (unencoded, as curl does). */
function curlRequest(command: string, values: Record<string, string>) {
  const filled = Object.entries(values).reduce((text, [key, value]) => text.split(key).join(value), command)
  const url = new URL(/curl -X POST "([^"]+)"/.exec(filled)?.[1] as string)
  const headers: Record<string, string> = {}
  for (const [, name, value] of filled.matchAll(/-H "([^:]+): ([^"]+)"/g))
    headers[(name as string).toLowerCase()] = value as string
  const data = [...filled.matchAll(/-d "([^"]+)"/g)].map((match) => match[1]).join('&')
  return { method: 'POST' as const, url: url.pathname, headers, payload: data }
}

let h: OAuthHarness
let client: CreatedApp

beforeEach(async () => {
  h = await openOAuthHarness()
  client = await h.createApp()
})
afterEach(async () => {
  await h.close()
})

describe('SEED1 token curls', () => {
  it('exchange the code with Basic auth and a form body, then refresh with the returned token', async () => {
    const { verifier, challenge } = pkcePair()
    const scope = 'tweet.read tweet.write users.read offline.access'
    const consent = await walkConsent(h.app, authorizeUrl({ clientId: client.clientId, challenge, scope }))
    const credentials = Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')
    const exchange = await h.app.inject(
      curlRequest(EXCHANGE, {
        '{base64(client_id:client_secret)}': credentials,
        '{authorization_code}': consent.query.get('code') as string,
        '{your_redirect_uri}': REDIRECT_URI,
        '{code_verifier}': verifier,
      }),
    )
    expect(exchange.statusCode, exchange.body).toBe(200)
    const tokens = exchange.json()
    expect(tokens).toEqual({
      token_type: 'bearer',
      expires_in: 7200,
      access_token: expect.any(String),
      scope,
      refresh_token: expect.any(String),
    })
    const refresh = await h.app.inject(
      curlRequest(REFRESH, {
        '{base64(client_id:client_secret)}': credentials,
        '{refresh_token}': tokens.refresh_token,
      }),
    )
    expect(refresh.statusCode, refresh.body).toBe(200)
    expect(refresh.json()).toEqual({
      token_type: 'bearer',
      expires_in: 7200,
      access_token: expect.any(String),
      scope,
      refresh_token: expect.any(String),
    })
    expect(refresh.json().refresh_token).not.toBe(tokens.refresh_token)
  })
})

describe('app-only bearer tokens (client_credentials)', () => {
  const me = (token: string) =>
    h.app.inject({ method: 'GET', url: '/2/users/me', headers: { authorization: `Bearer ${token}` } })

  it.each([
    ['the consumer key and secret', () => basic(client.consumerKey, client.consumerSecret)],
    ['the client id and secret', () => basic(client.clientId, client.clientSecret as string)],
  ])('POST /oauth2/token issues one for %s, as X does', async (_name, header) => {
    const response = await postToken(
      h.app,
      '/oauth2/token',
      { grant_type: 'client_credentials' },
      { authorization: header() },
    )
    expect(response.statusCode, response.body).toBe(200)
    expect(response.json()).toEqual({
      token_type: 'bearer',
      access_token: expect.stringMatching(/^AAAAAAAAAAAAAAAAAAAAA/),
    })
    // An app-only token is a valid token, but no user: user-context endpoints refuse it.
    expect((await me(response.json().access_token)).statusCode).toBe(403)
  })

  it('POST /2/oauth2/token issues one too', async () => {
    const response = await postToken(
      h.app,
      '/2/oauth2/token',
      { grant_type: 'client_credentials' },
      { authorization: basic(client.clientId, client.clientSecret as string) },
    )
    expect(response.statusCode).toBe(200)
    expect(response.json().token_type).toBe('bearer')
  })

  it.each([
    ['a wrong consumer secret', { grant_type: 'client_credentials' }, () => basic(client.consumerKey, 'wrong')],
    ['no credentials', { grant_type: 'client_credentials' }, () => undefined],
    ['another grant type', { grant_type: 'password' }, () => basic(client.consumerKey, client.consumerSecret)],
  ])("POST /oauth2/token answers %s with X's 403 code 99", async (_name, body, header) => {
    const authorization = header()
    const response = await postToken(h.app, '/oauth2/token', body, authorization === undefined ? {} : { authorization })
    expect(response.statusCode).toBe(403)
    expect(response.json()).toEqual({
      errors: [{ code: 99, label: 'authenticity_token_error', message: 'Unable to verify your credentials' }],
    })
  })

  it('refuses client_credentials for a public client', async () => {
    const open = await h.createApp({ public: true })
    const response = await postToken(h.app, '/2/oauth2/token', {
      grant_type: 'client_credentials',
      client_id: open.clientId,
    })
    expect(response.statusCode).toBe(400)
    expect(response.json().error).toBe('unauthorized_client')
  })

  it('consumer keys do not authenticate user-context grants', async () => {
    const response = await postToken(
      h.app,
      '/2/oauth2/token',
      { grant_type: 'refresh_token', refresh_token: 'x' },
      { authorization: basic(client.consumerKey, client.consumerSecret) },
    )
    expect(response.statusCode).toBe(401)
  })
})
