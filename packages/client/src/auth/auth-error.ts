/**
 * Errors of the OAuth helpers, with stable codes callers branch on:
 * - `TOKEN_REQUEST_REJECTED`: the token endpoint answered an RFC 6749 §5.2 error (`oauthError`,
 *   `description` and `status` say which);
 * - `TOKEN_REQUEST_FAILED`: it answered something that is neither tokens nor an OAuth error
 *   (no answer at all is the SDK's `NetworkError` or `TimeoutError`);
 * - `REAUTHORIZE_REQUIRED`: there are no tokens, or they are dead and cannot be refreshed (no
 *   refresh token, or it was refused): the user must log in again.
 */

/** Stable codes of `OAuthClientError`. */
export type OAuthClientErrorCode = 'TOKEN_REQUEST_REJECTED' | 'TOKEN_REQUEST_FAILED' | 'REAUTHORIZE_REQUIRED'

/** Details of an `OAuthClientError`. */
export interface OAuthClientErrorOptions {
  /** HTTP status of the token endpoint's answer, when there was one. */
  status?: number
  /** RFC 6749 `error`, e.g. `invalid_request`. */
  oauthError?: string
  /** RFC 6749 `error_description`. */
  description?: string
  cause?: unknown
}

/** A failure of an OAuth flow or token request. */
export class OAuthClientError extends Error {
  readonly code: OAuthClientErrorCode
  readonly status: number | undefined
  readonly oauthError: string | undefined
  readonly description: string | undefined

  constructor(code: OAuthClientErrorCode, message: string, options: OAuthClientErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'OAuthClientError'
    this.code = code
    this.status = options.status
    this.oauthError = options.oauthError
    this.description = options.description
  }
}

/** Whether `error` is an `OAuthClientError` (optionally with `code`). */
export function isOAuthClientError(error: unknown, code?: OAuthClientErrorCode): error is OAuthClientError {
  return error instanceof OAuthClientError && (code === undefined || error.code === code)
}
