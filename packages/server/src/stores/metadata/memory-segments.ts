/**
 * The APPEND segments of `MemoryMetadataStore`, by media id and index. No method awaits, so each
 * check-then-write is atomic within the process.
 */
import { ApiError } from '../../errors.js'
import type { MediaRecord, PutSegmentResult, SegmentRecord } from '../metadata-store.js'

const clone = <T>(value: T): T => structuredClone(value)

/** Segments of every upload held in memory. */
export class MemorySegments {
  #byMedia = new Map<string, Map<number, SegmentRecord>>()

  /** Records a segment of `media` after the checks `MetadataStore.putSegment` documents; bumps `segmentsVersion`. */
  put(
    mediaId: string,
    media: MediaRecord | undefined,
    segment: SegmentRecord,
    maxTotalBytes: number,
  ): PutSegmentResult {
    if (media === undefined) throw new ApiError('MEDIA_NOT_FOUND', { params: { mediaId } })
    if (media.state === 'expired') throw new ApiError('MEDIA_EXPIRED', { params: { mediaId } })
    if (media.state !== 'uploading') throw new ApiError('UPLOAD_ALREADY_FINALIZED', { params: { mediaId } })
    const segments = this.#byMedia.get(mediaId) ?? new Map<number, SegmentRecord>()
    let others = 0
    for (const s of segments.values()) if (s.index !== segment.index) others += s.sizeBytes
    if (others + segment.sizeBytes > maxTotalBytes) {
      throw new ApiError('MEDIA_TOO_LARGE', {
        params: { maxBytes: maxTotalBytes, category: media.category ?? 'none' },
      })
    }
    const replaced = segments.get(segment.index)
    segments.set(segment.index, clone(segment))
    this.#byMedia.set(mediaId, segments)
    media.segmentsVersion += 1
    return { replacedBlobKey: replaced?.blobKey ?? null }
  }

  /** Segments of one upload ordered by index. */
  list(mediaId: string): SegmentRecord[] {
    return clone([...(this.#byMedia.get(mediaId)?.values() ?? [])].sort((a, b) => a.index - b.index))
  }

  /** Deletes the segments of one upload and returns their blob keys in index order. */
  take(mediaId: string): string[] {
    const keys = this.list(mediaId).map((s) => s.blobKey)
    this.#byMedia.delete(mediaId)
    return keys
  }
}
