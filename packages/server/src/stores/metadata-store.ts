/**
 * Durable metadata: users, uploads and their segments, posts, and the processing job queue (access
 * tokens and other authorization state live in `AuthStore`, `auth-store.ts`).
 *
 * Every method is async so that SQLite (embedded default) and PostgreSQL (many stateless nodes)
 * implement the same contract; the conformance suite in `conformance/metadata-store.suite.ts` pins
 * that contract down and runs against every backend.
 *
 * Concurrency contract: several server processes may share one PostgreSQL database. Every method
 * that changes an upload is atomic with respect to the checks it documents (a transaction or a
 * single conditional statement), so no two nodes can, say, both finalize one upload or both claim
 * one job.
 *
 * Errors: methods throw `ApiError` with domain codes (`MEDIA_NOT_FOUND`, `UPLOAD_ALREADY_FINALIZED`,
 * `MEDIA_TOO_LARGE`) and never HTTP statuses.
 */
import type { MediaCategory, MediaType } from '@birdhouse/protocol'

/** A local account. */
export interface UserRecord {
  /** Numeric string, like X's user ids. */
  id: string
  /** Unique handle (`screen_name`). */
  handle: string
  /** Display name. */
  name: string
  createdAtMs: number
}

/** Life of an upload: `uploading` until FINALIZE, then ready (`succeeded`) or processed (`pending` → `in_progress` → `succeeded` | `failed`); `expired` once reaped. */
export type MediaState = 'uploading' | 'pending' | 'in_progress' | 'succeeded' | 'failed' | 'expired'

/** Pixel facts of an image, read from its bytes. */
export interface ImageFacts {
  type: MediaType
  width: number
  height: number
}

/** One file processing produced: a video variant, the poster frame, or a served photo size. */
export interface MediaFile {
  role: 'variant' | 'poster' | 'orig' | 'large' | 'medium' | 'small' | 'thumb'
  contentType: string
  width: number
  height: number
  /** Video bit rate in bits/s (0 for an animated GIF's MP4, as X reports it); null for images. */
  bitRate: number | null
  sizeBytes: number
  blobKey: string
}

/** A subtitle track linked to a video. */
export interface SubtitleTrack {
  /** Two upper-case letters (`EN`). */
  languageCode: string
  displayName: string
  /** Media id of the uploaded SRT/VTT file. */
  subtitleMediaId: string
}

/** Facts of a video, read by processing. */
export interface VideoFacts {
  width: number
  height: number
  durationMs: number
}

/** X's processing failure triple. */
export interface ProcessingFailure {
  code: number
  name: string
  message: string
}

/** One upload (a `media_id`). */
export interface MediaRecord {
  /** 19-digit snowflake. */
  id: string
  /** `<prefix>_<id>`. */
  mediaKey: string
  ownerId: string
  /** Type declared at INIT (or sniffed, for one-shot uploads). */
  declaredType: MediaType
  /** Type sniffed from the bytes at FINALIZE; null before. */
  mediaType: MediaType | null
  /** Category given at INIT, normalised; null when none was given. */
  category: MediaCategory | null
  totalBytes: number
  additionalOwners: string[]
  shared: boolean
  state: MediaState
  /** Whether the media goes through asynchronous processing (FINALIZE answered with processing_info). */
  processing: boolean
  /** Bytes of the finalized file; null before FINALIZE. */
  sizeBytes: number | null
  image: ImageFacts | null
  /** 0–100 while processing; null when not reported. */
  progressPercent: number | null
  error: ProcessingFailure | null
  /** Alt text (≤ 1000 characters), or null. */
  altText: string | null
  /** Attached to a post: the media no longer expires. */
  pinned: boolean
  /** Facts of a processed video, or null. */
  video: VideoFacts | null
  /** Files processing produced ([] until then); served instead of the original. */
  files: MediaFile[]
  /** Subtitle tracks linked to this video, one per language. */
  subtitles: SubtitleTrack[]
  /** Incremented by every `putSegment`; FINALIZE compares it to detect a concurrent APPEND. */
  segmentsVersion: number
  createdAtMs: number
  finalizedAtMs: number | null
  /** Upload deadline before FINALIZE, media expiry after. */
  expiresAtMs: number
}

/** One received APPEND segment. */
export interface SegmentRecord {
  /** `segment_index`, 0–999. */
  index: number
  sizeBytes: number
  /** Where the bytes are in the blob store; unique per write. */
  blobKey: string
}

/** What `putSegment` did. */
export interface PutSegmentResult {
  /** Blob key of the segment this one replaced, for the caller to delete. */
  replacedBlobKey: string | null
}

/** The changes FINALIZE applies. */
export interface FinalizeChange {
  state: 'pending' | 'succeeded'
  processing: boolean
  mediaType: MediaType
  sizeBytes: number
  image: ImageFacts | null
  /** Files produced at FINALIZE (image sizes); [] when processing comes later. */
  files: MediaFile[]
  finalizedAtMs: number
  expiresAtMs: number
}

/** Changes a processing worker reports. */
export interface ProcessingChange {
  state: 'in_progress' | 'succeeded' | 'failed'
  progressPercent: number | null
  error: ProcessingFailure | null
  /** New expiry, when the state change moves it. */
  expiresAtMs?: number
  /** Video facts learnt by processing (kept when absent). */
  video?: VideoFacts
  /** Files processing produced (kept when absent). */
  files?: MediaFile[]
}

