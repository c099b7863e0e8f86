/**
 * `MetadataStore` on an embedded SQLite file (better-sqlite3), the default backend.
 *
 * Several processes may open one file (the server and, say, `birdhouse token`), so the database runs
 * in WAL mode with a busy timeout, and every read-check-write method runs in a `BEGIN IMMEDIATE`
 * transaction: it takes the write lock before reading, so its checks still hold when it writes.
 * Single conditional statements (`UPDATE … WHERE state = …`) are atomic on their own. The driver is
 * synchronous, so within one process calls never interleave. Post queries live in `sqlite-posts.ts`.
 */
import type Database from 'better-sqlite3'
import { type Logger, silentLogger } from '../../logger.js'
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
import { assertAcceptsSegments, assertWithinLimit, replacedKey } from './segment-rules.js'
import {
  jobFromRow,
  MEDIA_COLUMNS,
  mediaFromRow,
  mediaValues,
  segmentFromRow,
  tokenFromRow,
  userFromRow,
} from './sql-rows.js'
import { openSqliteDatabase, SqliteStatements } from './sqlite-database.js'
import { createTweet, deleteTweet, getTweet, getTweets, listUserTweets } from './sqlite-posts.js'

/** Options of `SqliteMetadataStore.open`. */
export interface SqliteMetadataStoreOptions {
  /** Database file, created when missing; `':memory:'` for a private in-memory database. */
  path: string
  /** Defaults to a no-op logger. */
  logger?: Logger
  /** How long a statement waits for another process's write lock, in ms; default 5000. */
  busyTimeoutMs?: number
}

const MEDIA_INSERT = `INSERT INTO media (${MEDIA_COLUMNS.join(', ')}) VALUES (${MEDIA_COLUMNS.map(() => '?').join(', ')})
  ON CONFLICT DO NOTHING`

const SEGMENT_TOTALS = `SELECT COALESCE(SUM(size_bytes) FILTER (WHERE idx <> ?), 0) AS others,
    MAX(blob_key) FILTER (WHERE idx = ?) AS replaced
  FROM segments WHERE media_id = ?`

const CLAIM_JOB = `UPDATE jobs SET state = 'running', lease_owner = ?, lease_expires_at_ms = ?, attempts = attempts + 1
  WHERE id = (
    SELECT id FROM jobs
    WHERE (state = 'queued' AND run_at_ms <= ?) OR (state = 'running' AND lease_expires_at_ms <= ?)
    ORDER BY run_at_ms, created_at_ms, id LIMIT 1
  )
  RETURNING *`

/** better-sqlite3 binds no booleans; SQLite stores them as 0/1. */
const bindable = (values: unknown[]): unknown[] => values.map((v) => (typeof v === 'boolean' ? Number(v) : v))

/** A `MetadataStore` in a SQLite database file. */
export class SqliteMetadataStore implements MetadataStore {
  readonly #db: Database.Database
  readonly #sql: SqliteStatements

  private constructor(db: Database.Database) {
    this.#db = db
    this.#sql = new SqliteStatements(db)
  }

  /** Opens (creating if needed) the database at `path` and applies pending migrations. */
  static async open(options: SqliteMetadataStoreOptions): Promise<SqliteMetadataStore> {
    const logger = options.logger ?? silentLogger
    return new SqliteMetadataStore(openSqliteDatabase(options.path, options.busyTimeoutMs ?? 5000, logger))
  }

  async createUser(user: UserRecord): Promise<boolean> {
    const sql = `INSERT INTO users (id, handle, name, created_at_ms) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`
    return this.#sql.run(sql, user.id, user.handle, user.name, user.createdAtMs).changes === 1
  }

  async getUser(id: string): Promise<UserRecord | undefined> {
    const row = this.#sql.get('SELECT * FROM users WHERE id = ?', id)
    return row && userFromRow(row)
  }

  async getUserByHandle(handle: string): Promise<UserRecord | undefined> {
    const row = this.#sql.get('SELECT * FROM users WHERE handle = ?', handle)
    return row && userFromRow(row)
  }

