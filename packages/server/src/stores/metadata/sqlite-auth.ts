/**
 * The `AuthStore` queries of `SqliteMetadataStore`. Check-and-change methods are one conditional
 * statement (`redeemAuthorizationCode`'s `UPDATE … RETURNING`, `useNonce`'s and `incrementCounter`'s
 * upserts) or run in a `BEGIN IMMEDIATE` transaction (`rotateRefreshToken`, `revokeFamily`; the two
 * upserts share one with a bounded prune of expired rows), which holds the database's write lock from its first read, so another process
 * sharing the file cannot interleave. Records are insert-if-absent: a second `create…` with the same
 * key keeps the first record, so re-inserting cannot revive a revoked or used secret.
 */
import type {
  AppRecord,
  AuthorizationCodeRecord,
  OAuth1TokenRecord,
  RedeemResult,
  RefreshTokenRecord,
  TokenRecord,
} from '../auth-store.js'
import {
  APP_COLUMNS,
  appFromRow,
  appValues,
  CODE_COLUMNS,
  codeFromRow,
  codeValues,
  insertInto,
  OAUTH1_TOKEN_COLUMNS,
  oauth1TokenFromRow,
  oauth1TokenValues,
  REFRESH_TOKEN_COLUMNS,
  refreshTokenFromRow,
  refreshTokenValues,
  TOKEN_COLUMNS,
  tokenFromRow,
  tokenValues,
} from './auth-rows.js'
import { PRUNE_BATCH, redeemStep, rotationStep } from './auth-rules.js'
import type { SqliteStatements } from './sqlite-database.js'

const insert = (table: string, columns: readonly string[]) =>
  `${insertInto(table, columns, () => '?')} ON CONFLICT DO NOTHING`

const APP_INSERT = insert('apps', APP_COLUMNS)
const TOKEN_INSERT = insert('tokens', TOKEN_COLUMNS)
const CODE_INSERT = insert('authorization_codes', CODE_COLUMNS)
const REFRESH_TOKEN_INSERT = insert('refresh_tokens', REFRESH_TOKEN_COLUMNS)
const OAUTH1_TOKEN_INSERT = insert('oauth1_tokens', OAUTH1_TOKEN_COLUMNS)

// Claims a triple: inserts it, or takes over an entry that expired but was not pruned yet.
const CLAIM_NONCE = `INSERT INTO nonces (consumer_key, nonce, timestamp_secs, expires_at_ms) VALUES (?, ?, ?, ?)
  ON CONFLICT (consumer_key, nonce, timestamp_secs) DO UPDATE SET expires_at_ms = excluded.expires_at_ms
    WHERE nonces.expires_at_ms <= ?`

const REDEEM = `UPDATE authorization_codes SET used_at_ms = ?
  WHERE code_hash = ? AND used_at_ms IS NULL AND expires_at_ms > ? RETURNING *`

// Restart at 1 when the stored window ended or is another window (see `incremented` in auth-rules.ts).
const INCREMENT = `INSERT INTO counters (key, value, window_ends_at_ms) VALUES (?, 1, ?)
  ON CONFLICT (key) DO UPDATE SET
    value = CASE WHEN counters.window_ends_at_ms <= ? OR counters.window_ends_at_ms <> excluded.window_ends_at_ms
      THEN 1 ELSE counters.value + 1 END,
    window_ends_at_ms = excluded.window_ends_at_ms
  RETURNING value`

/** Sets a user's password hash. */
export function setPassword(sql: SqliteStatements, userId: string, passwordHash: string): void {
  sql.run(
    `INSERT INTO passwords (user_id, password_hash) VALUES (?, ?)
     ON CONFLICT (user_id) DO UPDATE SET password_hash = excluded.password_hash`,
    userId,
    passwordHash,
  )
}

/** A user's password hash. */
export function getPassword(sql: SqliteStatements, userId: string): string | undefined {
  const row = sql.get('SELECT password_hash FROM passwords WHERE user_id = ?', userId)
  return row && String(row.password_hash)
}

/** Adds an app; false when its id, client id or consumer key exists (any unique constraint). */
export function createApp(sql: SqliteStatements, app: AppRecord): boolean {
  return sql.run(APP_INSERT, ...appValues(app)).changes === 1
}

/** One app by a unique column. */
export function getApp(
  sql: SqliteStatements,
  column: 'id' | 'client_id' | 'consumer_key',
  value: string,
): AppRecord | undefined {
  const row = sql.get(`SELECT * FROM apps WHERE ${column} = ?`, value)
  return row && appFromRow(row)
}

/** Apps oldest first (ties by numeric id). */
export function listApps(sql: SqliteStatements): AppRecord[] {
  return sql.all('SELECT * FROM apps ORDER BY created_at_ms, length(id), id').map(appFromRow)
}

/** Stores an access token unless its hash exists. */
export function createToken(sql: SqliteStatements, token: TokenRecord): void {
  sql.run(TOKEN_INSERT, ...tokenValues(token))
}

/** An access token by hash. */
export function getToken(sql: SqliteStatements, tokenHash: string): TokenRecord | undefined {
  const row = sql.get('SELECT * FROM tokens WHERE token_hash = ?', tokenHash)
  return row && tokenFromRow(row)
}

/** Revokes one live access token. */
export function revokeToken(sql: SqliteStatements, tokenHash: string, nowMs: number): boolean {
  const sqlText = 'UPDATE tokens SET revoked_at_ms = ? WHERE token_hash = ? AND revoked_at_ms IS NULL'
  return sql.run(sqlText, nowMs, tokenHash).changes === 1
}

