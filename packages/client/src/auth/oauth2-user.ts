/**
 * OAuth 2.0 user-context auth that keeps itself valid. Before each request it refreshes an access
 * token that expires within the skew (default 60 s), so a long upload never sends a dead one; after
 * a 401 it refreshes once if the token it used is still the stored one. Refreshes are single-flight
 * in the process, and run inside `TokenStore.update`, which re-reads the stored pair under the
 * store's lock: when another process rotated the refresh token meanwhile, its new pair is used
 * instead of refreshing again with the dead one (which would also revoke the grant on X and on
 * birdhouse, RFC 9700 §4.14.2).
 */
import { OAuthClientError } from './auth-error.js'
import type { Auth } from './auth-request.js'
import { refreshToken, type TokenClientOptions } from './token-request.js'
import { MemoryTokenStore, type TokenStore } from './token-store.js'
import type { Tokens } from './tokens.js'

const DEFAULT_SKEW_MS = 60_000

/** Options of `oauth2User()`. */
export interface OAuth2UserOptions extends Omit<TokenClientOptions, 'signal'> {
  /** Tokens to start with; used until the store has some. Give this, `store`, or both. */
  tokens?: Tokens
  /** Where refreshed tokens are kept; default a `MemoryTokenStore` holding `tokens`. */
  store?: TokenStore
  /** Refresh when the access token expires within this; default 60 000 ms. */
  refreshSkewMs?: number
  /** Called with every pair this instance obtained by refreshing. */
  onRefresh?: (tokens: Tokens) => void
}

/** Options of `OAuth2UserAuth.refresh()`. */
export interface RefreshOptions {
  /**
   * The access token the caller found wanting (expired, or refused with 401). When the store
   * already holds a different, fresh one, that is returned instead of refreshing. Omit to force.
   */
  replacing?: string
}

/** An `Auth` with OAuth 2.0 user tokens that refreshes them. */
export interface OAuth2UserAuth extends Auth {
  /** Refreshes (single-flight); resolves to the tokens now stored. */
  refresh(options?: RefreshOptions): Promise<Tokens>
  /** The current tokens, as last read or refreshed (undefined when there are none). */
  tokens(): Promise<Tokens | undefined>
}

/**
 * OAuth 2.0 user context with refresh before expiry, after a 401, and safe rotation.
 * @example
 * const auth = oauth2User({ store: new FileTokenStore(path), clientId, tokenUrl: 'http://127.0.0.1:8080/2/oauth2/token' })
 * const client = createClient({ auth })
 */
export function oauth2User(options: OAuth2UserOptions): OAuth2UserAuth {
  return new OAuth2User(options)
}

class OAuth2User implements OAuth2UserAuth {
  readonly #o: OAuth2UserOptions
  readonly #store: TokenStore
  readonly #now: () => number
  #cached: Tokens | undefined
  #inflight: Promise<Tokens> | undefined

  constructor(options: OAuth2UserOptions) {
    this.#o = options
    this.#store = options.store ?? new MemoryTokenStore(options.tokens)
    this.#now = options.now ?? Date.now
    this.#cached = options.tokens
  }

  async tokens(): Promise<Tokens | undefined> {
    this.#cached = (await this.#store.read()) ?? this.#cached
    return this.#cached
  }

  async authorize(): Promise<string> {
    let tokens = this.#cached ?? (await this.tokens())
    if (tokens === undefined) throw notLoggedIn()
    if (this.#expiresSoon(tokens)) tokens = await this.refresh({ replacing: tokens.accessToken })
    return `Bearer ${tokens.accessToken}`
  }

  async onUnauthorized(rejected: string): Promise<boolean> {
    const used = rejected.replace(/^Bearer\s+/i, '')
    const tokens = await this.refresh({ replacing: used })
    return tokens.accessToken !== used
  }

  refresh(options: RefreshOptions = {}): Promise<Tokens> {
    this.#inflight ??= this.#store
      .update((current) => this.#refreshed(current ?? this.#cached, options.replacing))
      .then((tokens) => {
        this.#cached = tokens
        return tokens
      })
      .finally(() => {
        this.#inflight = undefined
      })
    return this.#inflight
  }

  /** Runs under the store's lock: `current` is what is stored now. */
  async #refreshed(current: Tokens | undefined, replacing: string | undefined): Promise<Tokens> {
    if (current === undefined) throw notLoggedIn()
    // Someone (another process, or an earlier refresh here) already replaced the unwanted token.
    if (replacing !== undefined && current.accessToken !== replacing && !this.#expiresSoon(current)) return current
    if (current.refreshToken === undefined) {
      throw new OAuthClientError(
        'REAUTHORIZE_REQUIRED',
        'the access token expired and there is no refresh token (grant offline.access): log in again',
      )
    }
    try {
      const next = await refreshToken({ ...this.#tokenClient(), refreshToken: current.refreshToken })
      this.#o.onRefresh?.(next)
      return next
    } catch (error) {
      if (error instanceof OAuthClientError && error.code === 'TOKEN_REQUEST_REJECTED') {
        throw new OAuthClientError('REAUTHORIZE_REQUIRED', `the refresh token was refused: log in again`, {
          ...(error.status === undefined ? {} : { status: error.status }),
          ...(error.oauthError === undefined ? {} : { oauthError: error.oauthError }),
          ...(error.description === undefined ? {} : { description: error.description }),
          cause: error,
        })
      }
      throw error
    }
  }

  #tokenClient(): TokenClientOptions {
    const { tokenUrl, clientId, clientSecret, fetch, transport, timeoutMs, now } = this.#o
    return {
      clientId,
      ...(tokenUrl === undefined ? {} : { tokenUrl }),
      ...(clientSecret === undefined ? {} : { clientSecret }),
      ...(fetch === undefined ? {} : { fetch }),
      ...(transport === undefined ? {} : { transport }),
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
      ...(now === undefined ? {} : { now }),
    }
  }

  #expiresSoon(tokens: Tokens): boolean {
    if (tokens.expiresAtMs === undefined) return false
    return this.#now() >= tokens.expiresAtMs - (this.#o.refreshSkewMs ?? DEFAULT_SKEW_MS)
  }
}

function notLoggedIn(): OAuthClientError {
  return new OAuthClientError('REAUTHORIZE_REQUIRED', 'there are no OAuth 2.0 tokens: log in first')
}
