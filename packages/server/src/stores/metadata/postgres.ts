/**
 * `MetadataStore` on PostgreSQL (node-postgres pool), for several stateless server nodes sharing one
 * database.
 *
 * Read-check-write methods run in a transaction that first locks the media row
 * (`SELECT … FOR UPDATE`, or an `UPDATE` that takes the same lock), so concurrent APPENDs, FINALIZE
 * and expiry of one upload serialise on that row on every node; the job queue lives in
 * `postgres-jobs.ts` and posts in `postgres-posts.ts`. 64-bit columns come back as strings and are parsed to numbers (byte counts and
 * ms times stay below 2^53); ids stay text.
 */
import type pg from 'pg'
import type {
  FinalizeChange,
  JobRecord,
  MediaRecord,
  MetadataStore,
  NewJob,
  ProcessingChange,
  PutSegmentResult,
  SegmentRecord,
  TokenRecord,
  TweetRecord,
  UserRecord,
} from '../metadata-store.js'
import { claimJob, finishJob, insertJob, listJobs, renewJobLease } from './postgres-jobs.js'
import { inTransaction, openPostgresPool, type PgQuery, type PostgresPoolOptions, runQuery } from './postgres-pool.js'
import { deleteTweet, getTweet, getTweets, insertTweet, listUserTweets } from './postgres-posts.js'
import { assertAcceptsSegments, assertWithinLimit, replacedKey } from './segment-rules.js'
import { MEDIA_COLUMNS, mediaFromRow, mediaValues, segmentFromRow, tokenFromRow, userFromRow } from './sql-rows.js'

/** Options of `PostgresMetadataStore.open`: the connection string, pool size and logger. */
export type PostgresMetadataStoreOptions = PostgresPoolOptions

const MEDIA_INSERT = `INSERT INTO media (${MEDIA_COLUMNS.join(', ')})
  VALUES (${MEDIA_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})
  ON CONFLICT DO NOTHING RETURNING id`

const SEGMENT_TOTALS = `SELECT COALESCE(SUM(size_bytes) FILTER (WHERE idx <> $2), 0) AS others,
    MAX(blob_key) FILTER (WHERE idx = $2) AS replaced
  FROM segments WHERE media_id = $1`

/** A `MetadataStore` in a PostgreSQL database. */
export class PostgresMetadataStore implements MetadataStore {
  readonly #pool: pg.Pool
  #closing: Promise<void> | undefined
  readonly #query: PgQuery = (sql, params) => runQuery(this.#pool, sql, params)

  private constructor(pool: pg.Pool) {
    this.#pool = pool
  }

  /** Connects to `url` and applies pending migrations. */
  static async open(options: PostgresMetadataStoreOptions): Promise<PostgresMetadataStore> {
    return new PostgresMetadataStore(await openPostgresPool(options))
  }

