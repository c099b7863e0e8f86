/**
 * In-process `MetadataStore` and `AuthStore` for route tests (the job queue is in `memory-jobs.ts`,
 * the segments in `memory-segments.ts`, the auth records in `memory-auth.ts`). It passes the same
 * conformance suite as SQLite and PostgreSQL, so tests that use it exercise the real contract; it
 * keeps nothing across restarts.
 */
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
import { MemoryAuthTables } from './memory-auth.js'
import { MemoryJobQueue } from './memory-jobs.js'
import { MemorySegments } from './memory-segments.js'
import { compareIds, isAttachable } from './post-rules.js'
import { normalizedTracks } from './subtitle-rules.js'

const clone = <T>(value: T): T => structuredClone(value)

/** A `MetadataStore` and `AuthStore` held in memory. */
export class MemoryMetadataStore implements MetadataStore, AuthStore {
  #users = new Map<string, UserRecord>()
  readonly #auth = new MemoryAuthTables()
  #media = new Map<string, MediaRecord>()
  readonly #segments = new MemorySegments()
  readonly #jobs = new MemoryJobQueue()
  #tweets = new Map<string, TweetRecord>()

  /** Opens an empty store. */
  static async open(): Promise<MemoryMetadataStore> {
    return new MemoryMetadataStore()
  }

