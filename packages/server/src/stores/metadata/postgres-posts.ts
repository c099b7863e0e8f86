/**
 * The post queries of `PostgresMetadataStore`. A post's media ids live in `tweet_media` (one row per
 * position) and come back as one JSON array per post, aggregated in position order (cast to text so
 * the driver hands over a string, as SQLite does). Post ids compare as `(length(id), id)` under the
 * column's `COLLATE "C"`, which is numeric order for decimal snowflakes of any length.
 *
 * `insertTweet` runs inside the caller's transaction and first locks the attached media rows
 * (`FOR UPDATE`, in id order so two posts sharing media cannot deadlock). `expireMedia` updates the
 * same row, so whichever commits second sees the other's result: the reaper's `UPDATE` re-checks
 * `NOT pinned` after waiting for the lock, and a post that waited re-reads `state = 'expired'`. No
 * post can point at expired media.
 */
import type { TweetRecord } from '../metadata-store.js'
import { allAttachable } from './post-rules.js'
import { MEDIA_SELECT } from './postgres-media.js'
import type { PgQuery } from './postgres-pool.js'
import { mediaFromRow, tweetFromRow } from './sql-rows.js'

const TWEET_SELECT = `SELECT t.*, COALESCE(
    (SELECT json_agg(media_id ORDER BY position)::text FROM tweet_media WHERE tweet_id = t.id), '[]'
  ) AS media_ids
  FROM tweets t`

const LIST_USER_TWEETS = `${TWEET_SELECT}
  WHERE t.author_id = $1 AND ($3::text IS NULL OR (length(t.id), t.id) < (length($3::text), $3::text))
  ORDER BY length(t.id) DESC, t.id DESC
  LIMIT $2`

/** Inserts `tweet` and pins its media if every one is attachable at `nowMs`; false otherwise. Call inside a transaction. */
export async function insertTweet(query: PgQuery, tweet: TweetRecord, nowMs: number): Promise<boolean> {
  const found = await query(`${MEDIA_SELECT} WHERE m.id = ANY($1::text[]) ORDER BY m.id FOR UPDATE OF m`, [
    tweet.mediaIds,
  ])
  if (!allAttachable(tweet.mediaIds, found.map(mediaFromRow), nowMs)) return false
  const inserted = await query(
    `INSERT INTO tweets (id, author_id, text, tagged_user_ids, created_at_ms) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT DO NOTHING RETURNING id`,
    [tweet.id, tweet.authorId, tweet.text, JSON.stringify(tweet.taggedUserIds), tweet.createdAtMs],
  )
  if (inserted.length !== 1) return false
  await query(
    `INSERT INTO tweet_media (tweet_id, position, media_id)
     SELECT $1, m.position - 1, m.media_id FROM unnest($2::text[]) WITH ORDINALITY AS m (media_id, position)`,
    [tweet.id, tweet.mediaIds],
  )
  await query('UPDATE media SET pinned = true WHERE id = ANY($1::text[]) AND NOT pinned', [tweet.mediaIds])
  return true
}

/** One post with its media ids. */
export async function getTweet(query: PgQuery, id: string): Promise<TweetRecord | undefined> {
  const [row] = await query(`${TWEET_SELECT} WHERE t.id = $1`, [id])
  return row && tweetFromRow(row)
}

/** The posts among `ids`, in the order of `ids`. */
export async function getTweets(query: PgQuery, ids: readonly string[]): Promise<TweetRecord[]> {
  const rows = await query(`${TWEET_SELECT} WHERE t.id = ANY($1::text[])`, [ids])
  const byId = new Map(rows.map((row) => [String(row.id), tweetFromRow(row)]))
  return ids.flatMap((id) => {
    const tweet = byId.get(id)
    return tweet === undefined ? [] : [structuredClone(tweet)]
  })
}

/** Deletes a post of `authorId` (its `tweet_media` rows cascade); media stay pinned. */
export async function deleteTweet(query: PgQuery, id: string, authorId: string): Promise<boolean> {
  const rows = await query('DELETE FROM tweets WHERE id = $1 AND author_id = $2 RETURNING id', [id, authorId])
  return rows.length === 1
}

/** Posts of `userId`, highest id first, below `untilId` when given. */
export async function listUserTweets(
  query: PgQuery,
  userId: string,
  limit: number,
  untilId?: string,
): Promise<TweetRecord[]> {
  const rows = await query(LIST_USER_TWEETS, [userId, limit, untilId ?? null])
  return rows.map(tweetFromRow)
}
