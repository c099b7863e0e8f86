/**
 * Test support for migration tests: access-token rows of a database still at schema version 2
 * (user tokens with no kind, app, family or revocation), and what migration 3 makes of them.
 */
import type { TokenRecord } from '../auth-store.js'

const T0 = Date.UTC(2026, 0, 1)

/** Tokens as version 3 should read them back: user tokens with no app, family or revocation. */
export const UPGRADED_TOKENS: readonly TokenRecord[] = [
  {
    tokenHash: 'a'.repeat(64),
    kind: 'user',
    userId: '1880028106020515841',
    appId: null,
    scopes: ['media.write', 'tweet.read'],
    familyId: null,
    createdAtMs: T0,
    expiresAtMs: T0 + 7_200_000,
    revokedAtMs: null,
  },
  {
    tokenHash: 'b'.repeat(64),
    kind: 'user',
    userId: '1880028106020515842',
    appId: null,
    scopes: [],
    familyId: null,
    createdAtMs: T0 + 1,
    expiresAtMs: null,
    revokedAtMs: null,
  },
]

/** The INSERT of a version-2 token row; `placeholder(i)` spells the i-th (1-based) parameter. */
export function version2TokenInsert(placeholder: (i: number) => string): string {
  const columns = ['token_hash', 'user_id', 'scopes', 'created_at_ms', 'expires_at_ms']
  return `INSERT INTO tokens (${columns.join(', ')}) VALUES (${columns.map((_, i) => placeholder(i + 1)).join(', ')})`
}

/** Values of `token` for `version2TokenInsert`. */
export function version2TokenValues(token: TokenRecord): unknown[] {
  return [token.tokenHash, token.userId, JSON.stringify(token.scopes), token.createdAtMs, token.expiresAtMs]
}
