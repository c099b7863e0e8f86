/**
 * OAuth errors. The token and revocation endpoints answer RFC 6749 §5.2 JSON
 * (`{"error","error_description"}`), not the catalogue's problem bodies; authorization errors travel
 * back on the redirect (RFC 6749 §4.1.2.1). The descriptions X sends are copied where they were
 * captured (spec §12.1); the rest follow the RFC.
 */

/** Error codes of RFC 6749 §4.1.2.1 and §5.2. */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'invalid_scope'
  | 'access_denied'
  | 'server_error'

/** X's captured descriptions (spec §12.1, fidelity cases 78, 80, 81). */
export const X_DESCRIPTIONS = {
  codeInvalid: 'Value passed for the authorization code was invalid.',
  tokenInvalid: 'Value passed for the token was invalid.',
  missingAuthorization: 'Missing valid authorization header',
} as const

/** An OAuth error with its HTTP status (token endpoint) and wire code. */
export class OAuthError extends Error {
  readonly error: OAuthErrorCode
  readonly description: string
  readonly status: number

  constructor(error: OAuthErrorCode, description: string, status = 400) {
    super(`${error}: ${description}`)
    this.name = 'OAuthError'
    this.error = error
    this.description = description
    this.status = status
  }
}

/** Tells whether a value is an `OAuthError`. */
export function isOAuthError(value: unknown): value is OAuthError {
  return value instanceof OAuthError
}

/** The body RFC 6749 §5.2 prescribes. */
export function oauthErrorBody(error: OAuthError): { error: OAuthErrorCode; error_description: string } {
  return { error: error.error, error_description: error.description }
}

/** A spent, expired, unknown or mismatched authorization code (X: 400 invalid_request). */
export function invalidCode(): OAuthError {
  return new OAuthError('invalid_request', X_DESCRIPTIONS.codeInvalid)
}

/** A spent, revoked or unknown refresh token, or a token of another client (X: 400 invalid_request). */
export function invalidToken(): OAuthError {
  return new OAuthError('invalid_request', X_DESCRIPTIONS.tokenInvalid)
}

/** Client authentication missing or failed (X: 401 unauthorized_client). */
export function clientUnauthorized(): OAuthError {
  return new OAuthError('unauthorized_client', X_DESCRIPTIONS.missingAuthorization, 401)
}

/** A required parameter is absent. */
export function missingParameter(name: string): OAuthError {
  return new OAuthError('invalid_request', `Missing required parameter [${name}].`)
}

/** A parameter has a malformed value. */
export function invalidParameter(name: string, reason: string): OAuthError {
  return new OAuthError('invalid_request', `Value passed for [${name}] was invalid: ${reason}`)
}

/**
 * What X's app-only endpoint `POST /oauth2/token` answers to any credential problem (spec §7.4,
 * APPONLY): HTTP 403 in v1.1's error shape.
 */
export const APP_ONLY_CREDENTIALS_ERROR = {
  errors: [{ code: 99, label: 'authenticity_token_error', message: 'Unable to verify your credentials' }],
} as const
