/**
 * The checks `putSegment` makes, shared by the SQL backends so both throw the same codes with the
 * same params. Callers run them inside the transaction that holds the media row.
 */
import { ApiError } from '../../errors.js'
import type { SqlRow } from './sql-rows.js'

/** Throws unless the media row (with `state` and `category`) exists and still accepts segments. */
export function assertAcceptsSegments(mediaId: string, media: SqlRow | undefined): asserts media {
  if (media === undefined) throw new ApiError('MEDIA_NOT_FOUND', { params: { mediaId } })
  if (media.state === 'expired') throw new ApiError('MEDIA_EXPIRED', { params: { mediaId } })
  if (media.state !== 'uploading') throw new ApiError('UPLOAD_ALREADY_FINALIZED', { params: { mediaId } })
}

/** Throws `MEDIA_TOO_LARGE` when the other segments plus this one exceed `maxTotalBytes`. */
export function assertWithinLimit(media: SqlRow, otherBytes: number, sizeBytes: number, maxTotalBytes: number) {
  if (otherBytes + sizeBytes <= maxTotalBytes) return
  const category = media.category === null || media.category === undefined ? 'none' : String(media.category)
  throw new ApiError('MEDIA_TOO_LARGE', { params: { maxBytes: maxTotalBytes, category } })
}

/** Reads the nullable blob key a totals query returned. */
export function replacedKey(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value)
}
