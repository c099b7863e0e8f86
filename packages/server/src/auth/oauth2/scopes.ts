/**
 * OAuth 2.0 scopes: which ones birdhouse grants, how a `scope` parameter is read, and the sentences
 * the consent page shows. Granted scopes keep the order the client asked for, because clients such
 * as requests-oauthlib compare the token response's `scope` with what they requested.
 */
import { ALL_SCOPES } from '../tokens.js'

/** Scopes X's docs, OpenAPI spec and xurl use besides `ALL_SCOPES` (spec §12.1). */
const EXTRA_SCOPES = ['timeline.read', 'broadcast.read', 'broadcast.write'] as const

/** Every scope an authorization request may ask for. */
export const KNOWN_SCOPES: ReadonlySet<string> = new Set<string>([...ALL_SCOPES, ...EXTRA_SCOPES])

/** The scope that makes the token endpoint issue a refresh token. */
export const OFFLINE_ACCESS = 'offline.access'

/** Reading a `scope` parameter: the scopes in request order, or the ones that are unknown. */
export type ScopeParse = { ok: true; scopes: string[] } | { ok: false; unknown: string[] }

/** Splits a space-delimited `scope` (RFC 6749 §3.3), drops repeats and checks every scope is known. */
export function parseScope(raw: string): ScopeParse {
  const scopes = [...new Set(raw.split(/[ ]+/).filter((scope) => scope !== ''))]
  const unknown = scopes.filter((scope) => !KNOWN_SCOPES.has(scope))
  return unknown.length > 0 ? { ok: false, unknown } : { ok: true, scopes }
}

const READ = 'Read'
const DESCRIPTIONS: Readonly<Record<string, string>> = {
  'tweet.read': `${READ} posts you can see, including those of protected accounts you follow.`,
  'tweet.write': 'Post and repost for you.',
  'tweet.moderate.write': 'Hide and unhide replies to your posts.',
  'users.read': `${READ} any account you can see.`,
  'users.email': 'See your email address.',
  'follows.read': 'See who you follow and who follows you.',
  'follows.write': 'Follow and unfollow accounts for you.',
  'offline.access': 'Stay connected to your account until you revoke access.',
  'space.read': 'See all the Spaces you can see.',
  'mute.read': 'See accounts you have muted.',
  'mute.write': 'Mute and unmute accounts for you.',
  'like.read': 'See posts you have liked and likes you can see.',
  'like.write': 'Like and unlike posts for you.',
  'list.read': 'See lists and their members.',
  'list.write': 'Create and manage lists for you.',
  'block.read': 'See accounts you have blocked.',
  'block.write': 'Block and unblock accounts for you.',
  'bookmark.read': 'See your bookmarks.',
  'bookmark.write': 'Add and remove bookmarks for you.',
  'dm.read': 'See all your direct messages.',
  'dm.write': 'Send and manage direct messages for you.',
  'media.write': 'Upload media for you.',
  'timeline.read': 'See your timelines.',
  'broadcast.read': 'See your broadcasts.',
  'broadcast.write': 'Create and manage broadcasts for you.',
}

/** What granting `scope` allows, in one sentence for the consent page. */
export function describeScope(scope: string): string {
  return DESCRIPTIONS[scope] ?? scope
}
