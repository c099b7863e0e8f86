/**
 * Maps rows of the auth tables (migration 3) to `AuthStore` records and back, for SQLite and
 * PostgreSQL alike. Each record type has its column list and a `…Values` function listing a record's
 * values in that order, so both dialects build the same INSERT from one definition (`insertInto`).
 * Lists (scopes, redirect URIs) are JSON text.
 */
import type {
  AppPermission,
  AppRecord,
  AuthorizationCodeRecord,
  OAuth1TokenRecord,
  RefreshTokenRecord,
  TokenRecord,
} from '../auth-store.js'
import { num, numOrNull, type SqlRow, str, strOrNull } from './sql-rows.js'

const strings = (value: unknown): string[] => JSON.parse(str(value)) as string[]

/** `INSERT INTO table (columns) VALUES (…)` with `placeholder(i)` spelling the i-th (1-based) parameter; no conflict clause. */
export function insertInto(table: string, columns: readonly string[], placeholder: (i: number) => string): string {
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((_, i) => placeholder(i + 1)).join(', ')})`
}

/** Columns of `apps`, in `appValues` order. */
export const APP_COLUMNS = [
  'id',
  'name',
  'owner_id',
  'client_id',
  'client_secret_hash',
  'redirect_uris',
  'permission',
  'consumer_key',
  'consumer_secret_sealed',
  'created_at_ms',
] as const

/** Values of an app in `APP_COLUMNS` order. */
export function appValues(app: AppRecord): unknown[] {
  return [
    app.id,
    app.name,
    app.ownerId,
    app.clientId,
    app.clientSecretHash,
    JSON.stringify(app.redirectUris),
    app.permission,
    app.consumerKey,
    app.consumerSecretSealed,
    app.createdAtMs,
  ]
}

/** Reads an `apps` row. */
export function appFromRow(row: SqlRow): AppRecord {
  return {
    id: str(row.id),
    name: str(row.name),
    ownerId: str(row.owner_id),
    clientId: str(row.client_id),
    clientSecretHash: strOrNull(row.client_secret_hash),
    redirectUris: strings(row.redirect_uris),
    permission: str(row.permission) as AppPermission,
    consumerKey: str(row.consumer_key),
    consumerSecretSealed: str(row.consumer_secret_sealed),
    createdAtMs: num(row.created_at_ms),
  }
}

/** Columns of `tokens`, in `tokenValues` order. */
export const TOKEN_COLUMNS = [
  'token_hash',
  'kind',
  'user_id',
  'app_id',
  'scopes',
  'family_id',
  'created_at_ms',
  'expires_at_ms',
  'revoked_at_ms',
] as const

/** Values of an access token in `TOKEN_COLUMNS` order. */
export function tokenValues(token: TokenRecord): unknown[] {
  return [
    token.tokenHash,
    token.kind,
    token.userId,
    token.appId,
    JSON.stringify(token.scopes),
    token.familyId,
    token.createdAtMs,
    token.expiresAtMs,
    token.revokedAtMs,
  ]
}

/** Reads a `tokens` row. */
export function tokenFromRow(row: SqlRow): TokenRecord {
  return {
    tokenHash: str(row.token_hash),
    kind: str(row.kind) as TokenRecord['kind'],
    userId: strOrNull(row.user_id),
    appId: strOrNull(row.app_id),
    scopes: strings(row.scopes),
    familyId: strOrNull(row.family_id),
    createdAtMs: num(row.created_at_ms),
    expiresAtMs: numOrNull(row.expires_at_ms),
    revokedAtMs: numOrNull(row.revoked_at_ms),
  }
}

/** Columns of `authorization_codes`, in `codeValues` order. */
export const CODE_COLUMNS = [
  'code_hash',
  'app_id',
  'user_id',
  'redirect_uri',
  'scopes',
  'code_challenge',
  'code_challenge_method',
  'family_id',
  'created_at_ms',
  'expires_at_ms',
  'used_at_ms',
] as const

/** Values of an authorization code in `CODE_COLUMNS` order. */
export function codeValues(code: AuthorizationCodeRecord): unknown[] {
  return [
    code.codeHash,
    code.appId,
    code.userId,
    code.redirectUri,
    JSON.stringify(code.scopes),
    code.codeChallenge,
    code.codeChallengeMethod,
    code.familyId,
    code.createdAtMs,
    code.expiresAtMs,
    code.usedAtMs,
  ]
}

/** Reads an `authorization_codes` row. */
export function codeFromRow(row: SqlRow): AuthorizationCodeRecord {
  return {
    codeHash: str(row.code_hash),
    appId: str(row.app_id),
    userId: str(row.user_id),
    redirectUri: str(row.redirect_uri),
    scopes: strings(row.scopes),
    codeChallenge: str(row.code_challenge),
    codeChallengeMethod: str(row.code_challenge_method) as AuthorizationCodeRecord['codeChallengeMethod'],
    familyId: str(row.family_id),
    createdAtMs: num(row.created_at_ms),
    expiresAtMs: num(row.expires_at_ms),
    usedAtMs: numOrNull(row.used_at_ms),
  }
}

/** Columns of `refresh_tokens`, in `refreshTokenValues` order. */
export const REFRESH_TOKEN_COLUMNS = [
  'token_hash',
  'family_id',
  'app_id',
  'user_id',
  'scopes',
  'created_at_ms',
  'rotated_at_ms',
  'revoked_at_ms',
] as const

/** Values of a refresh token in `REFRESH_TOKEN_COLUMNS` order. */
export function refreshTokenValues(token: RefreshTokenRecord): unknown[] {
  return [
    token.tokenHash,
    token.familyId,
    token.appId,
    token.userId,
    JSON.stringify(token.scopes),
    token.createdAtMs,
    token.rotatedAtMs,
    token.revokedAtMs,
  ]
}

/** Reads a `refresh_tokens` row. */
export function refreshTokenFromRow(row: SqlRow): RefreshTokenRecord {
  return {
    tokenHash: str(row.token_hash),
    familyId: str(row.family_id),
    appId: str(row.app_id),
    userId: str(row.user_id),
    scopes: strings(row.scopes),
    createdAtMs: num(row.created_at_ms),
    rotatedAtMs: numOrNull(row.rotated_at_ms),
    revokedAtMs: numOrNull(row.revoked_at_ms),
  }
}

/** Columns of `oauth1_tokens`, in `oauth1TokenValues` order. */
export const OAUTH1_TOKEN_COLUMNS = [
  'token',
  'secret_sealed',
  'user_id',
  'app_id',
  'created_at_ms',
  'revoked_at_ms',
] as const

/** Values of an OAuth 1.0a token in `OAUTH1_TOKEN_COLUMNS` order. */
export function oauth1TokenValues(token: OAuth1TokenRecord): unknown[] {
  return [token.token, token.secretSealed, token.userId, token.appId, token.createdAtMs, token.revokedAtMs]
}

/** Reads an `oauth1_tokens` row. */
export function oauth1TokenFromRow(row: SqlRow): OAuth1TokenRecord {
  return {
    token: str(row.token),
    secretSealed: str(row.secret_sealed),
    userId: str(row.user_id),
    appId: str(row.app_id),
    createdAtMs: num(row.created_at_ms),
    revokedAtMs: numOrNull(row.revoked_at_ms),
  }
}