  async createUser(user: UserRecord): Promise<boolean> {
    const rows = await this.#query(
      'INSERT INTO users (id, handle, name, created_at_ms) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING id',
      [user.id, user.handle, user.name, user.createdAtMs],
    )
    return rows.length === 1
  }

  async getUser(id: string): Promise<UserRecord | undefined> {
    const [row] = await this.#query('SELECT * FROM users WHERE id = $1', [id])
    return row && userFromRow(row)
  }

  async getUserByHandle(handle: string): Promise<UserRecord | undefined> {
    const [row] = await this.#query('SELECT * FROM users WHERE handle = $1', [handle])
    return row && userFromRow(row)
  }

  async createToken(token: TokenRecord): Promise<void> {
    await this.#query(
      `INSERT INTO tokens (token_hash, user_id, scopes, created_at_ms, expires_at_ms) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (token_hash) DO UPDATE SET user_id = excluded.user_id, scopes = excluded.scopes,
         created_at_ms = excluded.created_at_ms, expires_at_ms = excluded.expires_at_ms`,
      [token.tokenHash, token.userId, JSON.stringify(token.scopes), token.createdAtMs, token.expiresAtMs],
    )
  }

  async getToken(tokenHash: string): Promise<TokenRecord | undefined> {
    const [row] = await this.#query('SELECT * FROM tokens WHERE token_hash = $1', [tokenHash])
    return row && tokenFromRow(row)
  }

  async createMedia(media: MediaRecord): Promise<boolean> {
    return (await this.#query(MEDIA_INSERT, mediaValues(media))).length === 1
  }

  async getMedia(id: string): Promise<MediaRecord | undefined> {
    const [row] = await this.#query('SELECT * FROM media WHERE id = $1', [id])
    return row && mediaFromRow(row)
  }

  async putSegment(mediaId: string, segment: SegmentRecord, maxTotalBytes: number): Promise<PutSegmentResult> {
    return this.#transaction(async (query) => {
      const [media] = await query('SELECT state, category FROM media WHERE id = $1 FOR UPDATE', [mediaId])
      assertAcceptsSegments(mediaId, media)
      const [totals] = await query(SEGMENT_TOTALS, [mediaId, segment.index])
      assertWithinLimit(media, Number(totals?.others ?? 0), segment.sizeBytes, maxTotalBytes)
      await query(
        `INSERT INTO segments (media_id, idx, size_bytes, blob_key) VALUES ($1, $2, $3, $4)
         ON CONFLICT (media_id, idx) DO UPDATE SET size_bytes = excluded.size_bytes, blob_key = excluded.blob_key`,
        [mediaId, segment.index, segment.sizeBytes, segment.blobKey],
      )
      await query('UPDATE media SET segments_version = segments_version + 1 WHERE id = $1', [mediaId])
      return { replacedBlobKey: replacedKey(totals?.replaced) }
    })
  }

  async listSegments(mediaId: string): Promise<SegmentRecord[]> {
    const rows = await this.#query('SELECT * FROM segments WHERE media_id = $1 ORDER BY idx', [mediaId])
    return rows.map(segmentFromRow)
  }

  async finalizeMedia(
    id: string,
    expectedVersion: number,
    change: FinalizeChange,
    job: NewJob | null,
  ): Promise<boolean> {
    return this.#transaction(async (query) => {
      // The UPDATE waits for a concurrent putSegment's row lock, then re-checks the version against
      // the committed row, so a segment that lands first makes this finalize fail.
      const updated = await query(
        `UPDATE media SET state = $3, processing = $4, media_type = $5, size_bytes = $6, image = $7,
           finalized_at_ms = $8, expires_at_ms = $9
         WHERE id = $1 AND state = 'uploading' AND segments_version = $2 RETURNING id`,
        [
          id,
          expectedVersion,
          change.state,
          change.processing,
          change.mediaType,
          change.sizeBytes,
          change.image === null ? null : JSON.stringify(change.image),
          change.finalizedAtMs,
          change.expiresAtMs,
        ],
      )
      if (updated.length !== 1) return false
      if (job !== null) await insertJob(query, job, change.finalizedAtMs)
      return true
    })
  }

  async updateProcessing(id: string, change: ProcessingChange): Promise<boolean> {
    const rows = await this.#query(
      `UPDATE media SET state = $2, progress_percent = $3, error = $4,
         expires_at_ms = COALESCE($5::bigint, expires_at_ms), video = COALESCE($6::text, video)
       WHERE id = $1 AND state IN ('pending', 'in_progress') RETURNING id`,
      [
        id,
        change.state,
        change.progressPercent,
        change.error === null ? null : JSON.stringify(change.error),
        change.expiresAtMs ?? null,
        change.video === undefined ? null : JSON.stringify(change.video),
      ],
    )
    return rows.length === 1
  }

  async setAltText(mediaId: string, altText: string | null): Promise<boolean> {
    const rows = await this.#query('UPDATE media SET alt_text = $2 WHERE id = $1 RETURNING id', [mediaId, altText])
    return rows.length === 1
  }

  async createTweet(tweet: TweetRecord, nowMs: number): Promise<boolean> {
    return this.#transaction((query) => insertTweet(query, tweet, nowMs))
  }

  async getTweet(id: string): Promise<TweetRecord | undefined> {
    return getTweet(this.#query, id)
  }

  async getTweets(ids: readonly string[]): Promise<TweetRecord[]> {
    return getTweets(this.#query, ids)
  }

  async deleteTweet(id: string, authorId: string): Promise<boolean> {
    return deleteTweet(this.#query, id, authorId)
  }

  async listUserTweets(userId: string, limit: number, untilId?: string): Promise<TweetRecord[]> {
    return listUserTweets(this.#query, userId, limit, untilId)
  }

  async listExpiredMedia(nowMs: number, limit: number): Promise<MediaRecord[]> {
    const rows = await this.#query(
      `SELECT * FROM media WHERE state <> 'expired' AND NOT pinned AND expires_at_ms <= $1
       ORDER BY expires_at_ms, id LIMIT $2`,
      [nowMs, limit],
    )
    return rows.map(mediaFromRow)
  }

  async expireMedia(id: string, nowMs: number): Promise<string[] | null> {
    return this.#transaction(async (query) => {
      const updated = await query(
        `UPDATE media SET state = 'expired'
         WHERE id = $1 AND state <> 'expired' AND NOT pinned AND expires_at_ms <= $2 RETURNING id`,
        [id, nowMs],
      )
      if (updated.length !== 1) return null
      const deleted = await query('DELETE FROM segments WHERE media_id = $1 RETURNING idx, blob_key', [id])
      return deleted.sort((a, b) => Number(a.idx) - Number(b.idx)).map((row) => String(row.blob_key))
    })
  }

  async claimJob(workerId: string, nowMs: number, leaseMs: number): Promise<JobRecord | undefined> {
    return claimJob(this.#query, workerId, nowMs, leaseMs)
  }

  async renewJobLease(jobId: string, workerId: string, leaseUntilMs: number): Promise<boolean> {
    return renewJobLease(this.#query, jobId, workerId, leaseUntilMs)
  }

  async finishJob(jobId: string, workerId: string, outcome: 'done' | 'failed', error: string | null): Promise<boolean> {
    return finishJob(this.#query, jobId, workerId, outcome, error)
  }

  async listJobs(mediaId: string): Promise<JobRecord[]> {
    return listJobs(this.#query, mediaId)
  }

  async close(): Promise<void> {
    this.#closing ??= this.#pool.end()
    await this.#closing
  }

  /** Runs `fn` in a transaction on one pooled connection; rolls back when it throws. */
  async #transaction<T>(fn: (query: PgQuery) => Promise<T>): Promise<T> {
    return inTransaction(this.#pool, fn)
  }
}
