/**
 * Tokens and secrets never reach the logs. An app logging at `trace` into memory (no redaction
 * configured, so nothing relies on it) runs every flow that hands out or takes in a secret, through
 * HTTP: the admin API, the consent page, every grant, failures and revocation. Then every
 * credential seen on the wire is searched for in the captured output.
 */
import { afterEach, beforeEach, expect, it } from 'vitest'
import {
  authorizeUrl,
  basic,
  cookieOf,
  type OAuthHarness,
  openOAuthHarness,
  pkcePair,
  postToken,
  REDIRECT_URI,
  walkConsent,
} from '../test-support/oauth-harness.js'

const ADMIN_TOKEN = 'admin-token-for-the-log-test-0123456789'
let h: OAuthHarness
let lines: string[]
const secrets = new Set<string>()

beforeEach(async () => {
  lines = []
  const stream = { write: (line: string) => lines.push(line) }
  h = await openOAuthHarness({ env: { BIRDHOUSE_ADMIN_TOKEN: ADMIN_TOKEN }, logger: { level: 'trace', stream } })
})
afterEach(async () => {
  await h.close()
})

const admin = (url: string, payload: unknown) =>
  h.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, payload: payload as object })

function keep(...values: unknown[]): void {
  for (const value of values) if (typeof value === 'string' && value.length >= 8) secrets.add(value)
}

async function provision() {
  const user = (await admin('/admin/users', { handle: 'carol' })).json().data
  const app = (await admin('/admin/apps', { name: 'Log test', redirect_uris: [REDIRECT_URI], owner: 'carol' })).json()
    .data
  const oauth1 = (await admin(`/admin/apps/${app.id}/tokens`, { user: 'alice' })).json().data
  keep(ADMIN_TOKEN, user.password, app.client_secret, app.consumer_secret, app.bearer_token, app.access_token)
  keep(app.access_token_secret, oauth1.oauth_token, oauth1.oauth_token_secret)
  return { password: user.password as string, app, auth: basic(app.client_id, app.client_secret) }
}

it('logs no token, code, password, cookie or secret issued or presented in any flow', async () => {
  const { password, app, auth } = await provision()
  const { verifier, challenge } = pkcePair(171)
  const page = await h.app.inject({ method: 'GET', url: authorizeUrl({ clientId: app.client_id, challenge }) })
  keep(verifier, cookieOf(page)?.split('=')[1])
  const consent = await walkConsent(h.app, authorizeUrl({ clientId: app.client_id, challenge }), 'approve', {
    handle: 'carol',
    password,
  })
  const code = consent.query.get('code') as string
  keep(code, consent.cookie?.split('=')[1])
  const token = (body: Record<string, string>, authorization = auth) =>
    postToken(h.app, '/2/oauth2/token', body, { authorization })
  const first = (
    await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier })
  ).json()
  await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier })
  const second = (await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token })).json()
  await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token })
  await token(
    { grant_type: 'refresh_token', refresh_token: 'guessed-refresh-token' },
    basic(app.client_id, 'wrong-client-secret'),
  )
  const appOnly = (
    await postToken(
      h.app,
      '/oauth2/token',
      { grant_type: 'client_credentials' },
      { authorization: basic(app.consumer_key, app.consumer_secret) },
    )
  ).json()
  await h.app.inject({ method: 'GET', url: '/2/users/me', headers: { authorization: `Bearer ${second.access_token}` } })
  await h.app.inject({ method: 'GET', url: '/2/users/me', headers: { authorization: `Bearer ${first.access_token}` } })
  await postToken(
    h.app,
    '/2/oauth2/revoke',
    { token: second.refresh_token, token_type_hint: 'refresh_token' },
    { authorization: auth },
  )
  await admin('/admin/users', { handle: 'dave', password: 'dave-password-123' })
  await admin('/admin/users', { handle: 'dave', password: 'dave-password-456' })
  keep(first.access_token, first.refresh_token, second.access_token, second.refresh_token, appOnly.access_token)
  keep('guessed-refresh-token', 'wrong-client-secret', 'dave-password-123', 'dave-password-456')

  const output = lines.join('')
  expect(lines.length).toBeGreaterThan(10)
  expect(output).toContain('authorization code replayed')
  expect(secrets.size).toBeGreaterThanOrEqual(20)
  const leaked = [...secrets].filter((secret) => output.includes(secret) || output.includes(encodeURIComponent(secret)))
  expect(leaked).toEqual([])
})