/** Revokes every live access and refresh token of a family, in one transaction. */
export function revokeFamily(sql: SqliteStatements, familyId: string, nowMs: number): void {
  sql.immediate(() => revokeFamilyRows(sql, familyId, nowMs))
}

function revokeFamilyRows(sql: SqliteStatements, familyId: string, nowMs: number): void {
  sql.run('UPDATE refresh_tokens SET revoked_at_ms = ? WHERE family_id = ? AND revoked_at_ms IS NULL', nowMs, familyId)
  sql.run('UPDATE tokens SET revoked_at_ms = ? WHERE family_id = ? AND revoked_at_ms IS NULL', nowMs, familyId)
}

/** Stores an authorization code unless its hash exists. */
export function createAuthorizationCode(sql: SqliteStatements, code: AuthorizationCodeRecord): void {
  sql.run(CODE_INSERT, ...codeValues(code))
}

/** A code by hash, in whatever state. */
export function getAuthorizationCode(sql: SqliteStatements, codeHash: string): AuthorizationCodeRecord | undefined {
  const row = sql.get('SELECT * FROM authorization_codes WHERE code_hash = ?', codeHash)
  return row && codeFromRow(row)
}

/** Marks a code used if it is live (one conditional statement); otherwise tells a replay from an unknown or expired code. */
export function redeemAuthorizationCode(sql: SqliteStatements, codeHash: string, nowMs: number): RedeemResult {
  const redeemed = sql.get(REDEEM, nowMs, codeHash, nowMs)
  if (redeemed !== undefined) return { outcome: 'ok', code: codeFromRow(redeemed) }
  const row = sql.get('SELECT * FROM authorization_codes WHERE code_hash = ?', codeHash)
  const code = row && codeFromRow(row)
  return code !== undefined && redeemStep(code, nowMs) === 'replayed'
    ? { outcome: 'replayed', code }
    : { outcome: 'invalid' }
}

/** Stores a refresh token unless its hash exists. */
export function createRefreshToken(sql: SqliteStatements, token: RefreshTokenRecord): void {
  sql.run(REFRESH_TOKEN_INSERT, ...refreshTokenValues(token))
}

/** A refresh token by hash. */
export function getRefreshToken(sql: SqliteStatements, tokenHash: string): RefreshTokenRecord | undefined {
  const row = sql.get('SELECT * FROM refresh_tokens WHERE token_hash = ?', tokenHash)
  return row && refreshTokenFromRow(row)
}

/** Rotates a refresh token (see `rotationStep`) in one immediate transaction. */
export function rotateRefreshToken(
  sql: SqliteStatements,
  oldHash: string,
  next: RefreshTokenRecord,
  nowMs: number,
  graceMs: number,
): 'rotated' | 'reused' | 'invalid' {
  return sql.immediate(() => {
    const old = getRefreshToken(sql, oldHash)
    const step = rotationStep(old, nowMs, graceMs)
    if (old === undefined || step === 'invalid') return 'invalid'
    if (step === 'reuse') {
      revokeFamilyRows(sql, old.familyId, nowMs)
      return 'reused'
    }
    if (step === 'rotate') sql.run('UPDATE refresh_tokens SET rotated_at_ms = ? WHERE token_hash = ?', nowMs, oldHash)
    createRefreshToken(sql, next)
    return 'rotated'
  })
}

/** Revokes one live refresh token. */
export function revokeRefreshToken(sql: SqliteStatements, tokenHash: string, nowMs: number): boolean {
  const sqlText = 'UPDATE refresh_tokens SET revoked_at_ms = ? WHERE token_hash = ? AND revoked_at_ms IS NULL'
  return sql.run(sqlText, nowMs, tokenHash).changes === 1
}

/** Stores an OAuth 1.0a token unless it exists. */
export function createOAuth1Token(sql: SqliteStatements, token: OAuth1TokenRecord): void {
  sql.run(OAUTH1_TOKEN_INSERT, ...oauth1TokenValues(token))
}

/** An OAuth 1.0a token by its public value. */
export function getOAuth1Token(sql: SqliteStatements, token: string): OAuth1TokenRecord | undefined {
  const row = sql.get('SELECT * FROM oauth1_tokens WHERE token = ?', token)
  return row && oauth1TokenFromRow(row)
}

/** Prunes a batch of expired nonces and claims the triple, in one immediate transaction. */
export function useNonce(
  sql: SqliteStatements,
  consumerKey: string,
  nonce: string,
  timestampSecs: number,
  expiresAtMs: number,
  nowMs: number,
): boolean {
  return sql.immediate(() => {
    sql.run(
      'DELETE FROM nonces WHERE rowid IN (SELECT rowid FROM nonces WHERE expires_at_ms <= ? LIMIT ?)',
      nowMs,
      PRUNE_BATCH,
    )
    return sql.run(CLAIM_NONCE, consumerKey, nonce, timestampSecs, expiresAtMs, nowMs).changes === 1
  })
}

/** Prunes a batch of ended counters and increments `key` in one upsert, in one immediate transaction. */
export function incrementCounter(sql: SqliteStatements, key: string, windowEndsAtMs: number, nowMs: number): number {
  // A count lost in a power cut lets a few extra requests through: not worth an fsync per request.
  return sql.relaxed(() => {
    sql.run(
      'DELETE FROM counters WHERE rowid IN (SELECT rowid FROM counters WHERE window_ends_at_ms <= ? LIMIT ?)',
      nowMs,
      PRUNE_BATCH,
    )
    return Number(sql.get(INCREMENT, key, windowEndsAtMs, nowMs)?.value)
  })
}
