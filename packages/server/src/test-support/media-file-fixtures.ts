/**
 * Media with served files, written straight into a route harness's stores so that serving and
 * lookup tests do not depend on processing: real bytes put into the blob store, `MediaFile`
 * records pointing at them, and media records (succeeded photos with or without processed files,
 * processed videos and animated GIFs, or uploads with only their original segments).
 */
import { Readable } from 'node:stream'
import type { MediaFile, MediaRecord } from '../stores/metadata-store.js'
import { fabricatedMedia, fabricatedVideo } from './post-fixtures.js'
import type { RouteHarness } from './route-harness.js'

let nextId = 1_000_000_000_000_000_100n

/** A fresh 19-digit media id. */
export function freshMediaId(): string {
  nextId += 1n
  return String(nextId)
}

/** A day after the harness clock's now: an expiry that lets media be posted. */
function dayLater(h: RouteHarness): number {
  return h.clock.now() + 86_400_000
}

/** `length` bytes whose value is their offset mod 251, so any slice is recognisable. */
export function patternBytes(length: number): Buffer {
  return Buffer.from(Array.from({ length }, (_, i) => i % 251))
}

/** What a stored file is, besides its bytes. */
export type FileShape = Pick<MediaFile, 'role' | 'contentType' | 'width' | 'height'> & { bitRate?: number | null }

/** Puts `bytes` into the blob store under `key`; resolves to the file record. */
export async function storeFile(h: RouteHarness, key: string, bytes: Buffer, shape: FileShape): Promise<MediaFile> {
  const { sizeBytes } = await h.stores.blobs.put(key, Readable.from([bytes]))
  return { bitRate: null, ...shape, sizeBytes, blobKey: key }
}

/** Creates a succeeded media record of the first user; resolves to the record as stored. */
export async function createMediaRecord(h: RouteHarness, record: MediaRecord): Promise<MediaRecord> {
  if (!(await h.stores.metadata.createMedia(record))) throw new Error(`media ${record.id} exists`)
  const stored = await h.stores.metadata.getMedia(record.id)
  if (stored === undefined) throw new Error(`media ${record.id} vanished`)
  return stored
}

/** A succeeded photo (`3_` key) with `files` (none: it serves its segments). */
export function photoRecord(h: RouteHarness, files: MediaFile[], overrides: Partial<MediaRecord> = {}): MediaRecord {
  const id = overrides.id ?? freshMediaId()
  return fabricatedMedia({ id, mediaKey: `3_${id}`, ownerId: h.userId, files, expiresAtMs: dayLater(h), ...overrides })
}

/** A processed `tweet_video` (`7_` key) of 64×48 and 3 s with `files`. */
export function videoRecord(h: RouteHarness, files: MediaFile[], overrides: Partial<MediaRecord> = {}): MediaRecord {
  const id = overrides.id ?? freshMediaId()
  return fabricatedVideo(3000, {
    id,
    mediaKey: `7_${id}`,
    ownerId: h.userId,
    files,
    expiresAtMs: dayLater(h),
    ...overrides,
  })
}

/** A processed `tweet_gif` (`16_` key) of 16×16 with `files`. */
export function animatedGifRecord(h: RouteHarness, files: MediaFile[]): MediaRecord {
  const id = freshMediaId()
  return fabricatedMedia({
    id,
    mediaKey: `16_${id}`,
    ownerId: h.userId,
    declaredType: 'image/gif',
    mediaType: 'image/gif',
    category: 'tweet_gif',
    processing: true,
    image: { type: 'image/gif', width: 16, height: 16 },
    video: { width: 16, height: 16, durationMs: 1000 },
    files,
    expiresAtMs: dayLater(h),
  })
}

/** The files of a processed video: three MP4 variants (given out of order) and a JPEG poster. */
export async function videoFiles(h: RouteHarness, id: string): Promise<MediaFile[]> {
  const variant = (w: number, hgt: number, bitRate: number, size: number) =>
    storeFile(h, `test/${id}/${w}x${hgt}.mp4`, patternBytes(size), {
      role: 'variant',
      contentType: 'video/mp4',
      width: w,
      height: hgt,
      bitRate,
    })
  return [
    await variant(1280, 720, 2_176_000, 3000),
    await variant(320, 180, 256_000, 1000),
    await variant(640, 360, 832_000, 2000),
    await storeFile(h, `test/${id}/poster.jpg`, patternBytes(500), {
      role: 'poster',
      contentType: 'image/jpeg',
      width: 1280,
      height: 720,
    }),
  ]
}

/**
 * A succeeded photo with no processed files whose original is split over segments of
 * `segmentBytes`, finalized through the store; resolves to the record and the whole original.
 */
export async function segmentedPhoto(
  h: RouteHarness,
  sizeBytes: number,
  segmentBytes: number,
): Promise<{ media: MediaRecord; bytes: Buffer }> {
  const bytes = patternBytes(sizeBytes)
  const uploading = photoRecord(h, [], {
    state: 'uploading',
    sizeBytes: null,
    totalBytes: sizeBytes,
    segmentsVersion: 0,
  })
  await createMediaRecord(h, uploading)
  for (let offset = 0, index = 0; offset < sizeBytes; offset += segmentBytes, index++) {
    const blobKey = `uploads/${uploading.id}/segment-${index}`
    const part = bytes.subarray(offset, offset + segmentBytes)
    await h.stores.blobs.put(blobKey, Readable.from([part]))
    await h.stores.metadata.putSegment(uploading.id, { index, sizeBytes: part.length, blobKey }, sizeBytes)
  }
  const version = (await h.stores.metadata.getMedia(uploading.id))?.segmentsVersion ?? 0
  const change = {
    state: 'succeeded' as const,
    processing: false,
    mediaType: 'image/png' as const,
    sizeBytes,
    image: { type: 'image/png' as const, width: 4, height: 3 },
    files: [],
    finalizedAtMs: h.clock.now(),
    expiresAtMs: dayLater(h),
  }
  if (!(await h.stores.metadata.finalizeMedia(uploading.id, version, change, null))) throw new Error('finalize failed')
  return { media: (await h.stores.metadata.getMedia(uploading.id)) as MediaRecord, bytes }
}
