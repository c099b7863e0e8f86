/**
 * Base64 and base64url over bytes without Node's `Buffer`, so the auth helpers run in browsers:
 * `btoa` works on "binary strings" (one char per byte), which is what these build.
 */

/** Standard base64 (RFC 4648 §4) of `bytes`, with padding. */
export function base64(bytes: Uint8Array): string {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary)
}

/** base64url (RFC 4648 §5) of `bytes`, without padding, as PKCE requires (RFC 7636 Appendix A). */
export function base64Url(bytes: Uint8Array): string {
  return base64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/** base64 of a string's UTF-8 bytes (HTTP Basic credentials). */
export function base64Utf8(text: string): string {
  return base64(new TextEncoder().encode(text))
}

/** `length` cryptographically random bytes. */
export function randomBytes(length: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(length))
}
