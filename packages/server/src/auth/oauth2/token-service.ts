/**
 * The grants of the token endpoint and RFC 7009 revocation. Every token is random, shown once and
 * stored as its SHA-256. Tokens from one authorization code form a family: a replayed code or a
 * reused (rotated) refresh token revokes the whole family (RFC 9700 §4.5 and §4.14.2), and
 * refresh tokens rotate on every use, optionally with a short grace window for racing refreshes.
 */
import type { Clock } from '../../clock.js'
import { type Logger, silentLogger } from '../../logger.js'
import type { AuthorizationCodeRecord, AuthStore, RefreshTokenRecord } from '../../stores/auth-store.js'
import { issueAppBearerToken } from '../apps.js'
import { newOpaqueToken } from '../credentials.js'
import { hashToken } from '../crypto.js'
import type { AuthenticatedClient } from './client-auth.js'
import { invalidCode, invalidToken, missingParameter, OAuthError } from './oauth-errors.js'
import { verifyPkce } from './pkce.js'
import { OFFLINE_ACCESS, parseScope } from './scopes.js'

/** Dependencies of `TokenService`. */
export interface TokenServiceOptions {
  store: AuthStore
  clock: Clock
  /** Lifetime of access tokens in seconds (X: 7200). */
  accessTokenTtlSecs: number
  /** Seconds a rotated refresh token may still be used (0: off). */
  refreshGraceSecs: number
  /** Default: silent. Never given a token or secret. */
  logger?: Logger
}

/** Single-valued request parameters. */
export type TokenParams = Readonly<Record<string, string | undefined>>

/** What a user-context grant issued, in the clear. */
export interface IssuedTokens {
  accessToken: string
  expiresInSecs: number
  /** Granted scopes, in request order. */
  scopes: readonly string[]
  /** Present when `offline.access` was granted. */
  refreshToken: string | undefined
}

/** Issues, rotates and revokes OAuth 2.0 tokens. */
export class TokenService {
  readonly #o: TokenServiceOptions
  readonly #log: Logger

  constructor(options: TokenServiceOptions) {
    this.#o = options
    this.#log = options.logger ?? silentLogger
  }

  /**
   * `grant_type=authorization_code`: checks the code's bindings and PKCE (RFC 7636 §4.6), issues
   * its tokens, then marks the code used. Issuing first is what makes a replay revoke everything:
   * the code reads as used only once its tokens exist, so the `revokeFamily` of any later replay
   * covers them; and of two exchanges racing over one code, the one whose redeem loses revokes the
   * family, the winner's tokens with it (RFC 6749 §4.1.2: a code used twice revokes what it issued).
   */
  async exchangeCode(client: AuthenticatedClient, params: TokenParams): Promise<IssuedTokens> {
    const code = required(params, 'code')
    const redirectUri = required(params, 'redirect_uri')
    const verifier = required(params, 'code_verifier')
    const now = this.#o.clock.now()
    const codeHash = hashToken(code)
    const record = await this.#o.store.getAuthorizationCode(codeHash)
    if (record === undefined) throw invalidCode()
    if (record.usedAtMs !== null) return await this.#replayed(record, now)
    if (record.expiresAtMs <= now) throw invalidCode()
    const bound =
      record.appId === client.app.id &&
      record.redirectUri === redirectUri &&
      verifyPkce(verifier, record.codeChallenge, record.codeChallengeMethod)
    if (!bound) {
      // A wrong verifier, client or redirect spends the code all the same.
      const spent = await this.#o.store.redeemAuthorizationCode(codeHash, now)
      if (spent.outcome === 'replayed') return await this.#replayed(record, now)
      throw invalidCode()
    }
    const issued = await this.#issue(record, record.scopes, now)
    const redeemed = await this.#o.store.redeemAuthorizationCode(codeHash, now)
    if (redeemed.outcome === 'ok') return issued
    // Another exchange of this code redeemed it first: nothing issued from it may live.
    return await this.#replayed(record, now)
  }

