/**
 * The `AuthStore` queries of `PostgresMetadataStore`. Most check-and-change methods are one
 * conditional statement, atomic across nodes on its own: `redeemAuthorizationCode` is an
 * `UPDATE … WHERE used_at_ms IS NULL … RETURNING` (a concurrent redeemer waits for the row lock,
 * re-checks the condition against the committed row and updates nothing), `useNonce` an upsert that
 * the primary key lets succeed once per live entry, `incrementCounter` an `INSERT … ON CONFLICT DO
 * UPDATE`. Both upserts follow a bounded prune of expired rows (`FOR UPDATE SKIP LOCKED`, so
 * concurrent pruners never wait for each other).
 *
 * `rotateRefreshToken` and `revokeFamily` run inside the caller's transaction and first take a
 * transaction-scoped advisory lock on the grant family, then (rotation) lock the old token's row.
 * Every multi-row change of a family holds that lock, so two rotations, a rotation and a family
 * revocation, or two reuse detections serialise instead of deadlocking over each other's rows.
 * Records are insert-if-absent: a second `create…` with the same key keeps the first record.
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
import type { PgQuery } from './postgres-pool.js'

const insert = (table: string, columns: readonly string[]) =>
  `${insertInto(table, columns, (i) => `$${i}`)} ON CONFLICT DO NOTHING RETURNING 1 AS inserted`

const APP_INSERT = insert('apps', APP_COLUMNS)
const TOKEN_INSERT = insert('tokens', TOKEN_COLUMNS)
const CODE_INSERT = insert('authorization_codes', CODE_COLUMNS)
const REFRESH_TOKEN_INSERT = insert('refresh_tokens', REFRESH_TOKEN_COLUMNS)
const OAUTH1_TOKEN_INSERT = insert('oauth1_tokens', OAUTH1_TOKEN_COLUMNS)

// Claims a triple: inserts it, or takes over an entry that expired but was not pruned yet.
const CLAIM_NONCE = `INSERT INTO nonces (consumer_key, nonce, timestamp_secs, expires_at_ms) VALUES ($1, $2, $3, $4)
  ON CONFLICT (consumer_key, nonce, timestamp_secs) DO UPDATE SET expires_at_ms = excluded.expires_at_ms
    WHERE nonces.expires_at_ms <= $5
  RETURNING 1 AS claimed`

// Bounded, and SKIP LOCKED: concurrent callers on any node split the expired rows instead of queueing
// behind each other's row locks on every request.
const PRUNE_NONCES = `DELETE FROM nonces WHERE (consumer_key, nonce, timestamp_secs) IN (
    SELECT consumer_key, nonce, timestamp_secs FROM nonces WHERE expires_at_ms <= $1 LIMIT $2 FOR UPDATE SKIP LOCKED
  )`
const PRUNE_COUNTERS = `DELETE FROM counters WHERE key IN (
    SELECT key FROM counters WHERE window_ends_at_ms <= $1 LIMIT $2 FOR UPDATE SKIP LOCKED
  )`

const REDEEM = `UPDATE authorization_codes SET used_at_ms = $2
  WHERE code_hash = $1 AND used_at_ms IS NULL AND expires_at_ms > $2 RETURNING *`

// Restart at 1 when the stored window ended or is another window (see `incremented` in auth-rules.ts).
const INCREMENT = `INSERT INTO counters (key, value, window_ends_at_ms) VALUES ($1, 1, $2)
  ON CONFLICT (key) DO UPDATE SET
    value = CASE WHEN counters.window_ends_at_ms <= $3 OR counters.window_ends_at_ms <> excluded.window_ends_at_ms
      THEN 1 ELSE counters.value + 1 END,
    window_ends_at_ms = excluded.window_ends_at_ms
  RETURNING value`

/**
 * Class of the family advisory locks. The two-integer key space of advisory locks does not overlap
 * the one-bigint space the migration lock uses; `hashtext` collisions only serialise two families.
 */
const FAMILY_LOCK_CLASS = 0x66616d /* 'fam' */

