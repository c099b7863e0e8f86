/**
 * The whole OAuth 2.0 PKCE flow over HTTP, through the consent page: authorize → sign in → approve
 * → 302 with the code → token → refresh → refresh → revoke, as the three client families send it
 * (spec §12.1, fidelity cases 75–77 and 82; real-clients.md §e).
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

const SCOPE = 'tweet.read users.read media.write offline.access'
let h: OAuthHarness

beforeEach(async () => {
  h = await openOAuthHarness()
})
afterEach(async () => {
  await h.close()
})

/** What a client has to say about itself on each token request. */
interface ClientStyle {
  json: boolean
  authorization?: string
  body: Record<string, string>
}

async function me(token: string) {
  return h.app.inject({ method: 'GET', url: '/2/users/me', headers: { authorization: `Bearer ${token}` } })
}

async function expectTokenWorks(token: string) {
  const response = await me(token)
  expect(response.statusCode, response.body).toBe(200)
  expect(response.json()).toMatchObject({ data: { id: h.aliceId, username: 'alice' } })
}

async function runFlow(client: CreatedApp, style: ClientStyle, options: { verifierLength: number; method: string }) {
  const { verifier, challenge } = pkcePair(options.verifierLength)
  const consent = await walkConsent(
    h.app,
    authorizeUrl({ clientId: client.clientId, challenge, scope: SCOPE, state: 's', method: options.method }),
  )
  expect(consent.location.startsWith(`${REDIRECT_URI}?state=s&code=`)).toBe(true)
  const code = consent.query.get('code') as string
  const send = (body: Record<string, string>) =>
    postToken(
      h.app,
      '/2/oauth2/token',
      { ...style.body, ...body },
      { json: style.json, ...(style.authorization ? { authorization: style.authorization } : {}) },
    )
  const first = await send({
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT_URI,
    code_verifier: verifier,
  })
  expect(first.statusCode, first.body).toBe(200)
  expect(first.headers['cache-control']).toBe('no-store')
  const tokens = first.json() as Record<string, unknown>
  expect(Object.keys(tokens)).toEqual(['token_type', 'expires_in', 'access_token', 'scope', 'refresh_token'])
  expect(tokens).toMatchObject({ token_type: 'bearer', expires_in: 7200, scope: SCOPE })
  await expectTokenWorks(tokens.access_token as string)
  const second = await send({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token as string })
  expect(second.statusCode, second.body).toBe(200)
  const refreshed = second.json() as Record<string, string>
  expect(refreshed.refresh_token).not.toBe(tokens.refresh_token)
  expect(refreshed.scope).toBe(SCOPE)
  const third = await send({ grant_type: 'refresh_token', refresh_token: refreshed.refresh_token as string })
  expect(third.statusCode, third.body).toBe(200)
  const latest = third.json() as Record<string, string>
  await expectTokenWorks(latest.access_token as string)
  const revoked = await postToken(
    h.app,
    '/2/oauth2/revoke',
    { ...style.body, token: latest.access_token as string, token_type_hint: 'access_token' },
    { json: style.json, ...(style.authorization ? { authorization: style.authorization } : {}) },
  )
  expect(revoked.statusCode, revoked.body).toBe(200)
  expect(revoked.json()).toEqual({ revoked: true })
  expect((await me(latest.access_token as string)).statusCode).toBe(401)
  return { tokens, refreshed, latest }
}

