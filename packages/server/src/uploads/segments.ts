/**
 * The bytes of an upload are its segment objects in index order; they are never copied together.
 * FINALIZE checks the segments form the file, and readers stream their concatenation.
 */
import { Readable } from 'node:stream'
import { ApiError } from '../errors.js'
import type { BlobStore } from '../stores/blob-store.js'
import type { SegmentRecord } from '../stores/metadata-store.js'

/** Throws `SEGMENTS_SIZE_MISMATCH` unless segments are 0..n-1 without gaps and sum to `totalBytes`. */
export function assertSegmentsComplete(segments: readonly SegmentRecord[], totalBytes: number): void {
  let sum = 0
  segments.forEach((segment, position) => {
    if (segment.index !== position) throw new ApiError('SEGMENTS_SIZE_MISMATCH')
    sum += segment.sizeBytes
  })
  if (sum !== totalBytes || (segments.length === 0 && totalBytes !== 0)) throw new ApiError('SEGMENTS_SIZE_MISMATCH')
}

/** Streams the concatenation of segments, one open object at a time, with backpressure. */
export function readSegments(blobs: BlobStore, segments: readonly SegmentRecord[]): Readable {
  async function* concatenate(): AsyncGenerator<Buffer> {
    for (const segment of segments) yield* await blobs.read(segment.blobKey)
  }
  return Readable.from(concatenate(), { objectMode: false })
}

/** Reads up to `maxBytes` leading bytes of the concatenated segments. */
export async function readHead(
  blobs: BlobStore,
  segments: readonly SegmentRecord[],
  maxBytes: number,
): Promise<Buffer> {
  const chunks: Buffer[] = []
  let length = 0
  for (const segment of segments) {
    if (length >= maxBytes || segment.sizeBytes === 0) continue
    const want = Math.min(segment.sizeBytes, maxBytes - length)
    for await (const chunk of await blobs.read(segment.blobKey, { start: 0, end: want - 1 })) {
      chunks.push(chunk as Buffer)
      length += (chunk as Buffer).length
    }
  }
  return Buffer.concat(chunks).subarray(0, maxBytes)
}

/** Reads the concatenated segments into one buffer: for small uploads only (images, subtitles). */
export async function readSegmentsWhole(blobs: BlobStore, segments: readonly SegmentRecord[]): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of readSegments(blobs, segments)) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}
