/** PKCE (RFC 7636): the appendix B vector, method parsing in any case, and verifier lengths. */
import { describe, expect, it } from 'vitest'
import { isValidChallenge, parseChallengeMethod, s256Challenge, verifyPkce } from './pkce.js'

// RFC 7636 Appendix B.
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'

describe('PKCE', () => {
  it('computes the RFC 7636 appendix B challenge', () => {
    expect(s256Challenge(VERIFIER)).toBe(CHALLENGE)
    expect(verifyPkce(VERIFIER, CHALLENGE, 'S256')).toBe(true)
  })

  it.each([
    [undefined, 'plain'],
    ['S256', 'S256'],
    ['s256', 'S256'],
    ['plain', 'plain'],
    ['PLAIN', 'plain'],
    ['S512', undefined],
    ['', undefined],
  ])('reads code_challenge_method %j as %j', (raw, method) => {
    expect(parseChallengeMethod(raw)).toBe(method)
  })

  it('accepts verifiers from 43 to 512 characters, including requests-oauthlib’s 171', () => {
    for (const length of [43, 128, 171, 512]) {
      const verifier = 'a'.repeat(length)
      expect(verifyPkce(verifier, s256Challenge(verifier), 'S256')).toBe(true)
    }
    expect(verifyPkce('a'.repeat(42), s256Challenge('a'.repeat(42)), 'S256')).toBe(false)
    expect(verifyPkce('a'.repeat(513), s256Challenge('a'.repeat(513)), 'S256')).toBe(false)
  })

  it('compares plain verifiers exactly and never accepts the S256 challenge as its own verifier', () => {
    expect(verifyPkce(VERIFIER, VERIFIER, 'plain')).toBe(true)
    expect(verifyPkce(CHALLENGE, CHALLENGE, 'S256')).toBe(false)
  })

  it('checks the form of challenges', () => {
    expect(isValidChallenge(CHALLENGE, 'S256')).toBe(true)
    expect(isValidChallenge(`${CHALLENGE}=`, 'S256')).toBe(false)
    expect(isValidChallenge('challenge', 'plain')).toBe(false)
    expect(isValidChallenge('has space'.padEnd(50, 'x'), 'plain')).toBe(false)
  })
})
