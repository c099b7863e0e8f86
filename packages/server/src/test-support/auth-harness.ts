/**
 * The route harness plus every kind of credential X knows, for the authentication tests: a
 * read-write and a read-only app owned by the first user, OAuth 1.0a tokens of that user for
 * both, OAuth 2.0 user tokens with every scope and with only `tweet.read users.read`, and an
 * app-only bearer token. Requests can be sent with any raw `Authorization` header.
 */
import type { HTTPMethods, LightMyRequestResponse } from 'fastify'
import {
  createBearerToken,
  createOAuth1Token,
  createTestApp,
  type OAuth1Credentials,
  type SigningInput,
  signRequest,
  TEST_SECRET_KEY,
  type TestApp,
} from './auth-fixtures.js'
import { openRouteHarness, type RequestBody, type RouteHarness, type RouteHarnessOptions } from './route-harness.js'

/** The local origin `inject()` requests carry (`Host: localhost:80`). */
export const LOCAL_ORIGIN = 'http://localhost:80'

/** A route harness with apps and credentials of every kind. */
export interface AuthHarness extends RouteHarness {
  readWriteApp: TestApp
  readOnlyApp: TestApp
  /** The first user's OAuth 1.0a token for the read-write app. */
  oauth1: OAuth1Credentials
  /** The first user's OAuth 1.0a token for the read-only app. */
  oauth1ReadOnly: OAuth1Credentials
  /** OAuth 2.0 user token of the read-write app with every scope. */
  oauth2: string
  /** OAuth 2.0 user token with `tweet.read users.read` only. */
  oauth2ReadScopes: string
  /** App-only bearer token of the read-write app. */
  appOnly: string
  /** Sends a request with a raw Authorization header (`null`: none). */
  sendRaw(
    method: HTTPMethods,
    url: string,
    authorization: string | null,
    body?: RequestBody,
  ): Promise<LightMyRequestResponse>
  /** Signs a request with OAuth 1.0a over `signedOrigin` + `url` (default the local origin) and sends it. */
  sendSigned(
    credentials: OAuth1Credentials,
    method: HTTPMethods,
    url: string,
    body?: RequestBody & { form?: Record<string, string> },
    signing?: Partial<SigningInput> & { signedOrigin?: string },
  ): Promise<LightMyRequestResponse>
}

/** Opens a route harness (with the test secret key) and creates the apps and tokens. */
export async function openAuthHarness(options: RouteHarnessOptions = {}): Promise<AuthHarness> {
  const h = await openRouteHarness({ ...options, env: { BIRDHOUSE_SECRET_KEY: TEST_SECRET_KEY, ...options.env } })
  const { auth } = h.stores
  const readWriteApp = await createTestApp(auth, h.clock, h.userId)
  const readOnlyApp = await createTestApp(auth, h.clock, h.userId, { permission: 'read' })
  const appId = readWriteApp.record.id
  const sendRaw: AuthHarness['sendRaw'] = (method, url, authorization, body) =>
    h.app.inject({
      method,
      url,
      headers: { ...body?.headers, ...(authorization === null ? {} : { authorization }) },
      ...(body === undefined ? {} : { payload: body.payload }),
    })
  return {
    ...h,
    readWriteApp,
    readOnlyApp,
    oauth1: await createOAuth1Token(auth, h.clock, readWriteApp, h.userId),
    oauth1ReadOnly: await createOAuth1Token(auth, h.clock, readOnlyApp, h.userId),
    oauth2: await createBearerToken(auth, h.clock, { appId, userId: h.userId }),
    oauth2ReadScopes: await createBearerToken(auth, h.clock, {
      appId,
      userId: h.userId,
      scopes: ['tweet.read', 'users.read'],
    }),
    appOnly: await createBearerToken(auth, h.clock, { appId, userId: null }),
    sendRaw,
    sendSigned: (credentials, method, url, body, signing = {}) => {
      const { signedOrigin = LOCAL_ORIGIN, ...rest } = signing
      const form = body?.form === undefined ? {} : { form: body.form }
      const header = signRequest(credentials, h.clock, { method, url: `${signedOrigin}${url}`, ...form, ...rest })
      return sendRaw(method, url, header, body)
    },
  }
}

/** `Authorization: Bearer <token>`. */
export function bearer(token: string): string {
  return `Bearer ${token}`
}
