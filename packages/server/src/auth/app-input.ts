/**
 * Checks of what an operator types when creating users and apps (CLI and admin API alike). Each
 * failure is an `INVALID_PARAMETER` naming the wire parameter, so both front ends report it the same.
 */
import { ApiError } from '../errors.js'

/** Most redirect URIs one app may register (X's developer portal allows 10 callback URLs). */
export const MAX_REDIRECT_URIS = 10

/** Schemes a redirect may never use: a browser would run or render them instead of going to a client. */
const FORBIDDEN_SCHEMES = new Set(['javascript:', 'data:', 'vbscript:', 'file:', 'blob:'])

/** `values` echo the offending input (never a password). */
function invalid(parameter: string, reason: string, values: string[] = []): ApiError {
  return new ApiError('INVALID_PARAMETER', { params: { parameter, reason }, parameters: { [parameter]: values } })
}

/** An X-style handle: 1–15 letters, digits or underscores. */
export function checkHandle(handle: string): string {
  if (!/^[A-Za-z0-9_]{1,15}$/.test(handle))
    throw invalid('handle', 'expected 1–15 letters, digits or underscores.', [handle])
  return handle
}

/** A password: 8–1024 characters. */
export function checkPassword(password: string): string {
  if (password.length < 8 || password.length > 1024) throw invalid('password', 'expected 8–1024 characters.')
  return password
}

/** A display or app name: 1–`max` characters, no control characters, trimmed. */
export function checkName(parameter: string, name: string, max: number): string {
  const trimmed = name.trim()
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
  if (trimmed.length === 0 || trimmed.length > max || /[\u0000-\u001f\u007f]/.test(trimmed)) {
    throw invalid(parameter, `expected 1–${max} printable characters.`, [name])
  }
  return trimmed
}

/**
 * Redirect URIs: 1–10 absolute URIs without a fragment (RFC 6749 §3.1.2), matched later by exact
 * string comparison (RFC 9700 §4.1.3). http is allowed because birdhouse is a test server; custom
 * schemes are allowed for native apps (RFC 8252 §7.1).
 */
export function checkRedirectUris(uris: readonly string[]): string[] {
  if (uris.length === 0 || uris.length > MAX_REDIRECT_URIS) {
    throw invalid('redirect_uris', `expected 1–${MAX_REDIRECT_URIS} redirect URIs.`)
  }
  for (const uri of uris) {
    let url: URL
    try {
      url = new URL(uri)
    } catch {
      throw invalid('redirect_uris', 'expected absolute URIs.', [uri])
    }
    if (uri.includes('#') || FORBIDDEN_SCHEMES.has(url.protocol)) {
      throw invalid('redirect_uris', `a redirect URI may not have a fragment or a ${url.protocol} scheme.`, [uri])
    }
  }
  return [...new Set(uris)]
}
