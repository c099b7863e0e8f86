/** Options, progress events and results of `uploadMedia`. */
import type { MediaCategory, MediaType } from '@birdhouse/protocol'
import type { CheckpointStore } from '../checkpoints/checkpoint-store.js'
import type { RetryOptions } from '../http/retry.js'
import type { WireStyle } from '../wire/upload-wire.js'
import type { ProcessingStatus, UploadedMedia } from '../wire/uploaded-media.js'
import type { MediaPlanOptions } from './media-plan.js'

/** Default segments in flight. */
export const DEFAULT_PARALLEL = 4
/** Default segment size: 4 MiB (xurl's; X takes up to 5 MB). */
export const DEFAULT_CHUNK_BYTES = 4 * 1024 * 1024
/** Default overall processing deadline: 30 minutes. */
export const DEFAULT_PROCESSING_TIMEOUT_MS = 30 * 60_000

/** How an upload resumes. */
export interface ResumeOptions {
  /** Where checkpoints are kept (`MemoryCheckpointStore`, `WebStorageCheckpointStore`, Node's `FileCheckpointStore`). */
  store: CheckpointStore
  /** Checkpoint key; default the wire style, base URL and the source's path (or fingerprint). */
  key?: string
  /** Identity of the content; default size + mtime + SHA-256 of the first and last 64 KiB. Required for streams. */
  fingerprint?: string
}

/** Progress of one upload. */
export interface UploadProgress {
  /** `upload` while segments are sent, `processing` while X processes the media. */
  phase: 'upload' | 'processing'
  mediaId: string
  /** Bytes X acknowledged (whole segments; skipped segments of a resumed upload count). */
  bytesSent: number
  totalBytes: number
  segmentsAcked: number
  segmentsTotal: number
  /** X's `progress_percent`, while processing. */
  processingPercent?: number
}

/**
 * Options of `uploadMedia`; every field is optional.
 * @example
 * await client.uploadMedia(file, {
 *   wireStyle: 'v2-command', parallel: 6, chunkBytes: 2 * 1024 * 1024, retry: { retries: 8 },
 *   resume: { store }, processingTimeoutMs: 600_000, onProgress: (p) => bar.update(p.bytesSent / p.totalBytes), signal,
 * })
 */
export interface UploadOptions extends MediaPlanOptions {
  /** Endpoints to use; default `'v2'` (dedicated endpoints). `'v1.1'` needs OAuth 1.0a on X. */
  wireStyle?: WireStyle
  /** Segments in flight at once; default 4. */
  parallel?: number
  /** Segment size in bytes; default 4 MiB, raised when the file would need more than 1000 segments. */
  chunkBytes?: number
  /** Users who may post the media too (at most 100). */
  additionalOwners?: readonly string[]
  /** DM media reusable across messages (`shared` at INIT). */
  shared?: boolean
  /** Retry policy of every request of this upload; default the client's. */
  retry?: RetryOptions
  /** Keep a checkpoint so that a later call continues instead of starting over; default none. */
  resume?: ResumeOptions
  /** Wait until processing succeeded or failed; default true. */
  waitForProcessing?: boolean
  /** Overall processing deadline, ms; default 30 minutes. */
  processingTimeoutMs?: number
  /** Called as segments are acknowledged and as processing advances. */
  onProgress?: (progress: UploadProgress) => void
  /** Aborts requests in flight and polling; the checkpoint is kept. */
  signal?: AbortSignal
}

/** An uploaded (and, unless told otherwise, processed) media. */
export interface UploadResult {
  mediaId: string
  mediaKey: string | undefined
  mediaType: MediaType
  mediaCategory: MediaCategory
  sizeBytes: number
  /** Seconds the media stays usable, as last reported. */
  expiresAfterSecs: number | undefined
  image: UploadedMedia['image']
  video: UploadedMedia['video']
  /** The last processing status; undefined for media X does not process (images without a GIF/video category). */
  processing: ProcessingStatus | undefined
  /** Whether this call continued an upload from a checkpoint. */
  resumed: boolean
  /** Segments this call sent (acknowledged ones from a checkpoint are skipped). */
  segmentsSent: number
  segmentsTotal: number
}