  async createToken(token: TokenRecord): Promise<void> {
    this.#sql.run(
      `INSERT INTO tokens (token_hash, user_id, scopes, created_at_ms, expires_at_ms) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (token_hash) DO UPDATE SET user_id = excluded.user_id, scopes = excluded.scopes,
         created_at_ms = excluded.created_at_ms, expires_at_ms = excluded.expires_at_ms`,
      token.tokenHash,
      token.userId,
      JSON.stringify(token.scopes),
      token.createdAtMs,
      token.expiresAtMs,
    )
  }

  async getToken(tokenHash: string): Promise<TokenRecord | undefined> {
    const row = this.#sql.get('SELECT * FROM tokens WHERE token_hash = ?', tokenHash)
    return row && tokenFromRow(row)
  }

  async createMedia(media: MediaRecord): Promise<boolean> {
    return this.#sql.run(MEDIA_INSERT, ...bindable(mediaValues(media))).changes === 1
  }

  async getMedia(id: string): Promise<MediaRecord | undefined> {
    const row = this.#sql.get('SELECT * FROM media WHERE id = ?', id)
    return row && mediaFromRow(row)
  }

  async putSegment(mediaId: string, segment: SegmentRecord, maxTotalBytes: number): Promise<PutSegmentResult> {
    return this.#sql.immediate(() => {
      const media = this.#sql.get('SELECT state, category FROM media WHERE id = ?', mediaId)
      assertAcceptsSegments(mediaId, media)
      const totals = this.#sql.get(SEGMENT_TOTALS, segment.index, segment.index, mediaId)
      assertWithinLimit(media, Number(totals?.others ?? 0), segment.sizeBytes, maxTotalBytes)
      this.#sql.run(
        `INSERT INTO segments (media_id, idx, size_bytes, blob_key) VALUES (?, ?, ?, ?)
         ON CONFLICT (media_id, idx) DO UPDATE SET size_bytes = excluded.size_bytes, blob_key = excluded.blob_key`,
        mediaId,
        segment.index,
        segment.sizeBytes,
        segment.blobKey,
      )
      this.#sql.run('UPDATE media SET segments_version = segments_version + 1 WHERE id = ?', mediaId)
      return { replacedBlobKey: replacedKey(totals?.replaced) }
    })
  }

  async listSegments(mediaId: string): Promise<SegmentRecord[]> {
    return this.#sql.all('SELECT * FROM segments WHERE media_id = ? ORDER BY idx', mediaId).map(segmentFromRow)
  }

  async finalizeMedia(
    id: string,
    expectedVersion: number,
    change: FinalizeChange,
    job: NewJob | null,
  ): Promise<boolean> {
    return this.#sql.immediate(() => {
      const updated = this.#sql.run(
        `UPDATE media SET state = ?, processing = ?, media_type = ?, size_bytes = ?, image = ?,
           finalized_at_ms = ?, expires_at_ms = ?
         WHERE id = ? AND state = 'uploading' AND segments_version = ?`,
        change.state,
        Number(change.processing),
        change.mediaType,
        change.sizeBytes,
        change.image === null ? null : JSON.stringify(change.image),
        change.finalizedAtMs,
        change.expiresAtMs,
        id,
        expectedVersion,
      )
      if (updated.changes !== 1) return false
      if (job !== null) {
        this.#sql.run(
          `INSERT INTO jobs (id, kind, media_id, state, attempts, run_at_ms, created_at_ms)
           VALUES (?, ?, ?, 'queued', 0, ?, ?)`,
          job.id,
          job.kind,
          job.mediaId,
          job.runAtMs,
          change.finalizedAtMs,
        )
      }
      return true
    })
  }

  async updateProcessing(id: string, change: ProcessingChange): Promise<boolean> {
    const updated = this.#sql.run(
      `UPDATE media SET state = ?, progress_percent = ?, error = ?, expires_at_ms = COALESCE(?, expires_at_ms),
         video = COALESCE(?, video)
       WHERE id = ? AND state IN ('pending', 'in_progress')`,
      change.state,
      change.progressPercent,
      change.error === null ? null : JSON.stringify(change.error),
      change.expiresAtMs ?? null,
      change.video === undefined ? null : JSON.stringify(change.video),
      id,
    )
    return updated.changes === 1
  }

  async setAltText(mediaId: string, altText: string | null): Promise<boolean> {
    return this.#sql.run('UPDATE media SET alt_text = ? WHERE id = ?', altText, mediaId).changes === 1
  }

  async createTweet(tweet: TweetRecord, nowMs: number): Promise<boolean> {
    return createTweet(this.#sql, tweet, nowMs)
  }

  async getTweet(id: string): Promise<TweetRecord | undefined> {
    return getTweet(this.#sql, id)
  }

  async getTweets(ids: readonly string[]): Promise<TweetRecord[]> {
    return getTweets(this.#sql, ids)
  }

  async deleteTweet(id: string, authorId: string): Promise<boolean> {
    return deleteTweet(this.#sql, id, authorId)
  }

  async listUserTweets(userId: string, limit: number, untilId?: string): Promise<TweetRecord[]> {
    return listUserTweets(this.#sql, userId, limit, untilId)
  }

  async listExpiredMedia(nowMs: number, limit: number): Promise<MediaRecord[]> {
    const sql = `SELECT * FROM media WHERE state <> 'expired' AND pinned = 0 AND expires_at_ms <= ?
      ORDER BY expires_at_ms, id LIMIT ?`
    return this.#sql.all(sql, nowMs, limit).map(mediaFromRow)
  }

  async expireMedia(id: string, nowMs: number): Promise<string[] | null> {
    return this.#sql.immediate(() => {
      const updated = this.#sql.run(
        `UPDATE media SET state = 'expired' WHERE id = ? AND state <> 'expired' AND pinned = 0 AND expires_at_ms <= ?`,
        id,
        nowMs,
      )
      if (updated.changes !== 1) return null
      const keys = this.#sql.all('SELECT blob_key FROM segments WHERE media_id = ? ORDER BY idx', id)
      this.#sql.run('DELETE FROM segments WHERE media_id = ?', id)
      return keys.map((row) => String(row.blob_key))
    })
  }

  async claimJob(workerId: string, nowMs: number, leaseMs: number): Promise<JobRecord | undefined> {
    const row = this.#sql.get(CLAIM_JOB, workerId, nowMs + leaseMs, nowMs, nowMs)
    return row && jobFromRow(row)
  }

  async renewJobLease(jobId: string, workerId: string, leaseUntilMs: number): Promise<boolean> {
    const sql = `UPDATE jobs SET lease_expires_at_ms = ? WHERE id = ? AND state = 'running' AND lease_owner = ?`
    return this.#sql.run(sql, leaseUntilMs, jobId, workerId).changes === 1
  }

  async finishJob(jobId: string, workerId: string, outcome: 'done' | 'failed', error: string | null): Promise<boolean> {
    const sql = `UPDATE jobs SET state = ?, last_error = ?, lease_owner = NULL, lease_expires_at_ms = NULL
      WHERE id = ? AND state = 'running' AND lease_owner = ?`
    return this.#sql.run(sql, outcome, error, jobId, workerId).changes === 1
  }

  async listJobs(mediaId: string): Promise<JobRecord[]> {
    return this.#sql.all('SELECT * FROM jobs WHERE media_id = ? ORDER BY created_at_ms, id', mediaId).map(jobFromRow)
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close()
  }
}
