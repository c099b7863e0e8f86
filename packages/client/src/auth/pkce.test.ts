import { describe, expect, it } from 'vitest'
import { buildAuthorizeUrl, createPkcePair, createState, DEFAULT_SCOPES, s256Challenge } from './pkce.js'

describe('PKCE', () => {
  it('derives the RFC 7636 Appendix B challenge from its verifier', async () => {
    expect(await s256Challenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    )
  })

  it('makes a fresh 43-character base64url verifier with its S256 challenge each time', async () => {
    const [a, b] = await Promise.all([createPkcePair(), createPkcePair()])
    expect(a.verifier).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(a.verifier).not.toBe(b.verifier)
    expect(a.challenge).toBe(await s256Challenge(a.verifier))
    expect(a.method).toBe('S256')
    expect(createState()).toMatch(/^[A-Za-z0-9_-]{22}$/)
  })
})

describe('buildAuthorizeUrl', () => {
  it("points at X's authorize page with every parameter X requires, scopes joined by %20", () => {
    const url = buildAuthorizeUrl({
      clientId: 'abc',
      redirectUri: 'http://127.0.0.1:3000/callback',
      state: 's+1',
      codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    })
    expect(url).toBe(
      'https://x.com/i/oauth2/authorize?response_type=code&client_id=abc' +
        '&redirect_uri=http%3A%2F%2F127.0.0.1%3A3000%2Fcallback' +
        '&scope=tweet.read%20tweet.write%20users.read%20media.write%20offline.access' +
        '&state=s%2B1&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256',
    )
    expect(new URL(url).searchParams.get('scope')).toBe(DEFAULT_SCOPES.join(' '))
    expect(new URL(url).searchParams.get('state')).toBe('s+1')
  })

  it('uses another authorize base (birdhouse) and the given scopes', () => {
    const url = new URL(
      buildAuthorizeUrl({
        authorizeBaseUrl: 'http://127.0.0.1:8080/i/oauth2/authorize',
        clientId: 'abc',
        redirectUri: 'http://127.0.0.1:1/cb',
        scopes: ['media.write'],
        state: 's',
        codeChallenge: 'c',
      }),
    )
    expect(url.origin + url.pathname).toBe('http://127.0.0.1:8080/i/oauth2/authorize')
    expect(url.searchParams.get('scope')).toBe('media.write')
  })
})
