/**
 * Stateless consent-page sessions and CSRF tokens, so any node of a cluster can check them.
 *
 * The session cookie is `<userId or ->.<expires secs>.<nonce>.<mac>`, the MAC an HMAC-SHA256 under a
 * key derived from the server's secret key. Visitors get an anonymous session before they sign in
 * (so the login form is CSRF-protected too) and a fresh nonce when they do (no session fixation).
 * A CSRF token is an HMAC over the session nonce, the user and a fingerprint of the authorization
 * request, so a token is good for one session and one request, and changing any parameter of the
 * request (a scope, the redirect URI) voids it.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto'
import { safeEqual } from '../crypto.js'
import { AUTHORIZE_PARAMS, type AuthorizeParams } from './authorize-request.js'

/** A consent-page session. */
export interface ConsentSession {
  /** Null before sign-in. */
  userId: string | null
  expiresAtMs: number
  nonce: string
}

/** Signs and checks consent sessions and CSRF tokens. */
export class ConsentSigner {
  readonly #key: Buffer

  constructor(secretKey: string) {
    this.#key = createHash('sha256').update(`birdhouse-consent:${secretKey}`).digest()
  }

  /** A new session for `userId` (null: anonymous) with a fresh nonce. */
  create(userId: string | null, nowMs: number, ttlMs: number): ConsentSession {
    return { userId, expiresAtMs: nowMs + ttlMs, nonce: randomBytes(16).toString('base64url') }
  }

  /** The cookie value of a session. */
  encode(session: ConsentSession): string {
    const body = `${session.userId ?? '-'}.${Math.floor(session.expiresAtMs / 1000)}.${session.nonce}`
    return `${body}.${this.#mac(`session|${body}`)}`
  }

  /** The session in a cookie value; undefined when forged, malformed or expired. */
  decode(value: string | undefined, nowMs: number): ConsentSession | undefined {
    const parts = value?.split('.') ?? []
    if (parts.length !== 4) return undefined
    const [user, expires, nonce, mac] = parts as [string, string, string, string]
    if (!safeEqual(mac, this.#mac(`session|${user}.${expires}.${nonce}`))) return undefined
    const expiresAtMs = Number(expires) * 1000
    if (!Number.isSafeInteger(expiresAtMs) || expiresAtMs <= nowMs) return undefined
    return { userId: user === '-' ? null : user, expiresAtMs, nonce }
  }

  /** The CSRF token binding `session` to one authorization request. */
  csrfToken(session: ConsentSession, params: AuthorizeParams): string {
    return this.#mac(`csrf|${session.nonce}|${session.userId ?? '-'}|${fingerprint(params)}`)
  }

  /** Whether `token` is the CSRF token of `session` and `params` (constant time). */
  checkCsrf(session: ConsentSession, params: AuthorizeParams, token: string | undefined): boolean {
    return token !== undefined && safeEqual(token, this.csrfToken(session, params))
  }

  #mac(text: string): string {
    return createHmac('sha256', this.#key).update(text, 'utf8').digest('base64url')
  }
}

/** A digest of the authorization parameters exactly as sent (absent and empty differ). */
function fingerprint(params: AuthorizeParams): string {
  const values = AUTHORIZE_PARAMS.map((name) => params[name] ?? null)
  return createHash('sha256').update(JSON.stringify(values), 'utf8').digest('base64url')
}
