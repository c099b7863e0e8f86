/**
 * Shapes of the credentials birdhouse hands out, modelled on what X's developer portal shows so
 * that clients validating lengths or alphabets accept them: 25-character consumer keys,
 * 50-character consumer secrets, `<user id>-<40 chars>` OAuth 1.0a access tokens with 45-character
 * secrets, and URL-safe random strings for everything OAuth 2.0. All draw from `crypto.randomBytes`.
 */
import { randomBytes } from 'node:crypto'
import { randomToken } from './crypto.js'

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/** A random string of `length` letters and digits (rejection sampling, so uniformly distributed). */
export function randomAlphanumeric(length: number): string {
  let out = ''
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // 248 = 4 × 62: bytes at or above it would bias the first characters.
      if (byte < 248 && out.length < length) out += ALPHANUMERIC[byte % 62]
    }
  }
  return out
}

/** A new OAuth 2.0 client id (32 URL-safe characters). */
export function newClientId(): string {
  return randomToken(24)
}

/** A new OAuth 2.0 client secret (48 URL-safe characters). */
export function newClientSecret(): string {
  return randomToken(36)
}

/** A new OAuth 1.0a consumer key and secret. */
export function newConsumerCredentials(): { key: string; secret: string } {
  return { key: randomAlphanumeric(25), secret: randomAlphanumeric(50) }
}

/** A new OAuth 1.0a access token for `userId` and its secret. */
export function newOAuth1Credentials(userId: string): { token: string; secret: string } {
  return { token: `${userId}-${randomAlphanumeric(40)}`, secret: randomAlphanumeric(45) }
}

/** A new app-only bearer token (X's start with a run of `A`s). */
export function newAppBearerToken(): string {
  return `AAAAAAAAAAAAAAAAAAAAA${randomAlphanumeric(64)}`
}

/** A new OAuth 2.0 access or refresh token, or authorization code. */
export function newOpaqueToken(): string {
  return randomToken(48)
}

/** A generated password for a user created without one (24 URL-safe characters). */
export function newPassword(): string {
  return randomToken(18)
}

/** A new token-family id (the grant an access and refresh token descend from). */
export function newFamilyId(): string {
  return randomToken(16)
}
