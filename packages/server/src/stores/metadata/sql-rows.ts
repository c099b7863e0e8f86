/**
 * Maps rows of the SQL metadata schema (`migrations.ts`) to domain records and back, for SQLite and
 * PostgreSQL alike. The drivers differ in how they return 64-bit integers (SQLite: number,
 * PostgreSQL: string) and booleans (SQLite: 0/1), so every read goes through `Number` or `Boolean`.
 * Subtitle tracks live in their own table; each backend's media query aggregates them into a
 * `subtitles` column of JSON text, ordered by language code, which `mediaFromRow` reads.
 */
import type { MediaCategory, MediaType } from '@birdhouse/protocol'
import type {
  ImageFacts,
  JobRecord,
  MediaFile,
  MediaRecord,
  MediaState,
  ProcessingFailure,
  SegmentRecord,
  SubtitleTrack,
  TweetRecord,
  UserRecord,
  VideoFacts,
} from '../metadata-store.js'

/** A row as a driver returns it. */
export type SqlRow = Record<string, unknown>

/** A number column (64-bit integers arrive as strings from PostgreSQL). */
export const num = (value: unknown): number => Number(value)
/** A nullable number column. */
export const numOrNull = (value: unknown): number | null =>
  value === null || value === undefined ? null : Number(value)
/** A text column. */
export const str = (value: unknown): string => String(value)
/** A nullable text column. */
export const strOrNull = (value: unknown): string | null =>
  value === null || value === undefined ? null : String(value)
const jsonOrNull = <T>(value: unknown): T | null =>
  value === null || value === undefined ? null : JSON.parse(str(value))

/** Columns of `media`, in the order `mediaValues` lists them. */
export const MEDIA_COLUMNS = [
  'id',
  'media_key',
  'owner_id',
  'declared_type',
  'media_type',
  'category',
  'total_bytes',
  'additional_owners',
  'shared',
  'state',
  'processing',
  'size_bytes',
  'image',
  'progress_percent',
  'error',
  'alt_text',
  'pinned',
  'video',
  'files',
  'segments_version',
  'created_at_ms',
  'finalized_at_ms',
  'expires_at_ms',
] as const

/**
 * Values of a media record in `MEDIA_COLUMNS` order; booleans stay booleans for the caller to encode.
 * Subtitle tracks are rows of their own table, not a column.
 */
export function mediaValues(media: MediaRecord): unknown[] {
  return [
    media.id,
    media.mediaKey,
    media.ownerId,
    media.declaredType,
    media.mediaType,
    media.category,
    media.totalBytes,
    JSON.stringify(media.additionalOwners),
    media.shared,
    media.state,
    media.processing,
    media.sizeBytes,
    media.image === null ? null : JSON.stringify(media.image),
    media.progressPercent,
    media.error === null ? null : JSON.stringify(media.error),
    media.altText,
    media.pinned,
    media.video === null ? null : JSON.stringify(media.video),
    JSON.stringify(media.files),
    media.segmentsVersion,
    media.createdAtMs,
    media.finalizedAtMs,
    media.expiresAtMs,
  ]
}

/** Reads a `media` row selected with its subtitle tracks as JSON text in `subtitles`. */
export function mediaFromRow(row: SqlRow): MediaRecord {
  return {
    id: str(row.id),
    mediaKey: str(row.media_key),
    ownerId: str(row.owner_id),
    declaredType: str(row.declared_type) as MediaType,
    mediaType: strOrNull(row.media_type) as MediaType | null,
    category: strOrNull(row.category) as MediaCategory | null,
    totalBytes: num(row.total_bytes),
    additionalOwners: JSON.parse(str(row.additional_owners)) as string[],
    shared: Boolean(row.shared),
    state: str(row.state) as MediaState,
    processing: Boolean(row.processing),
    sizeBytes: numOrNull(row.size_bytes),
    image: jsonOrNull<ImageFacts>(row.image),
    progressPercent: numOrNull(row.progress_percent),
    error: jsonOrNull<ProcessingFailure>(row.error),
    altText: strOrNull(row.alt_text),
    pinned: Boolean(row.pinned),
    video: jsonOrNull<VideoFacts>(row.video),
    files: JSON.parse(str(row.files)) as MediaFile[],
    subtitles: JSON.parse(str(row.subtitles)) as SubtitleTrack[],
    segmentsVersion: num(row.segments_version),
    createdAtMs: num(row.created_at_ms),
    finalizedAtMs: numOrNull(row.finalized_at_ms),
    expiresAtMs: num(row.expires_at_ms),
  }
}

/** Reads a `users` row. */
export function userFromRow(row: SqlRow): UserRecord {
  return { id: str(row.id), handle: str(row.handle), name: str(row.name), createdAtMs: num(row.created_at_ms) }
}

/** Reads a `segments` row. */
export function segmentFromRow(row: SqlRow): SegmentRecord {
  return { index: num(row.idx), sizeBytes: num(row.size_bytes), blobKey: str(row.blob_key) }
}

/** Reads a `tweets` row selected with its ordered media ids as JSON text in `media_ids`. */
export function tweetFromRow(row: SqlRow): TweetRecord {
  return {
    id: str(row.id),
    authorId: str(row.author_id),
    text: str(row.text),
    mediaIds: JSON.parse(str(row.media_ids)) as string[],
    taggedUserIds: JSON.parse(str(row.tagged_user_ids)) as string[],
    createdAtMs: num(row.created_at_ms),
  }
}

/** Reads a `jobs` row. */
export function jobFromRow(row: SqlRow): JobRecord {
  return {
    id: str(row.id),
    kind: str(row.kind) as JobRecord['kind'],
    mediaId: str(row.media_id),
    state: str(row.state) as JobRecord['state'],
    attempts: num(row.attempts),
    runAtMs: num(row.run_at_ms),
    leaseOwner: strOrNull(row.lease_owner),
    leaseExpiresAtMs: numOrNull(row.lease_expires_at_ms),
    createdAtMs: num(row.created_at_ms),
    lastError: strOrNull(row.last_error),
  }
}
