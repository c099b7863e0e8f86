/**
 * OAuth 2.0 Authorization Code with PKCE, the client half (RFC 7636, X's flow in spec §12.1): a
 * verifier and its S256 challenge, and the authorization URL the user opens. WebCrypto only, so it
 * runs in browsers and Node alike.
 */
import { base64Url, randomBytes } from './base64.js'

/** X's authorization page; birdhouse answers on the same path. */
export const X_AUTHORIZE_URL = 'https://x.com/i/oauth2/authorize'

/** Scopes an uploader needs: posting with media and staying signed in. */
export const DEFAULT_SCOPES = ['tweet.read', 'tweet.write', 'users.read', 'media.write', 'offline.access'] as const

/** A PKCE verifier and its S256 challenge. */
export interface PkcePair {
  /** 43 characters of base64url (32 random bytes), kept secret until the code exchange. */
  verifier: string
  /** `BASE64URL(SHA256(verifier))`, sent in the authorization URL. */
  challenge: string
  method: 'S256'
}

/**
 * The S256 challenge of a verifier (RFC 7636 §4.2).
 * @example await s256Challenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk') // 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'
 */
export async function s256Challenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))
  return base64Url(new Uint8Array(digest))
}

/**
 * Makes a fresh verifier (32 random bytes, RFC 7636 §4.1's recommendation) and its challenge.
 * @example const { verifier, challenge } = await createPkcePair()
 */
export async function createPkcePair(): Promise<PkcePair> {
  const verifier = base64Url(randomBytes(32))
  return { verifier, challenge: await s256Challenge(verifier), method: 'S256' }
}

/** A random `state` value (base64url of 16 bytes) to bind the redirect to this login. */
export function createState(): string {
  return base64Url(randomBytes(16))
}

/** What goes into an authorization URL. */
export interface AuthorizeUrlOptions {
  /** Default `https://x.com/i/oauth2/authorize`; for birdhouse `<base>/i/oauth2/authorize`. */
  authorizeBaseUrl?: string
  clientId: string
  /** Must equal a callback URL registered for the app, character for character. */
  redirectUri: string
  /** Default `DEFAULT_SCOPES`. */
  scopes?: readonly string[]
  state: string
  /** The S256 challenge from `createPkcePair()`. */
  codeChallenge: string
}

/**
 * The URL to send the user to (RFC 6749 §4.1.1 with RFC 7636 §4.3 parameters).
 * @example
 * const pkce = await createPkcePair()
 * const url = buildAuthorizeUrl({ clientId, redirectUri: 'http://127.0.0.1:3000/callback', state: createState(), codeChallenge: pkce.challenge })
 */
export function buildAuthorizeUrl(options: AuthorizeUrlOptions): string {
  const url = new URL(options.authorizeBaseUrl ?? X_AUTHORIZE_URL)
  const params: [string, string][] = [
    ['response_type', 'code'],
    ['client_id', options.clientId],
    ['redirect_uri', options.redirectUri],
    ['scope', (options.scopes ?? DEFAULT_SCOPES).join(' ')],
    ['state', options.state],
    ['code_challenge', options.codeChallenge],
    ['code_challenge_method', 'S256'],
  ]
  for (const [name, value] of params) url.searchParams.set(name, value)
  // URLSearchParams writes spaces as '+' (a literal '+' becomes %2B); X's docs show %20 in `scope`.
  url.search = url.search.replace(/\+/g, '%20')
  return url.toString()
}