/** A post. */
export interface TweetRecord {
  /** Snowflake id. */
  id: string
  authorId: string
  text: string
  /** Attached media ids, in the order given. */
  mediaIds: string[]
  /** Users tagged in the media. */
  taggedUserIds: string[]
  createdAtMs: number
}

/** Kinds of queued work. */
export type JobKind = 'process-media'

/** A queued unit of work, leased by one worker at a time. */
export interface JobRecord {
  id: string
  kind: JobKind
  mediaId: string
  state: 'queued' | 'running' | 'done' | 'failed'
  /** Times the job was claimed. */
  attempts: number
  /** Not claimable before this time. */
  runAtMs: number
  leaseOwner: string | null
  leaseExpiresAtMs: number | null
  createdAtMs: number
  lastError: string | null
}

/** A job to enqueue. */
export interface NewJob {
  id: string
  kind: JobKind
  mediaId: string
  runAtMs: number
}

/** The metadata store contract. */
export interface MetadataStore {
  /** Adds a user; resolves false when the id or handle exists. */
  createUser(user: UserRecord): Promise<boolean>
  getUser(id: string): Promise<UserRecord | undefined>
  getUserByHandle(handle: string): Promise<UserRecord | undefined>

  /** Adds an upload; resolves false when the id exists (the caller draws a new id). */
  createMedia(media: MediaRecord): Promise<boolean>
  getMedia(id: string): Promise<MediaRecord | undefined>

  /**
   * Records a segment, replacing any earlier one at the same index, atomically with these checks:
   * the media exists (`MEDIA_NOT_FOUND`), is `uploading` (`UPLOAD_ALREADY_FINALIZED`; `MEDIA_EXPIRED`
   * when expired), and the other segments plus this one stay within `maxTotalBytes`
   * (`MEDIA_TOO_LARGE`). Bumps `segmentsVersion`.
   */
  putSegment(mediaId: string, segment: SegmentRecord, maxTotalBytes: number): Promise<PutSegmentResult>
  /** Segments of an upload ordered by index. */
  listSegments(mediaId: string): Promise<SegmentRecord[]>

  /**
   * Applies FINALIZE if the media is still `uploading` with `segmentsVersion === expectedVersion`,
   * and enqueues `job` in the same transaction. Resolves false (changing nothing) otherwise.
   */
  finalizeMedia(id: string, expectedVersion: number, change: FinalizeChange, job: NewJob | null): Promise<boolean>

  /** Records processing progress; resolves false when the media is gone or already terminal. */
  updateProcessing(id: string, change: ProcessingChange): Promise<boolean>

  /**
   * Deletes the segment rows of media whose processing ended (`succeeded` or `failed`) and resolves
   * to their blob keys, for the caller to delete; [] otherwise. The processed files replace them.
   */
  releaseSegments(mediaId: string): Promise<string[]>

  /** Links a subtitle track to a video, replacing the track of the same language; false when the video does not exist. */
  putSubtitle(videoId: string, track: SubtitleTrack): Promise<boolean>
  /** Unlinks the track of a language; false when there was none. */
  deleteSubtitle(videoId: string, languageCode: string): Promise<boolean>

  /** Sets or clears (null) a media's alt text; false when the media does not exist. */
  setAltText(mediaId: string, altText: string | null): Promise<boolean>

  /**
   * Inserts a post and pins its media in one transaction. Every attached media must exist, be
   * `succeeded` and either pinned already or unexpired at `nowMs`; otherwise nothing changes and it
   * resolves false. Resolves false too when the id exists.
   */
  createTweet(tweet: TweetRecord, nowMs: number): Promise<boolean>
  getTweet(id: string): Promise<TweetRecord | undefined>
  /** The posts that exist among `ids`, in the order of `ids`. */
  getTweets(ids: readonly string[]): Promise<TweetRecord[]>
  /** Deletes a post of `authorId`; false when there is none. Its media stay pinned. */
  deleteTweet(id: string, authorId: string): Promise<boolean>
  /** Posts of a user newest first (by id), only ids below `untilId` when given, at most `limit`. */
  listUserTweets(userId: string, limit: number, untilId?: string): Promise<TweetRecord[]>

  /** Media not yet `expired` and not pinned whose `expiresAtMs` ≤ `nowMs`, oldest first. */
  listExpiredMedia(nowMs: number, limit: number): Promise<MediaRecord[]>
  /**
   * Marks the media `expired` if it is not pinned and its expiry is still ≤ `nowMs`, deletes its segment rows and
   * resolves to their blob keys; resolves null when it is not (or no longer) expirable.
   */
  expireMedia(id: string, nowMs: number): Promise<string[] | null>

  /**
   * Leases the next claimable job (queued with `runAtMs` ≤ now, or running with an expired lease):
   * state `running`, `leaseOwner = workerId`, lease until now + `leaseMs`, attempts + 1.
   */
  claimJob(workerId: string, nowMs: number, leaseMs: number): Promise<JobRecord | undefined>
  /** Extends a lease the worker still holds; false when it lost it. */
  renewJobLease(jobId: string, workerId: string, leaseUntilMs: number): Promise<boolean>
  /** Ends a job the worker holds as `done` or `failed`; false when it lost the lease. */
  finishJob(jobId: string, workerId: string, outcome: 'done' | 'failed', error: string | null): Promise<boolean>
  /** Jobs of a media, oldest first (for tests and operators). */
  listJobs(mediaId: string): Promise<JobRecord[]>

  /** Releases connections; idempotent. */
  close(): Promise<void>
}
