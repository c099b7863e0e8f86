/**
 * The `AuthStore` half of `MemoryMetadataStore`: maps keyed like the SQL tables' unique keys. No
 * method awaits between its check and its change, so each is atomic within the process, as the
 * conformance suite's races require. Records are insert-if-absent, like the SQL backends.
 */
import type {
  AppRecord,
  AuthorizationCodeRecord,
  AuthStore,
  OAuth1TokenRecord,
  RedeemResult,
  RefreshTokenRecord,
  TokenRecord,
} from '../auth-store.js'
import { type CounterState, incremented, redeemStep, rotationStep } from './auth-rules.js'
import { compareIds } from './post-rules.js'

const clone = <T>(value: T): T => structuredClone(value)

/** Auth records held in memory. */
export class MemoryAuthTables implements AuthStore {
  #passwords = new Map<string, string>()
  #apps = new Map<string, AppRecord>()
  #tokens = new Map<string, TokenRecord>()
  #codes = new Map<string, AuthorizationCodeRecord>()
  #refreshTokens = new Map<string, RefreshTokenRecord>()
  #oauth1Tokens = new Map<string, OAuth1TokenRecord>()
  /** Expiry by `JSON.stringify([consumerKey, nonce, timestampSecs])`. */
  #nonces = new Map<string, number>()
  #counters = new Map<string, CounterState>()

  async setPassword(userId: string, passwordHash: string): Promise<void> {
    this.#passwords.set(userId, passwordHash)
  }

  async getPassword(userId: string): Promise<string | undefined> {
    return this.#passwords.get(userId)
  }

  async createApp(app: AppRecord): Promise<boolean> {
    const apps = [...this.#apps.values()]
    if (this.#apps.has(app.id) || apps.some((a) => a.clientId === app.clientId || a.consumerKey === app.consumerKey)) {
      return false
    }
    this.#apps.set(app.id, clone(app))
    return true
  }

  async getApp(id: string): Promise<AppRecord | undefined> {
    return clone(this.#apps.get(id))
  }

  async getAppByClientId(clientId: string): Promise<AppRecord | undefined> {
    return clone([...this.#apps.values()].find((app) => app.clientId === clientId))
  }

  async getAppByConsumerKey(consumerKey: string): Promise<AppRecord | undefined> {
    return clone([...this.#apps.values()].find((app) => app.consumerKey === consumerKey))
  }

  async listApps(): Promise<AppRecord[]> {
    return clone([...this.#apps.values()].sort((a, b) => a.createdAtMs - b.createdAtMs || compareIds(a.id, b.id)))
  }

  async createToken(token: TokenRecord): Promise<void> {
    insertIfAbsent(this.#tokens, token.tokenHash, token)
  }

  async getToken(tokenHash: string): Promise<TokenRecord | undefined> {
    return clone(this.#tokens.get(tokenHash))
  }

  async revokeToken(tokenHash: string, nowMs: number): Promise<boolean> {
    return revoke(this.#tokens.get(tokenHash), nowMs)
  }

  async revokeFamily(familyId: string, nowMs: number): Promise<void> {
    this.#revokeFamily(familyId, nowMs)
  }

  async createAuthorizationCode(code: AuthorizationCodeRecord): Promise<void> {
    insertIfAbsent(this.#codes, code.codeHash, code)
  }

  async getAuthorizationCode(codeHash: string): Promise<AuthorizationCodeRecord | undefined> {
    const code = this.#codes.get(codeHash)
    return code && clone(code)
  }

  async redeemAuthorizationCode(codeHash: string, nowMs: number): Promise<RedeemResult> {
    const code = this.#codes.get(codeHash)
    const step = redeemStep(code, nowMs)
    if (code === undefined || step === 'invalid') return { outcome: 'invalid' }
    if (step === 'ok') code.usedAtMs = nowMs
    return { outcome: step, code: clone(code) }
  }

  async createRefreshToken(token: RefreshTokenRecord): Promise<void> {
    insertIfAbsent(this.#refreshTokens, token.tokenHash, token)
  }

  async getRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | undefined> {
    return clone(this.#refreshTokens.get(tokenHash))
  }

  async rotateRefreshToken(
    oldHash: string,
    next: RefreshTokenRecord,
    nowMs: number,
    graceMs: number,
  ): Promise<'rotated' | 'reused' | 'invalid'> {
    const old = this.#refreshTokens.get(oldHash)
    const step = rotationStep(old, nowMs, graceMs)
    if (old === undefined || step === 'invalid') return 'invalid'
    if (step === 'reuse') {
      this.#revokeFamily(old.familyId, nowMs)
      return 'reused'
    }
    if (step === 'rotate') old.rotatedAtMs = nowMs
    insertIfAbsent(this.#refreshTokens, next.tokenHash, next)
    return 'rotated'
  }

  async revokeRefreshToken(tokenHash: string, nowMs: number): Promise<boolean> {
    return revoke(this.#refreshTokens.get(tokenHash), nowMs)
  }

  async createOAuth1Token(token: OAuth1TokenRecord): Promise<void> {
    insertIfAbsent(this.#oauth1Tokens, token.token, token)
  }

  async getOAuth1Token(token: string): Promise<OAuth1TokenRecord | undefined> {
    return clone(this.#oauth1Tokens.get(token))
  }

  async useNonce(
    consumerKey: string,
    nonce: string,
    timestampSecs: number,
    expiresAtMs: number,
    nowMs: number,
  ): Promise<boolean> {
    for (const [key, expiry] of this.#nonces) if (expiry <= nowMs) this.#nonces.delete(key)
    const key = JSON.stringify([consumerKey, nonce, timestampSecs])
    if (this.#nonces.has(key)) return false
    this.#nonces.set(key, expiresAtMs)
    return true
  }

  async incrementCounter(key: string, windowEndsAtMs: number, nowMs: number): Promise<number> {
    for (const [other, stored] of this.#counters) if (stored.windowEndsAtMs <= nowMs) this.#counters.delete(other)
    const counter = incremented(this.#counters.get(key), windowEndsAtMs, nowMs)
    this.#counters.set(key, counter)
    return counter.value
  }

  #revokeFamily(familyId: string, nowMs: number): void {
    for (const token of this.#refreshTokens.values()) if (token.familyId === familyId) revoke(token, nowMs)
    for (const token of this.#tokens.values()) if (token.familyId === familyId) revoke(token, nowMs)
  }
}

/** Stores a copy of `record` under `key` unless the key exists (the first record stays). */
function insertIfAbsent<T>(map: Map<string, T>, key: string, record: T): void {
  if (!map.has(key)) map.set(key, clone(record))
}

/** Sets `revokedAtMs` on a live record; false when it is missing or already revoked. */
function revoke(record: { revokedAtMs: number | null } | undefined, nowMs: number): boolean {
  if (record === undefined || record.revokedAtMs !== null) return false
  record.revokedAtMs = nowMs
  return true
}
