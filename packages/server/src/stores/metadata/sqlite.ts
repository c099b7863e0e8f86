/**
 * `MetadataStore` and `AuthStore` on an embedded SQLite file (better-sqlite3), the default backend.
 *
 * Several processes may open one file (the server and, say, `birdhouse token`), so the database runs
 * in WAL mode with a busy timeout, and every read-check-write method runs in a `BEGIN IMMEDIATE`
 * transaction: it takes the write lock before reading, so its checks still hold when it writes.
 * Single conditional statements (`UPDATE … WHERE state = …`) are atomic on their own. The driver is
 * synchronous, so within one process calls never interleave. Media rows with their subtitle tracks
 * live in `sqlite-media.ts`, the upload transactions in `sqlite-uploads.ts`, post queries in
 * `sqlite-posts.ts` and the `AuthStore` queries in `sqlite-auth.ts`.
 */
import type Database from 'better-sqlite3'
import { type Logger, silentLogger } from '../../logger.js'
import type {
  AppRecord,
  AuthorizationCodeRecord,
  AuthStore,
  OAuth1TokenRecord,
  RedeemResult,
  RefreshTokenRecord,
  TokenRecord,
} from '../auth-store.js'
import type {
  FinalizeChange,
  JobRecord,
  MediaRecord,
  MetadataStore,
  NewJob,
  ProcessingChange,
  PutSegmentResult,
  SegmentRecord,
  SubtitleTrack,
  TweetRecord,
  UserRecord,
} from '../metadata-store.js'
import { jobFromRow, mediaFromRow, segmentFromRow, userFromRow } from './sql-rows.js'
import * as auth from './sqlite-auth.js'
import { openSqliteDatabase, SqliteStatements } from './sqlite-database.js'
import * as media from './sqlite-media.js'
import { createTweet, deleteTweet, getTweet, getTweets, listUserTweets } from './sqlite-posts.js'
import * as uploads from './sqlite-uploads.js'

/** Options of `SqliteMetadataStore.open`. */
export interface SqliteMetadataStoreOptions {
  /** Database file, created when missing; `':memory:'` for a private in-memory database. */
  path: string
  /** Defaults to a no-op logger. */
  logger?: Logger
  /** How long a statement waits for another process's write lock, in ms; default 5000. */
  busyTimeoutMs?: number
}

const CLAIM_JOB = `UPDATE jobs SET state = 'running', lease_owner = ?, lease_expires_at_ms = ?, attempts = attempts + 1
  WHERE id = (
    SELECT id FROM jobs
    WHERE (state = 'queued' AND run_at_ms <= ?) OR (state = 'running' AND lease_expires_at_ms <= ?)
    ORDER BY run_at_ms, created_at_ms, id LIMIT 1
  )
  RETURNING *`

/** A `MetadataStore` and `AuthStore` in a SQLite database file. */
export class SqliteMetadataStore implements MetadataStore, AuthStore {
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

