/**
 * OAuth 1.0a user-context signing (RFC 5849 §3.4, HMAC-SHA1; X's recipe in spec §12.2). Signed:
 * the oauth_* protocol parameters, the query string and an urlencoded body; multipart and JSON
 * bodies are not (§3.4.1.3.1). WebCrypto HMAC, so it runs in browsers and Node alike.
 */
import { type Auth, type AuthRequest, formPairs, searchPairs } from './auth-request.js'
import { base64, randomBytes } from './base64.js'

/** An app's consumer key pair and a user's access token pair. */
export interface OAuth1Credentials {
  consumerKey: string
  consumerSecret: string
  token: string
  tokenSecret: string
}

/** Per-request values; random and current unless given (tests pin them). */
export interface OAuth1SigningValues {
  timestampSecs: number
  nonce: string
  /** Send `oauth_version="1.0"` (X's examples do; RFC 5849 makes it optional). Default true. */
  includeVersion?: boolean
}

/** RFC 3986 percent-encoding (RFC 5849 §3.6): everything but unreserved characters, upper-case hex. */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

/** The base string URI (§3.4.1.2): lower-case scheme and host, default port dropped, no query. */
export function baseStringUri(url: URL): string {
  const scheme = url.protocol.replace(/:$/, '').toLowerCase()
  // URL already drops the scheme's default port and lower-cases the host.
  return `${scheme}://${url.host.toLowerCase()}${url.pathname}`
}

/** The signature base string (§3.4.1.1) over `pairs` (protocol, query and body parameters). */
export function signatureBaseString(method: string, url: URL, pairs: readonly (readonly [string, string])[]): string {
  const encoded = pairs.map(([name, value]) => [percentEncode(name), percentEncode(value)] as const)
  // Encoded pairs are ASCII, so comparing code units is the byte order §3.4.1.3.2 asks for.
  encoded.sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
  const normalized = encoded.map(([name, value]) => `${name}=${value}`).join('&')
  return `${percentEncode(method.toUpperCase())}&${percentEncode(baseStringUri(url))}&${percentEncode(normalized)}`
}

/** HMAC-SHA1 of `baseString` with key `enc(consumerSecret)&enc(tokenSecret)`, base64 (§3.4.2). */
export async function hmacSha1Signature(
  baseString: string,
  consumerSecret: string,
  tokenSecret: string,
): Promise<string> {
  const encoder = new TextEncoder()
  const keyBytes = encoder.encode(`${percentEncode(consumerSecret)}&${percentEncode(tokenSecret)}`)
  const key = await crypto.subtle.importKey('raw', keyBytes, { name: 'HMAC', hash: 'SHA-1' }, false, ['sign'])
  return base64(new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(baseString))))
}

/**
 * The `Authorization: OAuth …` header value of one request.
 * @example await signOAuth1({ method: 'POST', url }, credentials, { timestampSecs: 1318622958, nonce: 'kYjz…' })
 */
export async function signOAuth1(
  request: AuthRequest,
  credentials: OAuth1Credentials,
  values: OAuth1SigningValues,
): Promise<string> {
  const url = new URL(request.url)
  const protocol: [string, string][] = [
    ['oauth_consumer_key', credentials.consumerKey],
    ['oauth_nonce', values.nonce],
    ['oauth_signature_method', 'HMAC-SHA1'],
    ['oauth_timestamp', String(values.timestampSecs)],
    ['oauth_token', credentials.token],
    ...(values.includeVersion === false ? [] : ([['oauth_version', '1.0']] as [string, string][])),
  ]
  const pairs = [...protocol, ...searchPairs(url.searchParams), ...formPairs(request.bodyParams)]
  const base = signatureBaseString(request.method, url, pairs)
  const signature = await hmacSha1Signature(base, credentials.consumerSecret, credentials.tokenSecret)
  const header = [...protocol, ['oauth_signature', signature] as const].sort(([a], [b]) => (a < b ? -1 : 1))
  return `OAuth ${header.map(([name, value]) => `${percentEncode(name)}="${percentEncode(value)}"`).join(', ')}`
}

/** Options of `oauth1()`. */
export interface OAuth1Options extends OAuth1Credentials {
  /** Clock for `oauth_timestamp`; default `Date.now` (X refuses stale timestamps with code 135). */
  now?: () => number
}

/**
 * OAuth 1.0a user context: the only auth X's v1.1 upload endpoints take, also valid on v2.
 * @example const client = createClient({ auth: oauth1({ consumerKey, consumerSecret, token, tokenSecret }) })
 */
export function oauth1(options: OAuth1Options): Auth {
  const now = options.now ?? Date.now
  return {
    authorize: (request) =>
      signOAuth1(request, options, {
        timestampSecs: Math.floor(now() / 1000),
        // 32 random bytes as alphanumerics, like X's example nonce.
        nonce: base64(randomBytes(32)).replace(/[^A-Za-z0-9]/g, ''),
      }),
  }
}