  async createUser(user: UserRecord): Promise<boolean> {
    if (this.#users.has(user.id) || [...this.#users.values()].some((u) => u.handle === user.handle)) return false
    this.#users.set(user.id, clone(user))
    return true
  }

  async getUser(id: string): Promise<UserRecord | undefined> {
    return clone(this.#users.get(id))
  }

  async getUserByHandle(handle: string): Promise<UserRecord | undefined> {
    return clone([...this.#users.values()].find((u) => u.handle === handle))
  }

  async createMedia(media: MediaRecord): Promise<boolean> {
    if (this.#media.has(media.id)) return false
    const stored = clone(media)
    stored.subtitles = normalizedTracks(stored.subtitles)
    this.#media.set(media.id, stored)
    return true
  }

  async getMedia(id: string): Promise<MediaRecord | undefined> {
    return clone(this.#media.get(id))
  }

  async putSegment(mediaId: string, segment: SegmentRecord, maxTotalBytes: number): Promise<PutSegmentResult> {
    return this.#segments.put(mediaId, this.#media.get(mediaId), segment, maxTotalBytes)
  }

  async listSegments(mediaId: string): Promise<SegmentRecord[]> {
    return this.#segments.list(mediaId)
  }

  async finalizeMedia(
    id: string,
    expectedVersion: number,
    change: FinalizeChange,
    job: NewJob | null,
  ): Promise<boolean> {
    const media = this.#media.get(id)
    if (media === undefined || media.state !== 'uploading' || media.segmentsVersion !== expectedVersion) return false
    Object.assign(media, clone(change))
    if (job !== null) this.#jobs.enqueue(job)
    return true
  }

  async updateProcessing(id: string, change: ProcessingChange): Promise<boolean> {
    const media = this.#media.get(id)
    if (media === undefined || !['pending', 'in_progress'].includes(media.state)) return false
    media.state = change.state
    media.progressPercent = change.progressPercent
    media.error = clone(change.error)
    if (change.expiresAtMs !== undefined) media.expiresAtMs = change.expiresAtMs
    if (change.video !== undefined) media.video = clone(change.video)
    if (change.files !== undefined) media.files = clone(change.files)
    return true
  }

  async releaseSegments(mediaId: string): Promise<string[]> {
    const state = this.#media.get(mediaId)?.state
    return state === 'succeeded' || state === 'failed' ? this.#segments.take(mediaId) : []
  }

  async putSubtitle(videoId: string, track: SubtitleTrack): Promise<boolean> {
    const media = this.#media.get(videoId)
    if (media === undefined) return false
    media.subtitles = normalizedTracks([...media.subtitles, clone(track)])
    return true
  }

  async deleteSubtitle(videoId: string, languageCode: string): Promise<boolean> {
    const media = this.#media.get(videoId)
    if (media === undefined || !media.subtitles.some((t) => t.languageCode === languageCode)) return false
    media.subtitles = media.subtitles.filter((t) => t.languageCode !== languageCode)
    return true
  }

  async setAltText(mediaId: string, altText: string | null): Promise<boolean> {
    const media = this.#media.get(mediaId)
    if (media === undefined) return false
    media.altText = altText
    return true
  }

  async createTweet(tweet: TweetRecord, nowMs: number): Promise<boolean> {
    if (this.#tweets.has(tweet.id)) return false
    const media = tweet.mediaIds.map((id) => this.#media.get(id))
    if (!media.every((m) => isAttachable(m, nowMs))) return false
    for (const m of media) if (m !== undefined) m.pinned = true
    this.#tweets.set(tweet.id, clone(tweet))
    return true
  }

  async getTweet(id: string): Promise<TweetRecord | undefined> {
    return clone(this.#tweets.get(id))
  }

  async getTweets(ids: readonly string[]): Promise<TweetRecord[]> {
    return ids.flatMap((id) => {
      const tweet = this.#tweets.get(id)
      return tweet === undefined ? [] : [clone(tweet)]
    })
  }

  async deleteTweet(id: string, authorId: string): Promise<boolean> {
    if (this.#tweets.get(id)?.authorId !== authorId) return false
    return this.#tweets.delete(id)
  }

  async listUserTweets(userId: string, limit: number, untilId?: string): Promise<TweetRecord[]> {
    return clone(
      [...this.#tweets.values()]
        .filter((t) => t.authorId === userId && (untilId === undefined || compareIds(t.id, untilId) < 0))
        .sort((a, b) => compareIds(b.id, a.id))
        .slice(0, limit),
    )
  }

  async listExpiredMedia(nowMs: number, limit: number): Promise<MediaRecord[]> {
    return clone(
      [...this.#media.values()]
        .filter((m) => m.state !== 'expired' && !m.pinned && m.expiresAtMs <= nowMs)
        .sort((a, b) => a.expiresAtMs - b.expiresAtMs)
        .slice(0, limit),
    )
  }

  async expireMedia(id: string, nowMs: number): Promise<string[] | null> {
    const media = this.#media.get(id)
    if (media === undefined || media.state === 'expired' || media.pinned || media.expiresAtMs > nowMs) return null
    media.state = 'expired'
    return this.#segments.take(id)
  }

  async claimJob(workerId: string, nowMs: number, leaseMs: number): Promise<JobRecord | undefined> {
    return this.#jobs.claim(workerId, nowMs, leaseMs)
  }

  async renewJobLease(jobId: string, workerId: string, leaseUntilMs: number): Promise<boolean> {
    return this.#jobs.renew(jobId, workerId, leaseUntilMs)
  }

  async finishJob(jobId: string, workerId: string, outcome: 'done' | 'failed', error: string | null): Promise<boolean> {
    return this.#jobs.finish(jobId, workerId, outcome, error)
  }

  async listJobs(mediaId: string): Promise<JobRecord[]> {
    return this.#jobs.list(mediaId)
  }

  async setPassword(userId: string, passwordHash: string): Promise<void> {
    return this.#auth.setPassword(userId, passwordHash)
  }

  async getPassword(userId: string): Promise<string | undefined> {
    return this.#auth.getPassword(userId)
  }

  async createApp(app: AppRecord): Promise<boolean> {
    return this.#auth.createApp(app)
  }

  async getApp(id: string): Promise<AppRecord | undefined> {
    return this.#auth.getApp(id)
  }

  async getAppByClientId(clientId: string): Promise<AppRecord | undefined> {
    return this.#auth.getAppByClientId(clientId)
  }

  async getAppByConsumerKey(consumerKey: string): Promise<AppRecord | undefined> {
    return this.#auth.getAppByConsumerKey(consumerKey)
  }

  async listApps(): Promise<AppRecord[]> {
    return this.#auth.listApps()
  }

  async createToken(token: TokenRecord): Promise<void> {
    return this.#auth.createToken(token)
  }

  async getToken(tokenHash: string): Promise<TokenRecord | undefined> {
    return this.#auth.getToken(tokenHash)
  }

  async revokeToken(tokenHash: string, nowMs: number): Promise<boolean> {
    return this.#auth.revokeToken(tokenHash, nowMs)
  }

  async revokeFamily(familyId: string, nowMs: number): Promise<void> {
    return this.#auth.revokeFamily(familyId, nowMs)
  }

  async createAuthorizationCode(code: AuthorizationCodeRecord): Promise<void> {
    return this.#auth.createAuthorizationCode(code)
  }

  async getAuthorizationCode(codeHash: string): Promise<AuthorizationCodeRecord | undefined> {
    return this.#auth.getAuthorizationCode(codeHash)
  }

  async redeemAuthorizationCode(codeHash: string, nowMs: number): Promise<RedeemResult> {
    return this.#auth.redeemAuthorizationCode(codeHash, nowMs)
  }

  async createRefreshToken(token: RefreshTokenRecord): Promise<void> {
    return this.#auth.createRefreshToken(token)
  }

  async getRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | undefined> {
    return this.#auth.getRefreshToken(tokenHash)
  }

  async rotateRefreshToken(
    oldHash: string,
    next: RefreshTokenRecord,
    nowMs: number,
    graceMs: number,
  ): Promise<'rotated' | 'reused' | 'invalid'> {
    return this.#auth.rotateRefreshToken(oldHash, next, nowMs, graceMs)
  }

  async revokeRefreshToken(tokenHash: string, nowMs: number): Promise<boolean> {
    return this.#auth.revokeRefreshToken(tokenHash, nowMs)
  }

  async createOAuth1Token(token: OAuth1TokenRecord): Promise<void> {
    return this.#auth.createOAuth1Token(token)
  }

  async getOAuth1Token(token: string): Promise<OAuth1TokenRecord | undefined> {
    return this.#auth.getOAuth1Token(token)
  }

  async useNonce(
    consumerKey: string,
    nonce: string,
    timestampSecs: number,
    expiresAtMs: number,
    nowMs: number,
  ): Promise<boolean> {
    return this.#auth.useNonce(consumerKey, nonce, timestampSecs, expiresAtMs, nowMs)
  }

  async incrementCounter(key: string, windowEndsAtMs: number, nowMs: number): Promise<number> {
    return this.#auth.incrementCounter(key, windowEndsAtMs, nowMs)
  }

  async close(): Promise<void> {}
}
