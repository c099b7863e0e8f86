/**
 * The token endpoint, client side (RFC 6749 §4.1.3 and §6, X's rules in spec §12.1): form bodies;
 * a confidential client authenticates with HTTP Basic `client_id:client_secret`, a public one
 * sends `client_id` in the body. Refresh tokens rotate, so a refresh answer carries the new one
 * (the old one is dead); if a server keeps the old one it does not send one, and it is kept.
 * No answer throws the SDK's `NetworkError` or `TimeoutError`; an answer without tokens throws
 * `OAuthClientError` (`TOKEN_REQUEST_REJECTED` for an RFC 6749 error body).
 */
import { NetworkError, TimeoutError } from '../errors.js'
import { fetchTransport, type Transport, type TransportResponse } from '../http/transport.js'
import { OAuthClientError } from './auth-error.js'
import { base64Utf8 } from './base64.js'
import { type TokenResponseBody, type Tokens, tokensFromResponse } from './tokens.js'

/** X's token endpoint; birdhouse answers on `<base>/2/oauth2/token`. */
export const X_TOKEN_URL = 'https://api.x.com/2/oauth2/token'

const DEFAULT_TIMEOUT_MS = 30_000

/** Who asks the token endpoint, and how. */
export interface TokenClientOptions {
  /** Default `https://api.x.com/2/oauth2/token`. */
  tokenUrl?: string
  clientId: string
  /** A confidential client's secret, sent as HTTP Basic; omit for a public client. */
  clientSecret?: string
  /** Default the global `fetch`; ignored when `transport` is given. */
  fetch?: typeof fetch
  /** Sends the request (the Node entry's `nodeTransport` for a custom CA); default `fetchTransport(fetch)`. */
  transport?: Transport
  signal?: AbortSignal
  /** Per request; default 30 000 ms. */
  timeoutMs?: number
  /** Clock for `expiresAtMs`; default `Date.now`. */
  now?: () => number
}

/** `grant_type=authorization_code` parameters. */
export interface ExchangeCodeOptions extends TokenClientOptions {
  code: string
  /** The same redirect URI the authorization URL carried. */
  redirectUri: string
  /** The PKCE verifier whose challenge the authorization URL carried. */
  codeVerifier: string
}

/** `grant_type=refresh_token` parameters. */
export interface RefreshTokenOptions extends TokenClientOptions {
  refreshToken: string
}

/**
 * Redeems an authorization code for tokens (within 30 s of the redirect, on X).
 * @example const tokens = await exchangeCode({ clientId, code, redirectUri, codeVerifier: pkce.verifier })
 */
export function exchangeCode(options: ExchangeCodeOptions): Promise<Tokens> {
  return requestTokens(options, [
    ['grant_type', 'authorization_code'],
    ['code', options.code],
    ['redirect_uri', options.redirectUri],
    ['code_verifier', options.codeVerifier],
  ])
}

/**
 * Trades a refresh token for a new pair; the old refresh token is dead afterwards (rotation).
 * @example const next = await refreshToken({ clientId, refreshToken: tokens.refreshToken })
 */
export async function refreshToken(options: RefreshTokenOptions): Promise<Tokens> {
  const tokens = await requestTokens(options, [
    ['grant_type', 'refresh_token'],
    ['refresh_token', options.refreshToken],
  ])
  return tokens.refreshToken === undefined ? { ...tokens, refreshToken: options.refreshToken } : tokens
}

async function requestTokens(options: TokenClientOptions, params: [string, string][]): Promise<Tokens> {
  const url = options.tokenUrl ?? X_TOKEN_URL
  const body = new URLSearchParams(params)
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  }
  if (options.clientSecret === undefined) body.set('client_id', options.clientId)
  else headers.authorization = basicAuthorization(options.clientId, options.clientSecret)
  const response = await post(options, url, headers, body.toString())
  const parsed = parseJson(response.text)
  if (response.status >= 200 && response.status < 300 && isTokenBody(parsed))
    return tokensFromResponse(parsed, (options.now ?? Date.now)())
  throw rejection(url, response.status, parsed)
}

/** HTTP Basic with form-encoded id and secret (RFC 6749 §2.3.1). */
export function basicAuthorization(clientId: string, clientSecret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+')
  return `Basic ${base64Utf8(`${encode(clientId)}:${encode(clientSecret)}`)}`
}

async function post(
  options: TokenClientOptions,
  url: string,
  headers: Record<string, string>,
  body: string,
): Promise<TransportResponse> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const timeout = AbortSignal.timeout(timeoutMs)
  const signal = options.signal === undefined ? timeout : AbortSignal.any([options.signal, timeout])
  try {
    const transport = options.transport ?? fetchTransport(options.fetch)
    return await transport({ method: 'POST', url, headers, body: [body], signal })
  } catch (error) {
    if (options.signal?.aborted === true) throw options.signal.reason
    if (timeout.aborted) {
      throw new TimeoutError('request', timeoutMs, `POST ${url} got no answer within ${timeoutMs} ms`, error)
    }
    throw new NetworkError('POST', url, error)
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function isTokenBody(value: unknown): value is TokenResponseBody {
  const body = value as Partial<TokenResponseBody> | undefined
  return typeof body?.access_token === 'string' && body.access_token !== ''
}

function rejection(url: string, status: number, body: unknown): OAuthClientError {
  const { error, error_description: description } = (body ?? {}) as { error?: unknown; error_description?: unknown }
  if (typeof error !== 'string') {
    return new OAuthClientError(
      'TOKEN_REQUEST_FAILED',
      `the token endpoint ${url} answered ${status} without a token`,
      {
        status,
      },
    )
  }
  const detail = typeof description === 'string' ? `: ${description}` : ''
  return new OAuthClientError('TOKEN_REQUEST_REJECTED', `token request refused (${status} ${error})${detail}`, {
    status,
    oauthError: error,
    ...(typeof description === 'string' ? { description } : {}),
  })
}
