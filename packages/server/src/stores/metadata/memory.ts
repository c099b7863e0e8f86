/**
 * In-process `MetadataStore` for route tests. It passes the same conformance suite as SQLite and
 * PostgreSQL, so tests that use it exercise the real contract; it keeps nothing across restarts.
 */
import { ApiError } from '../../errors.js'
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
import { compareIds, isAttachable } from './post-rules.js'

const clone = <T>(value: T): T => structuredClone(value)

/** A `MetadataStore` held in memory. */
export class MemoryMetadataStore implements MetadataStore {
  #users = new Map<string, UserRecord>()
  #tokens = new Map<string, TokenRecord>()
  #media = new Map<string, MediaRecord>()
  #segments = new Map<string, Map<number, SegmentRecord>>()
  #jobs = new Map<string, JobRecord>()
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

  async createToken(token: TokenRecord): Promise<void> {
    this.#tokens.set(token.tokenHash, clone(token))
  }

  async getToken(tokenHash: string): Promise<TokenRecord | undefined> {
    return clone(this.#tokens.get(tokenHash))
  }

  async createMedia(media: MediaRecord): Promise<boolean> {
    if (this.#media.has(media.id)) return false
    this.#media.set(media.id, clone(media))
    this.#segments.set(media.id, new Map())
    return true
  }

  async getMedia(id: string): Promise<MediaRecord | undefined> {
    return clone(this.#media.get(id))
  }

  async putSegment(mediaId: string, segment: SegmentRecord, maxTotalBytes: number): Promise<PutSegmentResult> {
    const media = this.#media.get(mediaId)
    if (media === undefined) throw new ApiError('MEDIA_NOT_FOUND', { params: { mediaId } })
    if (media.state === 'expired') throw new ApiError('MEDIA_EXPIRED', { params: { mediaId } })
    if (media.state !== 'uploading') throw new ApiError('UPLOAD_ALREADY_FINALIZED', { params: { mediaId } })
    const segments = this.#segments.get(mediaId) ?? new Map<number, SegmentRecord>()
    let others = 0
    for (const s of segments.values()) if (s.index !== segment.index) others += s.sizeBytes
    if (others + segment.sizeBytes > maxTotalBytes) {
      throw new ApiError('MEDIA_TOO_LARGE', {
        params: { maxBytes: maxTotalBytes, category: media.category ?? 'none' },
      })
    }
    const replaced = segments.get(segment.index)
    segments.set(segment.index, clone(segment))
    this.#segments.set(mediaId, segments)
    media.segmentsVersion += 1
    return { replacedBlobKey: replaced?.blobKey ?? null }
  }

  async listSegments(mediaId: string): Promise<SegmentRecord[]> {
    const segments = [...(this.#segments.get(mediaId)?.values() ?? [])]
    return clone(segments.sort((a, b) => a.index - b.index))
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
    if (job !== null) this.#jobs.set(job.id, newJobRecord(job))
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
    const keys = [...(this.#segments.get(id)?.values() ?? [])].map((s) => s.blobKey)
    this.#segments.set(id, new Map())
    return keys
  }

  async claimJob(workerId: string, nowMs: number, leaseMs: number): Promise<JobRecord | undefined> {
    const claimable = [...this.#jobs.values()]
      .filter(
        (j) =>
          (j.state === 'queued' && j.runAtMs <= nowMs) || (j.state === 'running' && (j.leaseExpiresAtMs ?? 0) <= nowMs),
      )
      .sort((a, b) => a.runAtMs - b.runAtMs || a.createdAtMs - b.createdAtMs)
    const job = claimable[0]
    if (job === undefined) return undefined
    job.state = 'running'
    job.leaseOwner = workerId
    job.leaseExpiresAtMs = nowMs + leaseMs
    job.attempts += 1
    return clone(job)
  }

  async renewJobLease(jobId: string, workerId: string, leaseUntilMs: number): Promise<boolean> {
    const job = this.#jobs.get(jobId)
    if (job === undefined || job.state !== 'running' || job.leaseOwner !== workerId) return false
    job.leaseExpiresAtMs = leaseUntilMs
    return true
  }

  async finishJob(jobId: string, workerId: string, outcome: 'done' | 'failed', error: string | null): Promise<boolean> {
    const job = this.#jobs.get(jobId)
    if (job === undefined || job.state !== 'running' || job.leaseOwner !== workerId) return false
    job.state = outcome
    job.lastError = error
    job.leaseOwner = null
    job.leaseExpiresAtMs = null
    return true
  }

  async listJobs(mediaId: string): Promise<JobRecord[]> {
    return clone(
      [...this.#jobs.values()].filter((j) => j.mediaId === mediaId).sort((a, b) => a.createdAtMs - b.createdAtMs),
    )
  }

  async close(): Promise<void> {}
}

/** Builds the stored form of a new job. */
export function newJobRecord(job: NewJob): JobRecord {
  return {
    id: job.id,
    kind: job.kind,
    mediaId: job.mediaId,
    state: 'queued',
    attempts: 0,
    runAtMs: job.runAtMs,
    leaseOwner: null,
    leaseExpiresAtMs: null,
    createdAtMs: job.runAtMs,
    lastError: null,
  }
}