describe('OAuth 2.0 authorization code flow with PKCE', () => {
  it('works for a confidential client sending requests-oauthlib form bodies with Basic auth and a 171-char verifier', async () => {
    const client = await h.createApp()
    const authorization = basic(client.clientId, client.clientSecret as string)
    await runFlow(
      client,
      { json: false, authorization, body: { client_id: client.clientId } },
      { verifierLength: 171, method: 'S256' },
    )
  })

  it('works for a confidential client sending twitter-api-v2 JSON bodies (Basic plus client_secret, s256)', async () => {
    const client = await h.createApp()
    const secret = client.clientSecret as string
    const style = {
      json: true,
      authorization: basic(client.clientId, secret),
      body: { client_id: client.clientId, client_secret: secret },
    }
    await runFlow(client, style, { verifierLength: 128, method: 's256' })
  })

  it('works for a public client that sends only client_id, with a 43-char verifier', async () => {
    const client = await h.createApp({ public: true })
    expect(client.clientSecret).toBeNull()
    await runFlow(client, { json: true, body: { client_id: client.clientId } }, { verifierLength: 43, method: 'S256' })
  })

  it('works with the plain method, in any case', async () => {
    const client = await h.createApp({ public: true })
    const verifier = pkcePair(60).verifier
    const consent = await walkConsent(
      h.app,
      authorizeUrl({ clientId: client.clientId, challenge: verifier, method: 'PLAIN' }),
    )
    const body = {
      grant_type: 'authorization_code',
      code: consent.query.get('code') as string,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
      client_id: client.clientId,
    }
    expect((await postToken(h.app, '/2/oauth2/token', body)).statusCode).toBe(200)
  })

  it('issues no refresh token without offline.access and echoes the scope in request order', async () => {
    const client = await h.createApp()
    const { verifier, challenge } = pkcePair()
    const scope = 'users.read media.write tweet.read users.read'
    const consent = await walkConsent(h.app, authorizeUrl({ clientId: client.clientId, challenge, scope }))
    const response = await postToken(
      h.app,
      '/2/oauth2/token',
      {
        grant_type: 'authorization_code',
        code: consent.query.get('code') as string,
        redirect_uri: REDIRECT_URI,
        code_verifier: verifier,
      },
      { authorization: basic(client.clientId, client.clientSecret as string) },
    )
    expect(response.statusCode, response.body).toBe(200)
    const body = response.json() as Record<string, unknown>
    expect(body.scope).toBe('users.read media.write tweet.read')
    expect(body).not.toHaveProperty('refresh_token')
    const record = await h.stores.auth.getToken(
      (await import('../auth/crypto.js')).hashToken(body.access_token as string),
    )
    expect(record).toMatchObject({
      kind: 'user',
      userId: h.aliceId,
      appId: client.app.id,
      expiresAtMs: h.clock.now() + 7_200_000,
    })
  })

  it('lets a refresh narrow the access token to fewer scopes (as requests-oauthlib sends scope on refresh)', async () => {
    const client = await h.createApp({ public: true })
    const { verifier, challenge } = pkcePair()
    const consent = await walkConsent(h.app, authorizeUrl({ clientId: client.clientId, challenge, scope: SCOPE }))
    const base = { client_id: client.clientId }
    const first = await postToken(h.app, '/2/oauth2/token', {
      ...base,
      grant_type: 'authorization_code',
      code: consent.query.get('code') as string,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    })
    const refresh = (scope: string) =>
      postToken(h.app, '/2/oauth2/token', {
        ...base,
        grant_type: 'refresh_token',
        refresh_token: first.json().refresh_token,
        scope,
      })
    const narrowed = await refresh('users.read offline.access')
    expect(narrowed.statusCode, narrowed.body).toBe(200)
    expect(narrowed.json().scope).toBe('users.read offline.access')
    const wider = await postToken(h.app, '/2/oauth2/token', {
      ...base,
      grant_type: 'refresh_token',
      refresh_token: narrowed.json().refresh_token,
      scope: 'dm.read',
    })
    expect(wider.statusCode).toBe(400)
    expect(wider.json().error).toBe('invalid_scope')
  })

  it('revokes a refresh token together with the access tokens of its grant', async () => {
    const client = await h.createApp({ public: true })
    const { verifier, challenge } = pkcePair()
    const consent = await walkConsent(h.app, authorizeUrl({ clientId: client.clientId, challenge }))
    const tokens = (
      await postToken(h.app, '/2/oauth2/token', {
        client_id: client.clientId,
        grant_type: 'authorization_code',
        code: consent.query.get('code') as string,
        redirect_uri: REDIRECT_URI,
        code_verifier: verifier,
      })
    ).json()
    const revoke = await postToken(h.app, '/2/oauth2/revoke', {
      client_id: client.clientId,
      token: tokens.refresh_token,
      token_type_hint: 'refresh_token',
    })
    expect(revoke.json()).toEqual({ revoked: true })
    expect((await me(tokens.access_token)).statusCode).toBe(401)
    const refresh = await postToken(h.app, '/2/oauth2/token', {
      client_id: client.clientId,
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
    })
    expect(refresh.json()).toEqual({
      error: 'invalid_request',
      error_description: 'Value passed for the token was invalid.',
    })
  })

  it('answers 200 to the revocation of an unknown token (RFC 7009 §2.2)', async () => {
    const client = await h.createApp({ public: true })
    const response = await postToken(h.app, '/2/oauth2/revoke', { token: 'not-a-token', client_id: client.clientId })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ revoked: true })
  })
})
