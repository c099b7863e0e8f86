/**
 * OAuth 1.0a user-context verification (RFC 5849 §3.2), as X applies it.
 *
 * Real clients sign over the URL *they* called, which is rarely the URL the server saw: tweepy
 * signs `https://127.0.0.1:PORT/…` and then sends plain HTTP, twitter-api-v2 behind an agent signs
 * `https://upload.x.com/…` (docs/real-clients.md). So the signature is checked against every
 * candidate base URL: the request's own scheme and Host, `https://` + Host, and each configured
 * public base URL (`BIRDHOUSE_OAUTH1_BASE_URLS`, default X's four hosts). For multipart requests
 * a signature over the protocol parameters alone is accepted too: X's old media docs said that
 * neither body nor query parameters are signed there (spec §12.2), while libraries follow the
 * RFC and sign the query.
 *
 * Checks, in order: consumer key and token known and live (89), timestamp within the window
 * (135), signature (32), nonce unused (32 — X documents 135 for the timestamp alone; a replayed
 * nonce is an authentication failure of an otherwise valid request, which X reports as 32).
 */
import type { Clock } from '../clock.js'
import { ApiError } from '../errors.js'
import type { AuthStore } from '../stores/auth-store.js'
import { type SecretBox, safeEqual } from './crypto.js'
import {
  baseStringUri,
  hmacSha1Signature,
  type OAuth1Params,
  type Pair,
  signatureBaseString,
} from './oauth1-signature.js'
import type { Principal } from './principal.js'

/** What of a request the signature covers. */
export interface SignedRequest {
  method: string
  /** Path as sent, without the query. */
  path: string
  /** `http` or `https`, as the request arrived. */
  protocol: string
  /** The Host header, if any. */
  host: string | undefined
  /** Decoded query parameters. */
  query: Pair[]
  /** Decoded urlencoded body parameters (empty for other bodies). */
  form: Pair[]
  /** Whether the body is multipart (then a signature without query parameters is accepted too). */
  multipart: boolean
}

/** Options of an `OAuth1Verifier`. */
export interface OAuth1VerifierOptions {
  store: AuthStore
  clock: Clock
  /** Opens the sealed consumer and token secrets. */
  secretBox: SecretBox
  /** `scheme://host[:port]` origins clients may have signed over, besides the request's own. */
  baseUrls: readonly string[]
  /** Accepted clock skew of `oauth_timestamp`, in seconds. */
  windowSecs: number
}

/** Verifies OAuth 1.0a HMAC-SHA1 requests against the app and token records of the auth store. */
export class OAuth1Verifier {
  readonly #options: OAuth1VerifierOptions

  constructor(options: OAuth1VerifierOptions) {
    this.#options = options
  }

  /** Resolves a signed request to its user principal, or throws the catalogue error X would answer. */
  async verify(params: OAuth1Params, request: SignedRequest): Promise<Principal> {
    const { store, clock, windowSecs } = this.#options
    const app = await store.getAppByConsumerKey(params.consumerKey)
    const token = app === undefined ? undefined : await store.getOAuth1Token(params.token)
    if (app === undefined || token === undefined || token.revokedAtMs !== null || token.appId !== app.id) {
      throw new ApiError('AUTH_INVALID')
    }
    const nowMs = clock.now()
    if (Math.abs(nowMs / 1000 - params.timestampSecs) > windowSecs) throw new ApiError('AUTH_TIMESTAMP_INVALID')
    const consumerSecret = this.#open(app.consumerSecretSealed)
    const tokenSecret = this.#open(token.secretSealed)
    if (!this.#matches(params, request, consumerSecret, tokenSecret)) throw new ApiError('AUTH_SIGNATURE_INVALID')
    const expiresAtMs = (params.timestampSecs + windowSecs) * 1000
    if (!(await store.useNonce(params.consumerKey, params.nonce, params.timestampSecs, expiresAtMs, nowMs))) {
      throw new ApiError('AUTH_NONCE_REUSED')
    }
    return { method: 'oauth1-user', userId: token.userId, appId: app.id, scopes: [], permission: app.permission }
  }

  #open(sealed: string): string {
    try {
      return this.#options.secretBox.open(sealed)
    } catch (error) {
      // Sealed under another key: the cluster's nodes disagree on BIRDHOUSE_SECRET_KEY.
      throw new ApiError('INTERNAL', { cause: error })
    }
  }

  #matches(params: OAuth1Params, request: SignedRequest, consumerSecret: string, tokenSecret: string): boolean {
    const parameterSets = [[...params.signed, ...request.query, ...request.form]]
    if (request.multipart) parameterSets.push([...params.signed])
    for (const uri of candidateUris(request, this.#options.baseUrls)) {
      for (const pairs of parameterSets) {
        const signature = hmacSha1Signature(
          signatureBaseString(request.method, uri, pairs),
          consumerSecret,
          tokenSecret,
        )
        if (safeEqual(signature, params.signature)) return true
      }
    }
    return false
  }
}

/** Every base string URI a client may have signed this request over, without duplicates. */
export function candidateUris(request: SignedRequest, baseUrls: readonly string[]): string[] {
  const origins: string[] = []
  if (request.host !== undefined && request.host !== '') {
    origins.push(`${request.protocol}://${request.host}`, `https://${request.host}`)
  }
  origins.push(...baseUrls)
  return [...new Set(origins.map((origin) => baseStringUri(origin, request.path)))]
}
