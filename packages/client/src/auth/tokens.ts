/** The tokens a user-context OAuth 2.0 grant yields, as the SDK keeps them (camelCase, absolute expiry). */

/** An OAuth 2.0 user token pair. */
export interface Tokens {
  accessToken: string
  /** Present when `offline.access` was granted; rotates on every refresh (X, spec §12.1). */
  refreshToken?: string
  /** When the access token expires, epoch milliseconds; absent when the server did not say. */
  expiresAtMs?: number
  /** Granted scopes, space-separated as the server sent them. */
  scope?: string
}

/** The wire shape of a token response (RFC 6749 §5.1, X's members). */
export interface TokenResponseBody {
  token_type: string
  access_token: string
  expires_in?: number
  refresh_token?: string
  scope?: string
}

/** `Tokens` from a token response received at `nowMs`. */
export function tokensFromResponse(body: TokenResponseBody, nowMs: number): Tokens {
  return {
    accessToken: body.access_token,
    ...(body.refresh_token === undefined ? {} : { refreshToken: body.refresh_token }),
    ...(typeof body.expires_in === 'number' ? { expiresAtMs: nowMs + body.expires_in * 1000 } : {}),
    ...(body.scope === undefined ? {} : { scope: body.scope }),
  }
}