  async createMedia(record: MediaRecord): Promise<boolean> {
    return media.insertMedia(this.#sql, record)
  }

  async getMedia(id: string): Promise<MediaRecord | undefined> {
    return media.getMedia(this.#sql, id)
  }

  async putSegment(mediaId: string, segment: SegmentRecord, maxTotalBytes: number): Promise<PutSegmentResult> {
    return uploads.putSegment(this.#sql, mediaId, segment, maxTotalBytes)
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
    return uploads.finalizeMedia(this.#sql, id, expectedVersion, change, job)
  }

  async updateProcessing(id: string, change: ProcessingChange): Promise<boolean> {
    return uploads.updateProcessing(this.#sql, id, change)
  }

  async releaseSegments(mediaId: string): Promise<string[]> {
    return uploads.releaseSegments(this.#sql, mediaId)
  }

  async putSubtitle(videoId: string, track: SubtitleTrack): Promise<boolean> {
    return media.putSubtitle(this.#sql, videoId, track)
  }

  async deleteSubtitle(videoId: string, languageCode: string): Promise<boolean> {
    return media.deleteSubtitle(this.#sql, videoId, languageCode)
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
    const sql = `${media.MEDIA_SELECT} WHERE m.state <> 'expired' AND m.pinned = 0 AND m.expires_at_ms <= ?
      ORDER BY m.expires_at_ms, m.id LIMIT ?`
    return this.#sql.all(sql, nowMs, limit).map(mediaFromRow)
  }

  async expireMedia(id: string, nowMs: number): Promise<string[] | null> {
    return uploads.expireMedia(this.#sql, id, nowMs)
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

  async setPassword(userId: string, passwordHash: string): Promise<void> {
    return auth.setPassword(this.#sql, userId, passwordHash)
  }

  async getPassword(userId: string): Promise<string | undefined> {
    return auth.getPassword(this.#sql, userId)
  }

  async createApp(app: AppRecord): Promise<boolean> {
    return auth.createApp(this.#sql, app)
  }

  async getApp(id: string): Promise<AppRecord | undefined> {
    return auth.getApp(this.#sql, 'id', id)
  }

  async getAppByClientId(clientId: string): Promise<AppRecord | undefined> {
    return auth.getApp(this.#sql, 'client_id', clientId)
  }

  async getAppByConsumerKey(consumerKey: string): Promise<AppRecord | undefined> {
    return auth.getApp(this.#sql, 'consumer_key', consumerKey)
  }

  async listApps(): Promise<AppRecord[]> {
    return auth.listApps(this.#sql)
  }

  async createToken(token: TokenRecord): Promise<void> {
    return auth.createToken(this.#sql, token)
  }

  async getToken(tokenHash: string): Promise<TokenRecord | undefined> {
    return auth.getToken(this.#sql, tokenHash)
  }

  async revokeToken(tokenHash: string, nowMs: number): Promise<boolean> {
    return auth.revokeToken(this.#sql, tokenHash, nowMs)
  }

  async revokeFamily(familyId: string, nowMs: number): Promise<void> {
    return auth.revokeFamily(this.#sql, familyId, nowMs)
  }

  async createAuthorizationCode(code: AuthorizationCodeRecord): Promise<void> {
    return auth.createAuthorizationCode(this.#sql, code)
  }

  async getAuthorizationCode(codeHash: string): Promise<AuthorizationCodeRecord | undefined> {
    return auth.getAuthorizationCode(this.#sql, codeHash)
  }

  async redeemAuthorizationCode(codeHash: string, nowMs: number): Promise<RedeemResult> {
    return auth.redeemAuthorizationCode(this.#sql, codeHash, nowMs)
  }

  async createRefreshToken(token: RefreshTokenRecord): Promise<void> {
    return auth.createRefreshToken(this.#sql, token)
  }

  async getRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | undefined> {
    return auth.getRefreshToken(this.#sql, tokenHash)
  }

  async rotateRefreshToken(
    oldHash: string,
    next: RefreshTokenRecord,
    nowMs: number,
    graceMs: number,
  ): Promise<'rotated' | 'reused' | 'invalid'> {
    return auth.rotateRefreshToken(this.#sql, oldHash, next, nowMs, graceMs)
  }

  async revokeRefreshToken(tokenHash: string, nowMs: number): Promise<boolean> {
    return auth.revokeRefreshToken(this.#sql, tokenHash, nowMs)
  }

  async createOAuth1Token(token: OAuth1TokenRecord): Promise<void> {
    return auth.createOAuth1Token(this.#sql, token)
  }

  async getOAuth1Token(token: string): Promise<OAuth1TokenRecord | undefined> {
    return auth.getOAuth1Token(this.#sql, token)
  }

  async useNonce(
    consumerKey: string,
    nonce: string,
    timestampSecs: number,
    expiresAtMs: number,
    nowMs: number,
  ): Promise<boolean> {
    return auth.useNonce(this.#sql, consumerKey, nonce, timestampSecs, expiresAtMs, nowMs)
  }

  async incrementCounter(key: string, windowEndsAtMs: number, nowMs: number): Promise<number> {
    return auth.incrementCounter(this.#sql, key, windowEndsAtMs, nowMs)
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close()
  }
}
