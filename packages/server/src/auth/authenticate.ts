/**
 * The one place that turns an `Authorization` header into a `Principal`: OAuth 2.0 bearer tokens
 * (user context, app-only, and `birdhouse token` development tokens) and OAuth 1.0a user-context
 * signatures. Parsing is separate from verification because an OAuth 1.0a signature covers an
 * urlencoded body, which is only available after the body was parsed.
 */
import type { Clock } from '../clock.js'
import { ApiError } from '../errors.js'
import type { AuthStore } from '../stores/auth-store.js'
import { hashToken } from './crypto.js'
import type { OAuth1Verifier, SignedRequest } from './oauth1.js'
import { isOAuthHeader, OAuth1HeaderError, type OAuth1Params, parseOAuthHeader } from './oauth1-signature.js'
import type { Principal } from './principal.js'

/** Credentials read from an `Authorization` header. */
export type Credentials = { scheme: 'bearer'; token: string } | { scheme: 'oauth1'; params: OAuth1Params }

/** Reads the credentials of a header; `AUTH_MISSING` (v1.1 215) when there are none or they are garbled. */
export function parseCredentials(header: string | undefined): Credentials {
  if (header === undefined) throw new ApiError('AUTH_MISSING')
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header)
  if (bearer?.[1] !== undefined) return { scheme: 'bearer', token: bearer[1] }
  if (!isOAuthHeader(header)) throw new ApiError('AUTH_MISSING')
  try {
    return { scheme: 'oauth1', params: parseOAuthHeader(header) }
  } catch (error) {
    if (error instanceof OAuth1HeaderError) throw new ApiError('AUTH_MISSING', { cause: error })
    throw error
  }
}

/** Options of an `Authenticator`. */
export interface AuthenticatorOptions {
  store: AuthStore
  clock: Clock
  oauth1: OAuth1Verifier
}

/** Resolves credentials to the principal they prove. */
export class Authenticator {
  readonly #options: AuthenticatorOptions

  constructor(options: AuthenticatorOptions) {
    this.#options = options
  }

  /** Verifies credentials; `request` describes what an OAuth 1.0a signature covers. */
  async authenticate(credentials: Credentials, request: SignedRequest): Promise<Principal> {
    if (credentials.scheme === 'oauth1') return await this.#options.oauth1.verify(credentials.params, request)
    return await this.bearer(credentials.token)
  }

  /** Resolves a bearer token; `AUTH_INVALID` when unknown, revoked or expired. */
  async bearer(token: string): Promise<Principal> {
    const record = await this.#options.store.getToken(hashToken(token))
    const now = this.#options.clock.now()
    if (
      record === undefined ||
      record.revokedAtMs !== null ||
      (record.expiresAtMs !== null && record.expiresAtMs <= now)
    ) {
      throw new ApiError('AUTH_INVALID')
    }
    return {
      method: record.kind === 'app' ? 'app-only' : 'oauth2-user',
      userId: record.kind === 'app' ? null : record.userId,
      appId: record.appId,
      scopes: record.scopes,
      // X checks OAuth 2.0 tokens by scope, not by app permission.
      permission: 'read-write',
    }
  }
}
