/**
 * Proof Key for Code Exchange (RFC 7636). X requires PKCE on every authorization request, accepts
 * `S256` and `plain` in any letter case (twitter-api-v2 sends `s256`), and a request without a
 * method means `plain` (RFC 7636 §4.3). The method is fixed when the code is issued: the token
 * request cannot change it, which is what stops a downgrade (RFC 9700 §2.1.1).
 */
import { createHash } from 'node:crypto'
import { safeEqual } from '../crypto.js'

/** The two transforms of RFC 7636 §4.2. */
export type ChallengeMethod = 'S256' | 'plain'

/**
 * Verifiers are unreserved characters, 43 or more. RFC 7636 caps them at 128 but
 * requests-oauthlib (tweepy) sends 171, so birdhouse takes up to 512.
 */
const VERIFIER = /^[A-Za-z0-9\-._~]{43,512}$/

/** An S256 challenge is BASE64URL(SHA-256(verifier)) without padding: exactly 43 characters. */
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/

/** Reads `code_challenge_method` in any case; absent means plain; undefined for anything else. */
export function parseChallengeMethod(raw: string | undefined): ChallengeMethod | undefined {
  if (raw === undefined) return 'plain'
  const lower = raw.toLowerCase()
  if (lower === 's256') return 'S256'
  if (lower === 'plain') return 'plain'
  return undefined
}

/** Whether `challenge` has the form its method produces. */
export function isValidChallenge(challenge: string, method: ChallengeMethod): boolean {
  return method === 'S256' ? S256_CHALLENGE.test(challenge) : VERIFIER.test(challenge)
}

/** Whether `verifier` is well-formed. */
export function isValidVerifier(verifier: string): boolean {
  return VERIFIER.test(verifier)
}

/** The S256 challenge of a verifier. */
export function s256Challenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url')
}

/** Checks a token request's verifier against the challenge stored with the code, in constant time. */
export function verifyPkce(verifier: string, challenge: string, method: ChallengeMethod): boolean {
  if (!isValidVerifier(verifier)) return false
  return safeEqual(method === 'S256' ? s256Challenge(verifier) : verifier, challenge)
}
