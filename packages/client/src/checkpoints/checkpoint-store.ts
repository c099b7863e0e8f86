/**
 * Resume state of an upload, kept in a store the caller chooses (memory, Web Storage in browsers,
 * files in Node). X cannot say which segments it holds before FINALIZE (real-clients.md §d.1), so
 * the client trusts its own record: a segment is written down only after X acknowledged it.
 */
import type { MediaCategory, MediaType } from '@birdhouse/protocol'
import type { WireStyle } from '../wire/upload-wire.js'

/** What is needed to continue an upload where it stopped. */
export interface UploadCheckpoint {
  /** Format version of this record. */
  version: 1
  mediaId: string
  mediaKey?: string | undefined
  /** Identity of the content (`ByteSource.fingerprint`, or the caller's). */
  fingerprint: string
  totalBytes: number
  /** Segment size the upload started with; a resumed upload keeps it. */
  chunkBytes: number
  mediaType: MediaType
  mediaCategory: MediaCategory
  wireStyle: WireStyle
  /** Base URL of the server that issued `mediaId`. */
  baseUrl: string
  /** Indexes of the segments X acknowledged, ascending. */
  ackedSegments: number[]
  /** When the upload window closes (INIT's `expires_after_secs`), epoch ms. */
  expiresAtMs: number
}

/**
 * Where checkpoints live. Keys are opaque strings; `save` replaces atomically.
 * @example
 * const store: CheckpointStore = new MemoryCheckpointStore()
 * await client.uploadMedia(file, { resume: { store } })
 */
export interface CheckpointStore {
  /** The checkpoint under `key`, or undefined (also for an unreadable record). */
  load(key: string): Promise<UploadCheckpoint | undefined>
  /** Stores `checkpoint` under `key`, replacing any earlier one. */
  save(key: string, checkpoint: UploadCheckpoint): Promise<void>
  /** Forgets `key`; absent keys are fine. */
  delete(key: string): Promise<void>
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
}

/**
 * Whether `value` (parsed from storage) is a checkpoint this version understands.
 * @example const checkpoint = isUploadCheckpoint(JSON.parse(text)) ? JSON.parse(text) : undefined
 */
export function isUploadCheckpoint(value: unknown): value is UploadCheckpoint {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return (
    v.version === 1 &&
    typeof v.mediaId === 'string' &&
    typeof v.fingerprint === 'string' &&
    isCount(v.totalBytes) &&
    isCount(v.chunkBytes) &&
    v.chunkBytes > 0 &&
    typeof v.mediaType === 'string' &&
    typeof v.mediaCategory === 'string' &&
    typeof v.wireStyle === 'string' &&
    typeof v.baseUrl === 'string' &&
    Array.isArray(v.ackedSegments) &&
    v.ackedSegments.every(isCount) &&
    typeof v.expiresAtMs === 'number'
  )
}
