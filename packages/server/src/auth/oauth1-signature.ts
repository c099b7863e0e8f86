/**
 * OAuth 1.0a HMAC-SHA1 signatures as RFC 5849 §3.4 defines them, and the parser of the
 * `Authorization: OAuth …` header (§3.5.1). Pure functions: verification against stored
 * credentials lives in oauth1.ts.
 */
import { createHmac } from 'node:crypto'

/** One name/value pair (names may repeat, as in query strings). */
export type Pair = readonly [name: string, value: string]

/** The protocol parameters of an `Authorization: OAuth …` header, decoded, without `realm`. */
export interface OAuth1Params {
  consumerKey: string
  token: string
  signature: string
  signatureMethod: string
  timestampSecs: number
  nonce: string
  /** Every protocol parameter except `oauth_signature` and `realm`, as signed. */
  signed: Pair[]
}

/** Why a header could not be used (the caller answers X's 215 Bad Authentication data). */
export class OAuth1HeaderError extends Error {
  constructor(reason: string) {
    super(reason)
    this.name = 'OAuth1HeaderError'
  }
}

/** RFC 3986 percent-encoding as RFC 5849 §3.6 requires: only unreserved characters stay as they are. */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

function percentDecode(value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    // The value is left out of the message: it may be a secret-derived signature.
    throw new OAuth1HeaderError('a parameter has bad percent-encoding')
  }
}

const PARAM = /\s*([^\s=,]+)\s*=\s*"([^"]*)"\s*(?:,|$)/y

/** Whether a header uses the OAuth scheme (RFC 5849 §3.5.1: the scheme name is case-insensitive). */
export function isOAuthHeader(header: string): boolean {
  return /^OAuth(?:\s|$)/i.test(header)
}

function requireOne(values: Map<string, string>, name: string): string {
  const value = values.get(name)
  if (value === undefined || value === '') throw new OAuth1HeaderError(`${name} is missing`)
  return value
}

/**
 * Parses an `Authorization: OAuth …` header. Duplicate parameters, unquoted values, a method
 * other than HMAC-SHA1, a version other than 1.0 and a non-numeric timestamp are refused
 * (RFC 5849 §3.2: such requests are bad requests; X answers 215).
 */
export function parseOAuthHeader(header: string): OAuth1Params {
  if (!isOAuthHeader(header)) throw new OAuth1HeaderError('not an OAuth header')
  const rest = header.replace(/^OAuth\s*/i, '')
  const values = new Map<string, string>()
  PARAM.lastIndex = 0
  while (PARAM.lastIndex < rest.length) {
    const start = PARAM.lastIndex
    const match = PARAM.exec(rest)
    if (match === null) {
      if (rest.slice(start).trim() === '') break
      throw new OAuth1HeaderError('the header is not a list of name="value" pairs')
    }
    const name = percentDecode(match[1] ?? '')
    if (values.has(name)) throw new OAuth1HeaderError(`${name} appears twice`)
    values.set(name, percentDecode(match[2] ?? ''))
  }
  const method = requireOne(values, 'oauth_signature_method')
  if (method !== 'HMAC-SHA1') throw new OAuth1HeaderError(`unsupported signature method ${method}`)
  const version = values.get('oauth_version')
  if (version !== undefined && version !== '1.0') throw new OAuth1HeaderError(`unsupported version ${version}`)
  const timestamp = requireOne(values, 'oauth_timestamp')
  if (!/^\d{1,12}$/.test(timestamp)) throw new OAuth1HeaderError('oauth_timestamp is not a positive integer')
  const signed: Pair[] = [...values].filter(([name]) => name !== 'oauth_signature' && name !== 'realm')
  return {
    consumerKey: requireOne(values, 'oauth_consumer_key'),
    token: requireOne(values, 'oauth_token'),
    signature: requireOne(values, 'oauth_signature'),
    signatureMethod: method,
    timestampSecs: Number(timestamp),
    nonce: requireOne(values, 'oauth_nonce'),
    signed,
  }
}

/**
 * The base string URI (RFC 5849 §3.4.1.2): scheme and host in lower case, the default port
 * dropped, the path as sent. `origin` is `scheme://host[:port]`.
 */
export function baseStringUri(origin: string, path: string): string {
  const match = /^(https?):\/\/([^/:]+)(?::(\d+))?$/i.exec(origin)
  if (match === null) return `${origin}${path}`
  const scheme = (match[1] ?? '').toLowerCase()
  const host = (match[2] ?? '').toLowerCase()
  const port = match[3]
  const defaultPort = scheme === 'https' ? '443' : '80'
  return `${scheme}://${host}${port === undefined || port === defaultPort ? '' : `:${port}`}${path}`
}

/** The normalized request parameters (RFC 5849 §3.4.1.3.2): encoded, sorted by name then value, joined. */
export function normalizeParameters(pairs: readonly Pair[]): string {
  const encoded = pairs.map(([name, value]) => [percentEncode(name), percentEncode(value)] as const)
  // Encoded pairs are ASCII, so comparing UTF-16 code units is the byte order the RFC asks for.
  encoded.sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
  return encoded.map(([name, value]) => `${name}=${value}`).join('&')
}

/** The signature base string (RFC 5849 §3.4.1.1). `pairs` must not include `oauth_signature`. */
export function signatureBaseString(method: string, uri: string, pairs: readonly Pair[]): string {
  return `${percentEncode(method.toUpperCase())}&${percentEncode(uri)}&${percentEncode(normalizeParameters(pairs))}`
}

/** HMAC-SHA1 over a base string with key `enc(consumer secret)&enc(token secret)`, base64 (RFC 5849 §3.4.2). */
export function hmacSha1Signature(baseString: string, consumerSecret: string, tokenSecret: string): string {
  const key = `${percentEncode(consumerSecret)}&${percentEncode(tokenSecret)}`
  return createHmac('sha1', key).update(baseString).digest('base64')
}

/** Parses a query string or urlencoded body into pairs, decoding `+` as a space (RFC 5849 §3.4.1.3.1). */
export function formPairs(text: string): Pair[] {
  return [...new URLSearchParams(text)]
}
