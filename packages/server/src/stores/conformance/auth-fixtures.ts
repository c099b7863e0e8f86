/**
 * Records for the auth-store conformance suite. Every builder draws fresh unique keys, so tests
 * never collide, and fills every field with a non-default value (non-ASCII where text is free).
 */
import { createHash } from 'node:crypto'
import type {
  AppRecord,
  AuthorizationCodeRecord,
  AuthStore,
  OAuth1TokenRecord,
  RefreshTokenRecord,
  TokenRecord,
} from '../auth-store.js'
import { nextId, T0 } from './metadata-fixtures.js'

export { T0 } from './metadata-fixtures.js'

let sequence = 0

/** A fresh SHA-256-like lower-case hex string (stands in for a token, code or secret hash). */
export function newHash(): string {
  sequence += 1
  return createHash('sha256').update(`conformance-${sequence}`).digest('hex')
}

/** A fresh grant family id. */
export function newFamilyId(): string {
  return `family-${newHash().slice(0, 16)}`
}

/** A confidential read-write app with a non-ASCII name and two redirect URIs. */
export function newApp(overrides: Partial<AppRecord> = {}): AppRecord {
  const id = overrides.id ?? nextId()
  return {
    id,
    name: 'Vogelhäuschen 鳥の家 🐦',
    ownerId: '1880028106020515001',
    clientId: `client-${id}`,
    clientSecretHash: newHash(),
    redirectUris: ['https://example.com/callback', 'http://127.0.0.1:8765/cb?x=ü'],
    permission: 'read-write',
    consumerKey: `ck-${id}`,
    consumerSecretSealed: `sealed:${newHash()}`,
    createdAtMs: T0,
    ...overrides,
  }
}

/** A live user access token issued through an app in a family, expiring in two hours. */
export function newAccessToken(overrides: Partial<TokenRecord> = {}): TokenRecord {
  return {
    tokenHash: newHash(),
    kind: 'user',
    userId: '1880028106020515841',
    appId: '1880028106020515900',
    scopes: ['media.write', 'tweet.read', 'offline.access'],
    familyId: newFamilyId(),
    createdAtMs: T0,
    expiresAtMs: T0 + 7_200_000,
    revokedAtMs: null,
    ...overrides,
  }
}

/** A live refresh token of a family. */
export function newRefreshToken(familyId: string, overrides: Partial<RefreshTokenRecord> = {}): RefreshTokenRecord {
  return {
    tokenHash: newHash(),
    familyId,
    appId: '1880028106020515900',
    userId: '1880028106020515841',
    scopes: ['tweet.read', 'offline.access'],
    createdAtMs: T0,
    rotatedAtMs: null,
    revokedAtMs: null,
    ...overrides,
  }
}

/** An unused S256 authorization code valid for 30 seconds from `T0`. */
export function newCode(overrides: Partial<AuthorizationCodeRecord> = {}): AuthorizationCodeRecord {
  return {
    codeHash: newHash(),
    appId: '1880028106020515900',
    userId: '1880028106020515841',
    redirectUri: 'https://example.com/callback?state=ü',
    scopes: ['tweet.read', 'users.read', 'offline.access'],
    codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    codeChallengeMethod: 'S256',
    familyId: newFamilyId(),
    createdAtMs: T0,
    expiresAtMs: T0 + 30_000,
    usedAtMs: null,
    ...overrides,
  }
}

/** A live OAuth 1.0a access token. */
export function newOAuth1Token(overrides: Partial<OAuth1TokenRecord> = {}): OAuth1TokenRecord {
  return {
    token: `1880028106020515841-${newHash().slice(0, 30)}`,
    secretSealed: `sealed:${newHash()}`,
    userId: '1880028106020515841',
    appId: '1880028106020515900',
    createdAtMs: T0,
    revokedAtMs: null,
    ...overrides,
  }
}

/**
 * Opens as many connections as `racers` need by running that many reads at once, so that on a
 * pooled backend the racers that follow run in parallel instead of queueing for connections.
 */
export async function warmUp(store: AuthStore, racers: number): Promise<void> {
  await Promise.all(Array.from({ length: racers }, () => store.getPassword('warm-up')))
}