/** Sets a user's password hash. */
export async function setPassword(query: PgQuery, userId: string, passwordHash: string): Promise<void> {
  await query(
    `INSERT INTO passwords (user_id, password_hash) VALUES ($1, $2)
     ON CONFLICT (user_id) DO UPDATE SET password_hash = excluded.password_hash`,
    [userId, passwordHash],
  )
}

/** A user's password hash. */
export async function getPassword(query: PgQuery, userId: string): Promise<string | undefined> {
  const [row] = await query('SELECT password_hash FROM passwords WHERE user_id = $1', [userId])
  return row && String(row.password_hash)
}

/** Adds an app; false when its id, client id or consumer key exists (any unique constraint). */
export async function createApp(query: PgQuery, app: AppRecord): Promise<boolean> {
  return (await query(APP_INSERT, appValues(app))).length === 1
}

/** One app by a unique column. */
export async function getApp(
  query: PgQuery,
  column: 'id' | 'client_id' | 'consumer_key',
  value: string,
): Promise<AppRecord | undefined> {
  const [row] = await query(`SELECT * FROM apps WHERE ${column} = $1`, [value])
  return row && appFromRow(row)
}

/** Apps oldest first (ties by numeric id). */
export async function listApps(query: PgQuery): Promise<AppRecord[]> {
  const rows = await query('SELECT * FROM apps ORDER BY created_at_ms, length(id), id COLLATE "C"', [])
  return rows.map(appFromRow)
}

/** Stores an access token unless its hash exists. */
export async function createToken(query: PgQuery, token: TokenRecord): Promise<void> {
  await query(TOKEN_INSERT, tokenValues(token))
}

/** An access token by hash. */
export async function getToken(query: PgQuery, tokenHash: string): Promise<TokenRecord | undefined> {
  const [row] = await query('SELECT * FROM tokens WHERE token_hash = $1', [tokenHash])
  return row && tokenFromRow(row)
}

/** Revokes one live access token. */
export async function revokeToken(query: PgQuery, tokenHash: string, nowMs: number): Promise<boolean> {
  const rows = await query(
    'UPDATE tokens SET revoked_at_ms = $2 WHERE token_hash = $1 AND revoked_at_ms IS NULL RETURNING 1 AS revoked',
    [tokenHash, nowMs],
  )
  return rows.length === 1
}

/** Revokes every live access and refresh token of a family. Call inside a transaction. */
export async function revokeFamily(query: PgQuery, familyId: string, nowMs: number): Promise<void> {
  await lockFamily(query, familyId)
  await revokeFamilyRows(query, familyId, nowMs)
}

async function lockFamily(query: PgQuery, familyId: string): Promise<void> {
  await query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [FAMILY_LOCK_CLASS, familyId])
}

async function revokeFamilyRows(query: PgQuery, familyId: string, nowMs: number): Promise<void> {
  const condition = 'WHERE family_id = $1 AND revoked_at_ms IS NULL'
  await query(`UPDATE refresh_tokens SET revoked_at_ms = $2 ${condition}`, [familyId, nowMs])
  await query(`UPDATE tokens SET revoked_at_ms = $2 ${condition}`, [familyId, nowMs])
}

/** Stores an authorization code unless its hash exists. */
export async function createAuthorizationCode(query: PgQuery, code: AuthorizationCodeRecord): Promise<void> {
  await query(CODE_INSERT, codeValues(code))
}

/** Marks a code used if it is live (one conditional statement); otherwise tells a replay from an unknown or expired code. */
/** A code by hash, in whatever state. */
export async function getAuthorizationCode(
  query: PgQuery,
  codeHash: string,
): Promise<AuthorizationCodeRecord | undefined> {
  const [row] = await query('SELECT * FROM authorization_codes WHERE code_hash = $1', [codeHash])
  return row && codeFromRow(row)
}

