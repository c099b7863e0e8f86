/**
 * Which stored bytes answer a media URL. A photo is served from the files processing made of it
 * (`orig` and X's named sizes), or from its uploaded segments while it has none; a video or an
 * animated GIF only from its processed MP4 variants and poster, so it has nothing to serve until
 * processing succeeded. Bytes are always streamed from the blob store, a range at a time.
 */
import { Readable } from 'node:stream'
import { kindOfMediaType } from '@birdhouse/protocol'
import type { BlobStore, ByteRange } from '../stores/blob-store.js'
import type { MediaFile, MediaRecord, SegmentRecord } from '../stores/metadata-store.js'

/** X's photo size names (`?name=`), smallest first. */
export const PHOTO_SIZES = ['thumb', 'small', 'medium', 'large', 'orig'] as const

/** One of X's photo size names. */
export type PhotoSize = (typeof PHOTO_SIZES)[number]

/** Bytes that can be served: one blob, or an upload's segments back to back. */
export interface ServedBytes {
  contentType: string
  sizeBytes: number
  /** Blob keys holding the bytes, in order (what the ETag is made of). */
  blobKeys: readonly string[]
  /** Streams all bytes, or an inclusive range of them. */
  open(range?: ByteRange): Promise<Readable>
}

/** Whether a name is one of X's photo sizes. */
export function isPhotoSize(name: string): name is PhotoSize {
  return (PHOTO_SIZES as readonly string[]).includes(name)
}

/** Whether media shows as a photo: an image, or a GIF uploaded as one (not processed into a video). */
export function isPhoto(media: MediaRecord): boolean {
  const kind = kindOfMediaType(media.mediaType ?? media.declaredType)
  return kind === 'image' || (kind === 'gif' && !media.processing)
}

/**
 * The processed file of a photo size, or of the closest size processing made (ties go to the
 * larger one); undefined when there are no processed files and the original is served.
 */
export function photoFile(media: MediaRecord, size: PhotoSize): MediaFile | undefined {
  const wanted = PHOTO_SIZES.indexOf(size)
  for (let distance = 0; distance < PHOTO_SIZES.length; distance++) {
    for (const index of [wanted + distance, wanted - distance]) {
      const file = media.files.find((f) => f.role === PHOTO_SIZES[index])
      if (file !== undefined) return file
    }
  }
  return undefined
}

/** A video's (or animated GIF's) MP4 variants by ascending bit rate, then width. */
export function videoVariants(media: MediaRecord): MediaFile[] {
  return media.files
    .filter((f) => f.role === 'variant')
    .sort((a, b) => (a.bitRate ?? 0) - (b.bitRate ?? 0) || a.width - b.width)
}

/** The poster frame of a video or animated GIF. */
export function posterFile(media: MediaRecord): MediaFile | undefined {
  return media.files.find((f) => f.role === 'poster')
}

/** The bytes of one processed file. */
export function fileBytes(blobs: BlobStore, file: MediaFile): ServedBytes {
  return {
    contentType: file.contentType,
    sizeBytes: file.sizeBytes,
    blobKeys: [file.blobKey],
    open: (range) => blobs.read(file.blobKey, range),
  }
}

/** The uploaded bytes of media: its segments in index order. */
export function originalBytes(blobs: BlobStore, media: MediaRecord, segments: readonly SegmentRecord[]): ServedBytes {
  const sizeBytes = segments.reduce((sum, s) => sum + s.sizeBytes, 0)
  return {
    contentType: media.mediaType ?? media.declaredType,
    sizeBytes,
    blobKeys: segments.map((s) => s.blobKey),
    open: async (range) => readSegmentRange(blobs, segments, range ?? { start: 0, end: sizeBytes - 1 }),
  }
}

/** Streams an inclusive byte range of the segments' concatenation, reading only the segments it covers. */
function readSegmentRange(blobs: BlobStore, segments: readonly SegmentRecord[], range: ByteRange): Readable {
  async function* concatenate(): AsyncGenerator<Buffer> {
    let offset = 0
    for (const segment of segments) {
      const [start, end] = [Math.max(range.start, offset), Math.min(range.end, offset + segment.sizeBytes - 1)]
      if (start <= end) yield* await blobs.read(segment.blobKey, { start: start - offset, end: end - offset })
      offset += segment.sizeBytes
      if (offset > range.end) return
    }
  }
  return Readable.from(concatenate(), { objectMode: false })
}
