/**
 * `MetadataStore` and `AuthStore` on PostgreSQL (node-postgres pool), for several stateless server
 * nodes sharing one database.
 *
 * Read-check-write methods run in a transaction that first locks the rows they check, so they are
 * atomic across nodes. Media rows with their subtitle tracks live in `postgres-media.ts`, the upload
 * transactions in `postgres-uploads.ts`, the job queue in `postgres-jobs.ts`, posts in
 * `postgres-posts.ts` and the `AuthStore` queries in `postgres-auth.ts`. 64-bit columns come back as strings and are parsed to numbers (byte counts and
 * ms times stay below 2^53); ids stay text.
 */
import type pg from 'pg'
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
import * as auth from './postgres-auth.js'
import { claimJob, finishJob, listJobs, renewJobLease } from './postgres-jobs.js'
import * as media from './postgres-media.js'
import { inTransaction, openPostgresPool, type PgQuery, type PostgresPoolOptions, runQuery } from './postgres-pool.js'
import { deleteTweet, getTweet, getTweets, insertTweet, listUserTweets } from './postgres-posts.js'
import * as uploads from './postgres-uploads.js'
import { mediaFromRow, segmentFromRow, userFromRow } from './sql-rows.js'

/** Options of `PostgresMetadataStore.open`: the connection string, pool size and logger. */
export type PostgresMetadataStoreOptions = PostgresPoolOptions

/** A `MetadataStore` and `AuthStore` in a PostgreSQL database. */
export class PostgresMetadataStore implements MetadataStore, AuthStore {
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

  async createMedia(record: MediaRecord): Promise<boolean> {
    return media.insertMedia(this.#query, record)
  }

  async getMedia(id: string): Promise<MediaRecord | undefined> {
    return media.getMedia(this.#query, id)
  }

  async putSegment(mediaId: string, segment: SegmentRecord, maxTotalBytes: number): Promise<PutSegmentResult> {
    return this.#transaction((query) => uploads.putSegment(query, mediaId, segment, maxTotalBytes))
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
    return this.#transaction((query) => uploads.finalizeMedia(query, id, expectedVersion, change, job))
  }

  async updateProcessing(id: string, change: ProcessingChange): Promise<boolean> {
    return uploads.updateProcessing(this.#query, id, change)
  }

  async releaseSegments(mediaId: string): Promise<string[]> {
    return this.#transaction((query) => uploads.releaseSegments(query, mediaId))
  }

  async putSubtitle(videoId: string, track: SubtitleTrack): Promise<boolean> {
    return media.putSubtitle(this.#query, videoId, track)
  }

  async deleteSubtitle(videoId: string, languageCode: string): Promise<boolean> {
    return media.deleteSubtitle(this.#query, videoId, languageCode)
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
      `${media.MEDIA_SELECT} WHERE m.state <> 'expired' AND NOT m.pinned AND m.expires_at_ms <= $1
       ORDER BY m.expires_at_ms, m.id LIMIT $2`,
      [nowMs, limit],
    )
    return rows.map(mediaFromRow)
  }

  async expireMedia(id: string, nowMs: number): Promise<string[] | null> {
    return this.#transaction((query) => uploads.expireMedia(query, id, nowMs))
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

  async setPassword(userId: string, passwordHash: string): Promise<void> {
    return auth.setPassword(this.#query, userId, passwordHash)
  }

  async getPassword(userId: string): Promise<string | undefined> {
    return auth.getPassword(this.#query, userId)
  }

  async createApp(app: AppRecord): Promise<boolean> {
    return auth.createApp(this.#query, app)
  }

  async getApp(id: string): Promise<AppRecord | undefined> {
    return auth.getApp(this.#query, 'id', id)
  }

  async getAppByClientId(clientId: string): Promise<AppRecord | undefined> {
    return auth.getApp(this.#query, 'client_id', clientId)
  }

  async getAppByConsumerKey(consumerKey: string): Promise<AppRecord | undefined> {
    return auth.getApp(this.#query, 'consumer_key', consumerKey)
  }

  async listApps(): Promise<AppRecord[]> {
    return auth.listApps(this.#query)
  }

  async createToken(token: TokenRecord): Promise<void> {
    return auth.createToken(this.#query, token)
  }

  async getToken(tokenHash: string): Promise<TokenRecord | undefined> {
    return auth.getToken(this.#query, tokenHash)
  }

  async revokeToken(tokenHash: string, nowMs: number): Promise<boolean> {
    return auth.revokeToken(this.#query, tokenHash, nowMs)
  }

  async revokeFamily(familyId: string, nowMs: number): Promise<void> {
    return this.#transaction((query) => auth.revokeFamily(query, familyId, nowMs))
  }

  async createAuthorizationCode(code: AuthorizationCodeRecord): Promise<void> {
    return auth.createAuthorizationCode(this.#query, code)
  }

  async getAuthorizationCode(codeHash: string): Promise<AuthorizationCodeRecord | undefined> {
    return auth.getAuthorizationCode(this.#query, codeHash)
  }

  async redeemAuthorizationCode(codeHash: string, nowMs: number): Promise<RedeemResult> {
    return auth.redeemAuthorizationCode(this.#query, codeHash, nowMs)
  }

  async createRefreshToken(token: RefreshTokenRecord): Promise<void> {
    return auth.createRefreshToken(this.#query, token)
  }

  async getRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | undefined> {
    return auth.getRefreshToken(this.#query, tokenHash)
  }

  async rotateRefreshToken(
    oldHash: string,
    next: RefreshTokenRecord,
    nowMs: number,
    graceMs: number,
  ): Promise<'rotated' | 'reused' | 'invalid'> {
    return this.#transaction((query) => auth.rotateRefreshToken(query, oldHash, next, nowMs, graceMs))
  }

  async revokeRefreshToken(tokenHash: string, nowMs: number): Promise<boolean> {
    return auth.revokeRefreshToken(this.#query, tokenHash, nowMs)
  }

  async createOAuth1Token(token: OAuth1TokenRecord): Promise<void> {
    return auth.createOAuth1Token(this.#query, token)
  }

  async getOAuth1Token(token: string): Promise<OAuth1TokenRecord | undefined> {
    return auth.getOAuth1Token(this.#query, token)
  }

  async useNonce(
    consumerKey: string,
    nonce: string,
    timestampSecs: number,
    expiresAtMs: number,
    nowMs: number,
  ): Promise<boolean> {
    return auth.useNonce(this.#query, consumerKey, nonce, timestampSecs, expiresAtMs, nowMs)
  }

  async incrementCounter(key: string, windowEndsAtMs: number, nowMs: number): Promise<number> {
    return auth.incrementCounter(this.#query, key, windowEndsAtMs, nowMs)
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