export async function redeemAuthorizationCode(query: PgQuery, codeHash: string, nowMs: number): Promise<RedeemResult> {
  const [redeemed] = await query(REDEEM, [codeHash, nowMs])
  if (redeemed !== undefined) return { outcome: 'ok', code: codeFromRow(redeemed) }
  // Codes only ever go from unused to used, so what this read sees explains the UPDATE's miss.
  const [row] = await query('SELECT * FROM authorization_codes WHERE code_hash = $1', [codeHash])
  const code = row && codeFromRow(row)
  return code !== undefined && redeemStep(code, nowMs) === 'replayed'
    ? { outcome: 'replayed', code }
    : { outcome: 'invalid' }
}

/** Stores a refresh token unless its hash exists. */
export async function createRefreshToken(query: PgQuery, token: RefreshTokenRecord): Promise<void> {
  await query(REFRESH_TOKEN_INSERT, refreshTokenValues(token))
}

/** A refresh token by hash. */
export async function getRefreshToken(query: PgQuery, tokenHash: string): Promise<RefreshTokenRecord | undefined> {
  const [row] = await query('SELECT * FROM refresh_tokens WHERE token_hash = $1', [tokenHash])
  return row && refreshTokenFromRow(row)
}

/** Rotates a refresh token (see `rotationStep`) under its family's lock. Call inside a transaction. */
export async function rotateRefreshToken(
  query: PgQuery,
  oldHash: string,
  next: RefreshTokenRecord,
  nowMs: number,
  graceMs: number,
): Promise<'rotated' | 'reused' | 'invalid'> {
  const [found] = await query('SELECT family_id FROM refresh_tokens WHERE token_hash = $1', [oldHash])
  if (found === undefined) return 'invalid'
  await lockFamily(query, String(found.family_id))
  // Read again under the lock: a rotation that held it before us has committed by now.
  const [row] = await query('SELECT * FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE', [oldHash])
  const old = row && refreshTokenFromRow(row)
  const step = rotationStep(old, nowMs, graceMs)
  if (old === undefined || step === 'invalid') return 'invalid'
  if (step === 'reuse') {
    await revokeFamilyRows(query, old.familyId, nowMs)
    return 'reused'
  }
  if (step === 'rotate') {
    await query('UPDATE refresh_tokens SET rotated_at_ms = $2 WHERE token_hash = $1', [oldHash, nowMs])
  }
  await createRefreshToken(query, next)
  return 'rotated'
}

/** Revokes one live refresh token. */
export async function revokeRefreshToken(query: PgQuery, tokenHash: string, nowMs: number): Promise<boolean> {
  const rows = await query(
    'UPDATE refresh_tokens SET revoked_at_ms = $2 WHERE token_hash = $1 AND revoked_at_ms IS NULL RETURNING 1 AS revoked',
    [tokenHash, nowMs],
  )
  return rows.length === 1
}

/** Stores an OAuth 1.0a token unless it exists. */
export async function createOAuth1Token(query: PgQuery, token: OAuth1TokenRecord): Promise<void> {
  await query(OAUTH1_TOKEN_INSERT, oauth1TokenValues(token))
}

/** An OAuth 1.0a token by its public value. */
export async function getOAuth1Token(query: PgQuery, token: string): Promise<OAuth1TokenRecord | undefined> {
  const [row] = await query('SELECT * FROM oauth1_tokens WHERE token = $1', [token])
  return row && oauth1TokenFromRow(row)
}

/** Prunes a batch of expired nonces, then claims the triple in one upsert (the primary key lets one caller win). */
export async function useNonce(
  query: PgQuery,
  consumerKey: string,
  nonce: string,
  timestampSecs: number,
  expiresAtMs: number,
  nowMs: number,
): Promise<boolean> {
  await query(PRUNE_NONCES, [nowMs, PRUNE_BATCH])
  const claimed = await query(CLAIM_NONCE, [consumerKey, nonce, timestampSecs, expiresAtMs, nowMs])
  return claimed.length === 1
}

/** Prunes a batch of ended counters, then increments `key` in one upsert. */
export async function incrementCounter(
  query: PgQuery,
  key: string,
  windowEndsAtMs: number,
  nowMs: number,
): Promise<number> {
  await query(PRUNE_COUNTERS, [nowMs, PRUNE_BATCH])
  const [row] = await query(INCREMENT, [key, windowEndsAtMs, nowMs])
  return Number(row?.value)
}
