/**
 * Apps and tokens for real clients, made on a started server through the admin HTTP API (README
 * "Users, apps and OAuth"): a server started with `REAL_CLIENT_ENV` answers `POST /admin/apps`
 * with every credential X's developer portal hands out, and approves authorization requests at
 * once as the default user, so an OAuth 2.0 PKCE flow runs with no browser.
 */

/** Admin token of the servers these tests start. */
export const ADMIN_TOKEN = 'real-clients-admin-token-0123456789'

/** Redirect URI registered for the test apps (nothing listens there: the code is read off the redirect). */
export const REDIRECT_URI = 'http://127.0.0.1:9/callback'

/** Server environment: the admin API on, and consent given at once as the default user. */
export const REAL_CLIENT_ENV: Readonly<Record<string, string>> = {
  BIRDHOUSE_ADMIN_TOKEN: ADMIN_TOKEN,
  BIRDHOUSE_AUTO_APPROVE: 'birdhouse',
}

/** The credentials of a new confidential read-write app owned by the default user. */
export interface TestApp {
  id: string
  clientId: string
  clientSecret: string
  consumerKey: string
  consumerSecret: string
  /** OAuth 1.0a access token of the owner. */
  accessToken: string
  accessTokenSecret: string
}

interface CreatedAppBody {
  data: {
    id: string
    client_id: string
    client_secret: string
    consumer_key: string
    consumer_secret: string
    access_token: string
    access_token_secret: string
  }
}

/** Creates an app on the server at `baseUrl` with `POST /admin/apps`. */
export async function createTestApp(baseUrl: string, name = 'real-clients'): Promise<TestApp> {
  const response = await fetch(`${baseUrl}/admin/apps`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name, redirect_uris: [REDIRECT_URI], public: false, permission: 'read-write' }),
  })
  if (response.status !== 201) throw new Error(`POST /admin/apps: ${response.status} ${await response.text()}`)
  const { data } = (await response.json()) as CreatedAppBody
  return {
    id: data.id,
    clientId: data.client_id,
    clientSecret: data.client_secret,
    consumerKey: data.consumer_key,
    consumerSecret: data.consumer_secret,
    accessToken: data.access_token,
    accessTokenSecret: data.access_token_secret,
  }
}

/**
 * Opens a client's authorization URL on the server (its origin swapped for `baseUrl`, as the
 * recipes say a test must) and returns the `code` of the redirect that auto-approval answers with.
 */
export async function approveAuthorization(authorizeUrl: string, baseUrl: string): Promise<string> {
  const url = new URL(authorizeUrl)
  const response = await fetch(`${baseUrl}${url.pathname}${url.search}`, { redirect: 'manual' })
  const location = response.headers.get('location')
  if (location === null)
    throw new Error(`authorize answered ${response.status} with no redirect: ${await response.text()}`)
  const code = new URL(location).searchParams.get('code')
  if (code === null) throw new Error(`authorize redirected to ${location}`)
  return code
}
