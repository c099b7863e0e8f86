/**
 * The authorization endpoint and its consent page: RFC 6749 §4.1.2.1 error handling (error page
 * versus redirect), sign-in, Approve / Cancel, CSRF, escaping, security headers and auto-approve.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { buildApp, memoryStores } from '../app.js'
import type { CreatedApp } from '../auth/apps.js'
import { loadConfig } from '../config.js'
import {
  ALICE_PASSWORD,
  authorizeUrl,
  cookieOf,
  hiddenFields,
  type OAuthHarness,
  openOAuthHarness,
  pkcePair,
  postForm,
  REDIRECT_URI,
  walkConsent,
} from '../test-support/oauth-harness.js'

let h: OAuthHarness
let client: CreatedApp
const { challenge } = pkcePair()

beforeEach(async () => {
  h = await openOAuthHarness()
  client = await h.createApp({ name: 'Demo <script>alert(1)</script> & "co"' })
})
afterEach(async () => {
  await h.close()
})

const get = (url: string, cookie?: string) =>
  h.app.inject({ method: 'GET', url, headers: cookie === undefined ? {} : { cookie } })
const url = (overrides: Partial<Parameters<typeof authorizeUrl>[0]> = {}) =>
  authorizeUrl({ clientId: client.clientId, challenge, ...overrides })

function redirectQuery(response: { statusCode: number; headers: Record<string, unknown> }): URLSearchParams {
  expect(response.statusCode).toBe(302)
  const location = String(response.headers.location)
  expect(location.startsWith(`${REDIRECT_URI}?`)).toBe(true)
  return new URL(location).searchParams
}

describe('authorization request errors (RFC 6749 §4.1.2.1)', () => {
  it.each([
    ['an unknown client_id', { clientId: 'nope' }],
    ['an unregistered redirect_uri', { redirectUri: 'https://evil.example/callback' }],
    ['a redirect_uri differing only by a trailing slash', { redirectUri: `${REDIRECT_URI}/` }],
  ])('shows an error page and never redirects for %s', async (_name, overrides) => {
    const response = await get(url(overrides))
    expect(response.statusCode).toBe(400)
    expect(response.headers.location).toBeUndefined()
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(response.body).toContain('Something went wrong')
  })

  it('shows an error page when redirect_uri is missing', async () => {
    const response = await get(
      `/i/oauth2/authorize?response_type=code&client_id=${client.clientId}&scope=users.read&state=s&code_challenge=${challenge}`,
    )
    expect(response.statusCode).toBe(400)
    expect(response.headers.location).toBeUndefined()
  })

  it.each([
    ['unsupported_response_type', { responseType: 'token' }],
    ['invalid_scope', { scope: 'tweet.read everything' }],
    ['invalid_scope', { scope: '' }],
    ['invalid_request', { challenge: 'short' }],
    ['invalid_request', { method: 'S512' }],
    ['invalid_request', { state: null }],
    ['invalid_request', { state: 'x'.repeat(501) }],
  ])('redirects with error=%s for %j', async (error, overrides) => {
    const query = redirectQuery(await get(url(overrides)))
    expect(query.get('error')).toBe(error)
    expect(query.get('error_description')).toEqual(expect.any(String))
    if (!('state' in overrides)) expect(query.get('state')).toBe('state-123')
    expect(query.has('code')).toBe(false)
  })

  it('redirects with invalid_request when code_challenge is missing (X requires PKCE)', async () => {
    const bare = `/i/oauth2/authorize?response_type=code&client_id=${client.clientId}&redirect_uri=${encodeURIComponent(REDIRECT_URI)}&scope=users.read&state=s`
    const query = redirectQuery(await get(bare))
    expect(query.get('error')).toBe('invalid_request')
    expect(query.get('error_description')).toBe('Missing required parameter [code_challenge].')
    expect(query.get('state')).toBe('s')
  })

  it('keeps a query the redirect URI was registered with', async () => {
    const withQuery = await h.createApp({ redirectUris: ['http://127.0.0.1:3000/cb?tenant=1'] })
    const response = await get(
      authorizeUrl({
        clientId: withQuery.clientId,
        challenge,
        redirectUri: 'http://127.0.0.1:3000/cb?tenant=1',
        responseType: 'token',
      }),
    )
    expect(String(response.headers.location)).toMatch(
      /^http:\/\/127\.0\.0\.1:3000\/cb\?tenant=1&error=unsupported_response_type&/,
    )
  })
})

describe('consent page', () => {
  it('shows the sign-in form with the escaped app name, scopes and security headers', async () => {
    const response = await get(url())
    expect(response.statusCode).toBe(200)
    expect(response.body).toContain('Demo &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;co&quot;')
    expect(response.body).not.toContain('<script>')
    for (const scope of ['tweet.read', 'users.read', 'media.write', 'offline.access'])
      expect(response.body).toContain(`(${scope})`)
    expect(response.headers['x-frame-options']).toBe('DENY')
    expect(response.headers['cache-control']).toBe('no-store')
    expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'")
    expect(String(response.headers['set-cookie'])).toMatch(
      /^bh_consent=[^;]+; Path=\/; Max-Age=1800; HttpOnly; SameSite=Lax$/,
    )
  })

  it('escapes echoed parameters in the hidden fields', async () => {
    const response = await get(url({ state: '"><img src=x onerror=alert(1)>' }))
    expect(response.body).toContain('value="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"')
    expect(hiddenFields(response.body).state).toBe('"><img src=x onerror=alert(1)>')
  })

  it.each(['/i/oauth2/authorize', '/oauth2/authorize', '/2/oauth2/authorize'])(
    'answers on %s and posts back to it',
    async (path) => {
      const consent = await walkConsent(h.app, url({ path }))
      expect(consent.query.get('code')).toEqual(expect.any(String))
      expect(consent.query.get('state')).toBe('state-123')
    },
  )

  it('re-shows the sign-in form after a wrong password, without revealing whether the user exists', async () => {
    const page = await get(url())
    for (const handle of ['alice', 'nobody']) {
      const response = await postForm(
        h.app,
        '/i/oauth2/authorize',
        { ...hiddenFields(page.body), action: 'login', handle, password: 'wrong password' },
        cookieOf(page),
      )
      expect(response.statusCode).toBe(200)
      expect(response.body).toContain('Wrong handle or password.')
      expect(response.headers['set-cookie']).toBeUndefined()
    }
  })

  it('skips sign-in while the session lasts', async () => {
    const first = await walkConsent(h.app, url())
    const again = await get(url(), first.cookie)
    expect(again.body).toContain('Signed in as <strong>@alice</strong>')
    expect(again.body).toContain('value="approve"')
  })

  it('redirects with error=access_denied and the state when the user cancels', async () => {
    const consent = await walkConsent(h.app, url({ state: 'xyz' }), 'deny')
    expect(consent.query.get('error')).toBe('access_denied')
    expect(consent.query.get('state')).toBe('xyz')
    expect(consent.query.has('code')).toBe(false)
  })

  it('will not approve for a visitor who has not signed in', async () => {
    const page = await get(url())
    const response = await postForm(
      h.app,
      '/i/oauth2/authorize',
      { ...hiddenFields(page.body), action: 'approve' },
      cookieOf(page),
    )
    expect(response.statusCode).toBe(200)
    expect(response.body).toContain('Sign in first.')
  })
})

describe('CSRF protection', () => {
  async function signedInForm() {
    const page = await get(url())
    const signedIn = await postForm(
      h.app,
      '/i/oauth2/authorize',
      { ...hiddenFields(page.body), action: 'login', handle: 'alice', password: ALICE_PASSWORD },
      cookieOf(page),
    )
    return { fields: hiddenFields(signedIn.body), cookie: cookieOf(signedIn) as string }
  }

  it.each([
    ['a missing CSRF token', (f: Record<string, string>) => ({ ...f, csrf_token: '' })],
    ['a wrong CSRF token', (f: Record<string, string>) => ({ ...f, csrf_token: 'A'.repeat(43) })],
    ['a tampered scope', (f: Record<string, string>) => ({ ...f, scope: `${f.scope} dm.read` })],
  ])('refuses %s with 403 and no redirect', async (_name, change) => {
    const { fields, cookie } = await signedInForm()
    const response = await postForm(h.app, '/i/oauth2/authorize', { ...change(fields), action: 'approve' }, cookie)
    expect(response.statusCode).toBe(403)
    expect(response.headers.location).toBeUndefined()
  })

  it('refuses a form posted without the session cookie, or with a forged one', async () => {
    const { fields, cookie } = await signedInForm()
    for (const forged of [undefined, `${cookie.slice(0, -3)}abc`, cookie.replace(/=\d+\./, '=1.')]) {
      const response = await postForm(h.app, '/i/oauth2/authorize', { ...fields, action: 'approve' }, forged)
      expect(response.statusCode).toBe(403)
    }
  })

  it("refuses another session's CSRF token", async () => {
    const mine = await signedInForm()
    const theirs = await signedInForm()
    const response = await postForm(
      h.app,
      '/i/oauth2/authorize',
      { ...mine.fields, csrf_token: theirs.fields.csrf_token as string, action: 'approve' },
      mine.cookie,
    )
    expect(response.statusCode).toBe(403)
  })

  it('refuses an expired session', async () => {
    const { fields, cookie } = await signedInForm()
    h.clock.advance(60 * 60_000)
    const response = await postForm(h.app, '/i/oauth2/authorize', { ...fields, action: 'approve' }, cookie)
    expect(response.statusCode).toBe(403)
  })
})

describe('BIRDHOUSE_AUTO_APPROVE', () => {
  it('approves at once as the configured user', async () => {
    await h.close()
    h = await openOAuthHarness({ env: { BIRDHOUSE_AUTO_APPROVE: 'alice' } })
    client = await h.createApp()
    const query = redirectQuery(await get(url({ state: 'auto' })))
    expect(query.get('state')).toBe('auto')
    expect(query.get('code')).toEqual(expect.any(String))
  })

  it('still refuses an invalid request', async () => {
    await h.close()
    h = await openOAuthHarness({ env: { BIRDHOUSE_AUTO_APPROVE: 'alice' } })
    client = await h.createApp()
    expect((await get(url({ redirectUri: 'https://evil.example/' }))).statusCode).toBe(400)
    expect(redirectQuery(await get(url({ scope: 'bogus' }))).get('error')).toBe('invalid_scope')
  })

  it.each(['0.0.0.0', '::', '192.168.1.10'])('refuses to build an app listening on %s', async (host) => {
    const config = loadConfig({ BIRDHOUSE_AUTO_APPROVE: 'alice', HOST: host })
    await expect(buildApp({ config, stores: await memoryStores(), background: false, logger: false })).rejects.toThrow(
      /BIRDHOUSE_AUTO_APPROVE/,
    )
  })
})
