/**
 * Bearer access tokens. Only a token's SHA-256 is stored, so a leaked database leaks no usable
 * token; the clear token is shown once, when issued.
 */
import type { Clock } from '../clock.js'
import type { AuthStore, TokenRecord } from '../stores/auth-store.js'
import type { MetadataStore, UserRecord } from '../stores/metadata-store.js'
import type { SnowflakeGenerator } from '../uploads/snowflake.js'
import { hashToken, randomToken } from './crypto.js'

export { hashToken } from './crypto.js'

/** Every OAuth 2.0 scope X defines (granted to development tokens). */
export const ALL_SCOPES = [
  'tweet.read',
  'tweet.write',
  'tweet.moderate.write',
  'users.read',
  'users.email',
  'follows.read',
  'follows.write',
  'offline.access',
  'space.read',
  'mute.read',
  'mute.write',
  'like.read',
  'like.write',
  'list.read',
  'list.write',
  'block.read',
  'block.write',
  'bookmark.read',
  'bookmark.write',
  'dm.read',
  'dm.write',
  'media.write',
] as const

/** Mints a development token for a user (no app, no expiry unless `ttlSecs`) and stores its hash; resolves to the clear token. */
export async function issueToken(
  store: AuthStore,
  clock: Clock,
  userId: string,
  options: { scopes?: readonly string[]; ttlSecs?: number } = {},
): Promise<string> {
  const token = randomToken(32, 'bh_')
  const now = clock.now()
  const record: TokenRecord = {
    tokenHash: hashToken(token),
    kind: 'user',
    userId,
    appId: null,
    scopes: [...(options.scopes ?? ALL_SCOPES)],
    familyId: null,
    createdAtMs: now,
    expiresAtMs: options.ttlSecs === undefined ? null : now + options.ttlSecs * 1000,
    revokedAtMs: null,
  }
  await store.createToken(record)
  return token
}

/** Finds or creates the user with `handle`; `created` tells whether this call made it. */
export async function ensureUser(
  store: MetadataStore,
  ids: SnowflakeGenerator,
  clock: Clock,
  handle: string,
): Promise<{ user: UserRecord; created: boolean }> {
  const existing = await store.getUserByHandle(handle)
  if (existing !== undefined) return { user: existing, created: false }
  const user: UserRecord = { id: ids.next(), handle, name: handle, createdAtMs: clock.now() }
  if (await store.createUser(user)) return { user, created: true }
  const raced = await store.getUserByHandle(handle)
  if (raced === undefined) throw new Error(`could not create user ${handle}`)
  return { user: raced, created: false }
}
