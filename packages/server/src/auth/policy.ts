/**
 * Which authentication each endpoint accepts, and which OAuth 2.0 scopes and app permission it
 * needs: one table, taken from X's OpenAPI `security` requirements (spec §2, §12) and the v1.1
 * reference ("user context only"). `checkPolicy` turns a mismatch into X's exact error.
 *
 * Development tokens minted by `birdhouse token` (OAuth 2.0-style bearer tokens with no app) are a
 * birdhouse convenience: they are accepted on every endpoint, v1.1 included, so that the README's
 * curl walkthrough works without signing requests. Their scopes are still checked on v2.
 */
import { ApiError } from '../errors.js'
import type { AuthMethod, Principal } from './principal.js'

/** What one endpoint requires of its caller. */
export interface AuthPolicy {
  /** Authentication methods X accepts here. */
  readonly methods: readonly AuthMethod[]
  /** OAuth 2.0 scopes a user token must carry (all of them). */
  readonly scopes: readonly string[]
  /** Whether the endpoint writes: OAuth 1.0a tokens of read-only apps are refused. */
  readonly write: boolean
}

const OAUTH1_ONLY = ['oauth1-user'] as const
const USER_CONTEXT = ['oauth2-user', 'oauth1-user'] as const
const ANY = ['oauth2-user', 'oauth1-user', 'app-only'] as const

const V1_WRITE: AuthPolicy = { methods: OAUTH1_ONLY, scopes: [], write: true }
const MEDIA_WRITE: AuthPolicy = { methods: USER_CONTEXT, scopes: ['media.write'], write: true }

/** Every authenticated route, by `METHOD path` as registered. */
export const ROUTE_POLICIES = {
  'POST /1.1/media/upload.json': V1_WRITE,
  'GET /1.1/media/upload.json': { ...V1_WRITE, write: false },
  'POST /1.1/media/metadata/create.json': V1_WRITE,
  'POST /1.1/media/subtitles/create.json': V1_WRITE,
  'POST /1.1/media/subtitles/delete.json': V1_WRITE,
  'POST /1.1/statuses/update.json': V1_WRITE,
  'POST /2/media/upload': MEDIA_WRITE,
  'GET /2/media/upload': { ...MEDIA_WRITE, write: false },
  'POST /2/media/upload/initialize': MEDIA_WRITE,
  'POST /2/media/upload/:id/append': MEDIA_WRITE,
  'POST /2/media/upload/:id/finalize': MEDIA_WRITE,
  'POST /2/media/metadata': MEDIA_WRITE,
  'POST /2/media/subtitles': MEDIA_WRITE,
  'DELETE /2/media/subtitles': MEDIA_WRITE,
  'POST /2/tweets': { methods: USER_CONTEXT, scopes: ['tweet.read', 'tweet.write', 'users.read'], write: true },
  'DELETE /2/tweets/:id': { methods: USER_CONTEXT, scopes: ['tweet.read', 'tweet.write', 'users.read'], write: true },
  'GET /2/tweets': { methods: ANY, scopes: ['tweet.read', 'users.read'], write: false },
  'GET /2/tweets/:id': { methods: ANY, scopes: ['tweet.read', 'users.read'], write: false },
  'GET /2/users/:id/tweets': { methods: ANY, scopes: ['tweet.read', 'users.read'], write: false },
  'GET /2/users/me': { methods: USER_CONTEXT, scopes: ['tweet.read', 'users.read'], write: false },
  'GET /2/media': { methods: ANY, scopes: ['tweet.read'], write: false },
  'GET /2/media/:media_key': { methods: ANY, scopes: ['tweet.read'], write: false },
} as const satisfies Record<string, AuthPolicy>

/** An authenticated route's id. */
export type RouteId = keyof typeof ROUTE_POLICIES

/** Whether a principal holds a development token (`birdhouse token`: a user bearer token with no app). */
export function isDevelopmentToken(principal: Principal): boolean {
  return principal.method === 'oauth2-user' && principal.appId === null
}

/**
 * Throws X's error when `principal` may not call an endpoint with `policy`: the method is not
 * accepted (403 unsupported-authentication / v1.1 220), a scope is missing (403 Forbidden), or a
 * read-only app tries to write (403 oauth1-permissions / v1.1 261).
 */
export function checkPolicy(policy: AuthPolicy, principal: Principal): void {
  const methods: readonly AuthMethod[] = policy.methods
  if (!methods.includes(principal.method) && !isDevelopmentToken(principal)) {
    throw new ApiError('AUTH_UNSUPPORTED_METHOD')
  }
  if (principal.method === 'oauth2-user' && methods.includes('oauth2-user')) {
    const missing = policy.scopes.filter((scope) => !principal.scopes.includes(scope))
    if (missing.length > 0) throw new ApiError('AUTH_SCOPE_MISSING', { params: { scopes: missing.join(' ') } })
  }
  if (policy.write && principal.method === 'oauth1-user' && principal.permission === 'read') {
    throw new ApiError('AUTH_APP_READ_ONLY')
  }
}
