/**
 * Test support for the SQL backends' migration tests: media rows of a database still at schema
 * version 3 (before processed files and subtitle tracks), and what the store makes of them once
 * migration 4 has run.
 */
import { expect } from 'vitest'
import { finalizeChange, newMedia, segment, T0 } from '../conformance/metadata-fixtures.js'
import type { MediaFile, MediaRecord, MetadataStore, SegmentRecord } from '../metadata-store.js'
import { legacyMediaInsert, legacyMediaValues } from './legacy-media-rows.js'

/** Runs one statement with parameters on the old database; `placeholder(i)` spells the i-th (1-based) parameter. */
export interface OldDatabase {
  run(sql: string, values: unknown[]): Promise<void>
  placeholder(i: number): string
}

/** The rows `seedVersion3Media` wrote. */
export interface Version3Media {
  uploading: MediaRecord
  processed: MediaRecord
  processedSegment: SegmentRecord
}

/** Writes an upload still uploading and processed media with one segment into a version-3 database. */
export async function seedVersion3Media(db: OldDatabase): Promise<Version3Media> {
  const uploading = newMedia({ altText: 'Zoë 🐦' })
  const processed = newMedia({
    state: 'succeeded',
    processing: true,
    mediaType: 'video/mp4',
    sizeBytes: 2 ** 32 + 5,
    video: { width: 1280, height: 720, durationMs: 4000 },
    finalizedAtMs: T0 + 1000,
  })
  const processedSegment = segment(0, 2 ** 32 + 5)
  for (const media of [uploading, processed]) {
    await db.run(legacyMediaInsert(3, db.placeholder), legacyMediaValues(3, media))
  }
  const p = db.placeholder
  await db.run(
    `INSERT INTO segments (media_id, idx, size_bytes, blob_key) VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)})`,
    [processed.id, processedSegment.index, processedSegment.sizeBytes, processedSegment.blobKey],
  )
  return { uploading, processed, processedSegment }
}

/** Checks the seeded media read back with no files or subtitles, and then take both. */
export async function expectVersion3MediaUpgraded(store: MetadataStore, seeded: Version3Media): Promise<void> {
  const { uploading, processed, processedSegment } = seeded
  for (const media of [uploading, processed]) {
    expect(await store.getMedia(media.id)).toEqual({ ...media, files: [], subtitles: [] })
  }
  const track = { languageCode: 'FR', displayName: 'Français', subtitleMediaId: '1880028106020515003' }
  expect(await store.putSubtitle(processed.id, track)).toBe(true)
  expect((await store.getMedia(processed.id))?.subtitles).toEqual([track])
  expect(await store.releaseSegments(processed.id)).toEqual([processedSegment.blobKey])
  const files: MediaFile[] = [
    { role: 'orig', contentType: 'image/png', width: 2, height: 1, bitRate: null, sizeBytes: 70, blobKey: 'files/o' },
  ]
  const change = finalizeChange({ state: 'succeeded', processing: false, mediaType: 'image/png', files })
  expect(await store.finalizeMedia(uploading.id, uploading.segmentsVersion, change, null)).toBe(true)
  expect((await store.getMedia(uploading.id))?.files).toEqual(files)
}
