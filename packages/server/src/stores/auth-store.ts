/**
 * Durable authorization state: local passwords, client apps, OAuth 2.0 codes, access and refresh
 * tokens, OAuth 1.0a tokens, replay nonces and rate-limit counters. Implemented by the same
 * backends as `MetadataStore` (one database), specified by its own conformance suite
 * (`conformance/auth-store.suite.ts`).
 *
 * Secrets are never stored in the clear: high-entropy tokens, codes and client secrets by their
 * SHA-256 (`tokenHash`, `codeHash`, `clientSecretHash`); passwords by scrypt; OAuth 1.0a secrets,
 * which HMAC verification needs in the clear, sealed with AES-256-GCM (`…Sealed`, see auth/crypto.ts).
 *
 * Every check-and-change method is atomic across nodes (a transaction or one conditional statement).
 */

/** What an app may do with user tokens. */
export type AppPermission = 'read' | 'read-write'

/** A client application (X's "app"). */
export interface AppRecord {
  /** Numeric string. */
  id: string
  name: string
  /** User who registered it. */
  ownerId: string
  /** OAuth 2.0 client id. */
  clientId: string
  /** SHA-256 of the OAuth 2.0 client secret; null for a public client. */
  clientSecretHash: string | null
  /** Registered redirect URIs, matched exactly. */
  redirectUris: string[]
  permission: AppPermission
  /** OAuth 1.0a consumer key. */
  consumerKey: string
  /** OAuth 1.0a consumer secret, sealed. */
  consumerSecretSealed: string
  createdAtMs: number
}

/** A bearer access token: a user's (OAuth 2.0 user context) or an app's (app-only). */
export interface TokenRecord {
  /** SHA-256 hex of the token. */
  tokenHash: string
  kind: 'user' | 'app'
  /** Null for app-only tokens. */
  userId: string | null
  /** Null for development tokens minted by `birdhouse token`. */
  appId: string | null
  scopes: string[]
  /** Authorization grant the token descends from (revoked together); null when none. */
  familyId: string | null
  createdAtMs: number
  /** Null: does not expire. */
  expiresAtMs: number | null
  revokedAtMs: number | null
}

/** A rotating OAuth 2.0 refresh token. */
export interface RefreshTokenRecord {
  tokenHash: string
  familyId: string
  appId: string
  userId: string
  scopes: string[]
  createdAtMs: number
  /** When it was exchanged for its successor; null while live. */
  rotatedAtMs: number | null
  revokedAtMs: number | null
}

/** An OAuth 2.0 authorization code. */
export interface AuthorizationCodeRecord {
  codeHash: string
  appId: string
  userId: string
  redirectUri: string
  scopes: string[]
  codeChallenge: string
  codeChallengeMethod: 'S256' | 'plain'
  /** Family of the tokens this code will issue (revoked if the code is replayed). */
  familyId: string
  createdAtMs: number
  expiresAtMs: number
  usedAtMs: number | null
}

/** An OAuth 1.0a access token of a user for an app. */
export interface OAuth1TokenRecord {
  /** The public `oauth_token`. */
  token: string
  secretSealed: string
  userId: string
  appId: string
  createdAtMs: number
  revokedAtMs: number | null
}

/** Result of redeeming an authorization code. */
export type RedeemResult =
  | { outcome: 'ok'; code: AuthorizationCodeRecord }
  | { outcome: 'replayed'; code: AuthorizationCodeRecord }
  | { outcome: 'invalid' }

/** The authorization store contract. */
export interface AuthStore {
  /** Sets a user's scrypt password hash. */
  setPassword(userId: string, passwordHash: string): Promise<void>
  getPassword(userId: string): Promise<string | undefined>

  /** Adds an app; false when its id, client id or consumer key exists. */
  createApp(app: AppRecord): Promise<boolean>
  getApp(id: string): Promise<AppRecord | undefined>
  getAppByClientId(clientId: string): Promise<AppRecord | undefined>
  getAppByConsumerKey(consumerKey: string): Promise<AppRecord | undefined>
  /** Apps oldest first. */
  listApps(): Promise<AppRecord[]>

  createToken(token: TokenRecord): Promise<void>
  /** A token by hash, revoked or not (callers check `revokedAtMs` and `expiresAtMs`). */
  getToken(tokenHash: string): Promise<TokenRecord | undefined>
  /** Revokes one access token; false when unknown or already revoked. */
  revokeToken(tokenHash: string, nowMs: number): Promise<boolean>
  /** Revokes every access and refresh token of a family. */
  revokeFamily(familyId: string, nowMs: number): Promise<void>

  createAuthorizationCode(code: AuthorizationCodeRecord): Promise<void>
  /** A code by hash, used or not, expired or not (callers apply `redeemStep`). */
  getAuthorizationCode(codeHash: string): Promise<AuthorizationCodeRecord | undefined>
  /**
   * Marks a code used: `ok` the first time (unexpired at `nowMs`), `replayed` when it was used
   * before (the caller revokes its family), `invalid` when unknown or expired.
   */
  redeemAuthorizationCode(codeHash: string, nowMs: number): Promise<RedeemResult>

  createRefreshToken(token: RefreshTokenRecord): Promise<void>
  getRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | undefined>
  /**
   * Exchanges a live refresh token for `next` (same family): marks the old one rotated and inserts
   * `next`, resolving `rotated`. A token rotated less than `graceMs` ago rotates again (`rotated`).
   * A rotated (past grace) or revoked token revokes its whole family and resolves `reused`.
   * Unknown → `invalid`.
   */
  rotateRefreshToken(
    oldHash: string,
    next: RefreshTokenRecord,
    nowMs: number,
    graceMs: number,
  ): Promise<'rotated' | 'reused' | 'invalid'>
  /** Revokes one refresh token; false when unknown or already revoked. */
  revokeRefreshToken(tokenHash: string, nowMs: number): Promise<boolean>

  createOAuth1Token(token: OAuth1TokenRecord): Promise<void>
  getOAuth1Token(token: string): Promise<OAuth1TokenRecord | undefined>

  /**
   * Records an OAuth 1.0a nonce for a consumer key and timestamp; false when that triple was seen
   * before. Entries past `expiresAtMs` may be pruned (their timestamps are outside the window).
   */
  useNonce(
    consumerKey: string,
    nonce: string,
    timestampSecs: number,
    expiresAtMs: number,
    nowMs: number,
  ): Promise<boolean>

  /** Increments the fixed-window counter `key` (created at 0, dropped after `windowEndsAtMs`) and resolves to its new value. */
  incrementCounter(key: string, windowEndsAtMs: number, nowMs: number): Promise<number>
}
