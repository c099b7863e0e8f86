/**
 * The post queries of `SqliteMetadataStore`. A post's media ids live in `tweet_media` (one row per
 * position) and come back as one JSON array per post, aggregated in position order. Id lists go in
 * as JSON text and are unpacked with `json_each`, so every statement has a fixed shape and is
 * prepared once.
 *
 * `createTweet` runs in a `BEGIN IMMEDIATE` transaction: it holds the database's write lock from
 * its first read, so `expireMedia` (which takes the same lock) runs wholly before or after it and
 * no post ever points at media expired in between.
 */
import type { TweetRecord } from '../metadata-store.js'
import { allAttachable } from './post-rules.js'
import { mediaFromRow, tweetFromRow } from './sql-rows.js'
import type { SqliteStatements } from './sqlite-database.js'
import { MEDIA_SELECT } from './sqlite-media.js'

const TWEET_SELECT = `SELECT t.*, (
    SELECT json_group_array(media_id ORDER BY position) FROM tweet_media WHERE tweet_id = t.id
  ) AS media_ids
  FROM tweets t`

const LIST_USER_TWEETS = `${TWEET_SELECT}
  WHERE t.author_id = ? AND (? IS NULL OR (length(t.id), t.id) < (length(?), ?))
  ORDER BY length(t.id) DESC, t.id DESC
  LIMIT ?`

/** Inserts `tweet` and pins its media if every one is attachable at `nowMs`; false (nothing changed) otherwise. */
export function createTweet(sql: SqliteStatements, tweet: TweetRecord, nowMs: number): boolean {
  const mediaIds = JSON.stringify(tweet.mediaIds)
  return sql.immediate(() => {
    const found = sql.all(`${MEDIA_SELECT} WHERE m.id IN (SELECT value FROM json_each(?))`, mediaIds)
    if (!allAttachable(tweet.mediaIds, found.map(mediaFromRow), nowMs)) return false
    const inserted = sql.run(
      `INSERT INTO tweets (id, author_id, text, tagged_user_ids, created_at_ms) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT DO NOTHING`,
      tweet.id,
      tweet.authorId,
      tweet.text,
      JSON.stringify(tweet.taggedUserIds),
      tweet.createdAtMs,
    )
    if (inserted.changes !== 1) return false
    sql.run(
      'INSERT INTO tweet_media (tweet_id, position, media_id) SELECT ?, key, value FROM json_each(?)',
      tweet.id,
      mediaIds,
    )
    sql.run('UPDATE media SET pinned = 1 WHERE pinned = 0 AND id IN (SELECT value FROM json_each(?))', mediaIds)
    return true
  })
}

/** One post with its media ids. */
export function getTweet(sql: SqliteStatements, id: string): TweetRecord | undefined {
  const row = sql.get(`${TWEET_SELECT} WHERE t.id = ?`, id)
  return row && tweetFromRow(row)
}

/** The posts among `ids`, in the order of `ids`. */
export function getTweets(sql: SqliteStatements, ids: readonly string[]): TweetRecord[] {
  const rows = sql.all(`${TWEET_SELECT} WHERE t.id IN (SELECT value FROM json_each(?))`, JSON.stringify(ids))
  const byId = new Map(rows.map((row) => [String(row.id), tweetFromRow(row)]))
  return ids.flatMap((id) => {
    const tweet = byId.get(id)
    return tweet === undefined ? [] : [structuredClone(tweet)]
  })
}

/** Deletes a post of `authorId` (its `tweet_media` rows cascade); media stay pinned. */
export function deleteTweet(sql: SqliteStatements, id: string, authorId: string): boolean {
  return sql.run('DELETE FROM tweets WHERE id = ? AND author_id = ?', id, authorId).changes === 1
}

/** Posts of `userId`, highest id first, below `untilId` when given. */
export function listUserTweets(sql: SqliteStatements, userId: string, limit: number, untilId?: string): TweetRecord[] {
  const until = untilId ?? null
  return sql.all(LIST_USER_TWEETS, userId, until, until, until, limit).map(tweetFromRow)
}