  /** A code used more than once: revokes every token it issued and refuses. */
  async #replayed(record: AuthorizationCodeRecord, now: number): Promise<never> {
    await this.#o.store.revokeFamily(record.familyId, now)
    this.#log.warn(
      { appId: record.appId, userId: record.userId },
      'authorization code replayed: its tokens are revoked',
    )
    throw invalidCode()
  }

  /** `grant_type=refresh_token`: rotates the refresh token (RFC 9700 §4.14.2); an optional `scope` may narrow the access token. */
  async refresh(client: AuthenticatedClient, params: TokenParams): Promise<IssuedTokens> {
    const oldHash = hashToken(required(params, 'refresh_token'))
    const existing = await this.#o.store.getRefreshToken(oldHash)
    if (existing === undefined || existing.appId !== client.app.id) throw invalidToken()
    const scopes = narrowScopes(existing.scopes, params.scope)
    const now = this.#o.clock.now()
    const refreshToken = newOpaqueToken()
    const next: RefreshTokenRecord = {
      ...existing,
      tokenHash: hashToken(refreshToken),
      createdAtMs: now,
      rotatedAtMs: null,
      revokedAtMs: null,
    }
    const outcome = await this.#o.store.rotateRefreshToken(oldHash, next, now, this.#o.refreshGraceSecs * 1000)
    if (outcome === 'reused') {
      this.#log.warn(
        { appId: existing.appId, userId: existing.userId },
        'rotated refresh token reused: its family is revoked',
      )
    }
    if (outcome !== 'rotated') throw invalidToken()
    const accessToken = await this.#accessToken(existing, scopes, now)
    return { accessToken, expiresInSecs: this.#o.accessTokenTtlSecs, scopes, refreshToken }
  }

  /** `grant_type=client_credentials`: a new app-only bearer token for the client's app. */
  async clientCredentials(client: AuthenticatedClient): Promise<string> {
    if (client.method === 'none') {
      throw new OAuthError('unauthorized_client', 'A public client cannot use the client_credentials grant.')
    }
    return await issueAppBearerToken(this.#o.store, this.#o.clock, client.app.id)
  }

  /**
   * RFC 7009: revokes an access or refresh token of this client (a refresh token takes its whole
   * family with it, §2.1). Unknown tokens succeed silently (§2.2); another client's token is refused.
   */
  async revoke(client: AuthenticatedClient, params: TokenParams): Promise<void> {
    const hash = hashToken(required(params, 'token'))
    const now = this.#o.clock.now()
    const tryAccess = async () => {
      const record = await this.#o.store.getToken(hash)
      if (record === undefined) return false
      if (record.appId !== client.app.id) throw invalidToken()
      await this.#o.store.revokeToken(hash, now)
      return true
    }
    const tryRefresh = async () => {
      const record = await this.#o.store.getRefreshToken(hash)
      if (record === undefined) return false
      if (record.appId !== client.app.id) throw invalidToken()
      await this.#o.store.revokeFamily(record.familyId, now)
      return true
    }
    // The hint only orders the look-ups (RFC 7009 §2.1); unknown hints are ignored.
    const order = params.token_type_hint === 'refresh_token' ? [tryRefresh, tryAccess] : [tryAccess, tryRefresh]
    for (const attempt of order) if (await attempt()) return
  }

  async #issue(
    grant: { familyId: string; appId: string; userId: string },
    scopes: string[],
    now: number,
  ): Promise<IssuedTokens> {
    const accessToken = await this.#accessToken(grant, scopes, now)
    let refreshToken: string | undefined
    if (scopes.includes(OFFLINE_ACCESS)) {
      refreshToken = newOpaqueToken()
      await this.#o.store.createRefreshToken({
        tokenHash: hashToken(refreshToken),
        familyId: grant.familyId,
        appId: grant.appId,
        userId: grant.userId,
        scopes,
        createdAtMs: now,
        rotatedAtMs: null,
        revokedAtMs: null,
      })
    }
    return { accessToken, expiresInSecs: this.#o.accessTokenTtlSecs, scopes, refreshToken }
  }

  async #accessToken(grant: { familyId: string; appId: string; userId: string }, scopes: string[], now: number) {
    const token = newOpaqueToken()
    await this.#o.store.createToken({
      tokenHash: hashToken(token),
      kind: 'user',
      userId: grant.userId,
      appId: grant.appId,
      scopes,
      familyId: grant.familyId,
      createdAtMs: now,
      expiresAtMs: now + this.#o.accessTokenTtlSecs * 1000,
      revokedAtMs: null,
    })
    return token
  }
}

function required(params: TokenParams, name: string): string {
  const value = params[name]
  if (value === undefined || value === '') throw missingParameter(name)
  return value
}

/** RFC 6749 §6: a refresh may ask for a subset of the granted scopes, never more. */
function narrowScopes(granted: string[], requested: string | undefined): string[] {
  if (requested === undefined || requested.trim() === '') return granted
  const parsed = parseScope(requested)
  if (!parsed.ok || parsed.scopes.some((scope) => !granted.includes(scope))) {
    throw new OAuthError('invalid_scope', 'The requested scope exceeds the scope granted by the resource owner.')
  }
  return parsed.scopes
}
