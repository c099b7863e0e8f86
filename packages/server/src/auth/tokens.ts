/**
 * Bearer access tokens. Only a token's SHA-256 is stored, so a leaked database leaks no usable
 * token; the clear token is shown once, when issued.
 */
import { createHash, randomBytes } from 'node:crypto'
import type { Clock } from '../clock.js'
import { ApiError } from '../errors.js'
import type { MetadataStore, TokenRecord, UserRecord } from '../stores/metadata-store.js'
import type { SnowflakeGenerator } from '../uploads/snowflake.js'

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

/** Who a request acts for. */
export interface Principal {
  userId: string
  scopes: readonly string[]
}

/** SHA-256 of a token, lower-case hex. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex')
}

/** Mints a token for a user and stores its hash; resolves to the clear token. */
export async function issueToken(
  store: MetadataStore,
  clock: Clock,
  userId: string,
  options: { scopes?: readonly string[]; ttlSecs?: number } = {},
): Promise<string> {
  const token = `bh_${randomBytes(32).toString('base64url')}`
  const now = clock.now()
  const record: TokenRecord = {
    tokenHash: hashToken(token),
    userId,
    scopes: [...(options.scopes ?? ALL_SCOPES)],
    createdAtMs: now,
    expiresAtMs: options.ttlSecs === undefined ? null : now + options.ttlSecs * 1000,
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

/** Resolves an `Authorization` header to a principal; `AUTH_MISSING` or `AUTH_INVALID` otherwise. */
export async function authenticate(store: MetadataStore, clock: Clock, header: string | undefined): Promise<Principal> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')
  if (match?.[1] === undefined) throw new ApiError('AUTH_MISSING')
  const record = await store.getToken(hashToken(match[1]))
  if (record === undefined || (record.expiresAtMs !== null && record.expiresAtMs <= clock.now())) {
    throw new ApiError('AUTH_INVALID')
  }
  return { userId: record.userId, scopes: record.scopes }
}
