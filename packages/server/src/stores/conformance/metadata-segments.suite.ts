/**
 * Conformance tests for `putSegment` and `listSegments`: replacement, error codes, the byte limit,
 * and consistency under concurrent APPENDs.
 */
import { expect } from 'vitest'
import { createUpload, expectApiError, finalizeChange, mustGet, NO_LIMIT, segment } from './metadata-fixtures.js'
import type { SuiteContext } from './metadata-store.suite.js'

/** Registers the segment tests. */
export function segmentTests({ group, test, store }: SuiteContext): void {
  group('putSegment', () => {
    test('records a segment and bumps segmentsVersion', async () => {
      const media = await createUpload(store())
      const first = segment(0, 100)
      expect(await store().putSegment(media.id, first, NO_LIMIT)).toEqual({ replacedBlobKey: null })
      expect(await store().listSegments(media.id)).toEqual([first])
      expect((await mustGet(store(), media.id)).segmentsVersion).toBe(media.segmentsVersion + 1)
    })

    test('replaces the segment at the same index and returns the replaced blob key', async () => {
      const media = await createUpload(store())
      await store().putSegment(media.id, segment(1, 100, 'uploads/a'), NO_LIMIT)
      const replacement = segment(1, 50, 'uploads/b')
      expect(await store().putSegment(media.id, replacement, NO_LIMIT)).toEqual({ replacedBlobKey: 'uploads/a' })
      expect(await store().listSegments(media.id)).toEqual([replacement])
      expect((await mustGet(store(), media.id)).segmentsVersion).toBe(media.segmentsVersion + 2)
    })

    test('rejects unknown media with MEDIA_NOT_FOUND', async () => {
      const mediaId = '1880028106020515999'
      await expectApiError(store().putSegment(mediaId, segment(0, 1), NO_LIMIT), 'MEDIA_NOT_FOUND', { mediaId })
      expect(await store().listSegments(mediaId)).toEqual([])
    })

    test('rejects a finalized upload with UPLOAD_ALREADY_FINALIZED and changes nothing', async () => {
      const media = await createUpload(store(), [10])
      await store().finalizeMedia(media.id, media.segmentsVersion, finalizeChange(), null)
      const before = await mustGet(store(), media.id)
      const put = store().putSegment(media.id, segment(1, 10), NO_LIMIT)
      await expectApiError(put, 'UPLOAD_ALREADY_FINALIZED', { mediaId: media.id })
      expect(await store().getMedia(media.id)).toEqual(before)
      expect((await store().listSegments(media.id)).map((s) => s.index)).toEqual([0])
    })

    test('rejects an expired upload with MEDIA_EXPIRED', async () => {
      const media = await createUpload(store(), [10])
      expect(await store().expireMedia(media.id, media.expiresAtMs)).not.toBeNull()
      const put = store().putSegment(media.id, segment(1, 10), NO_LIMIT)
      await expectApiError(put, 'MEDIA_EXPIRED', { mediaId: media.id })
      expect(await store().listSegments(media.id)).toEqual([])
    })

    test('rejects with MEDIA_TOO_LARGE when the other segments plus this one exceed the limit', async () => {
      const media = await createUpload(store(), [100, 100])
      const put = store().putSegment(media.id, segment(2, 51), 250)
      await expectApiError(put, 'MEDIA_TOO_LARGE', { maxBytes: 250, category: 'tweet_video' })
      expect(await store().getMedia(media.id)).toEqual(media)
      expect((await store().listSegments(media.id)).map((s) => s.index)).toEqual([0, 1])
    })

    test('accepts a segment that reaches the limit exactly', async () => {
      const media = await createUpload(store(), [100, 100])
      await store().putSegment(media.id, segment(2, 50), 250)
      expect((await store().listSegments(media.id)).length).toBe(3)
    })

    test('does not count a replaced segment twice toward the limit', async () => {
      const media = await createUpload(store(), [200])
      const replaced = await store().putSegment(media.id, segment(0, 250), 250)
      expect(replaced.replacedBlobKey).not.toBeNull()
      await expectApiError(store().putSegment(media.id, segment(1, 1), 250), 'MEDIA_TOO_LARGE')
      expect(await store().putSegment(media.id, segment(0, 1), 250)).toEqual({ replacedBlobKey: expect.any(String) })
    })

    test('counts byte totals beyond 2^32 exactly', async () => {
      const media = await createUpload(store())
      const size = 2 ** 31 + 1
      for (const index of [0, 1, 2]) await store().putSegment(media.id, segment(index, size), 2 ** 33)
      expect((await store().listSegments(media.id)).map((s) => s.sizeBytes)).toEqual([size, size, size])
      await expectApiError(store().putSegment(media.id, segment(3, size), 2 ** 33), 'MEDIA_TOO_LARGE')
      await store().putSegment(media.id, segment(3, 2 ** 33 - 3 * size), 2 ** 33)
    })

    test('keeps all of 50 concurrent writes to distinct indexes', async () => {
      const media = await createUpload(store())
      const segments = Array.from({ length: 50 }, (_, i) => segment(i, 1000 + i))
      await Promise.all(segments.map((s) => store().putSegment(media.id, s, NO_LIMIT)))
      expect(await store().listSegments(media.id)).toEqual(segments)
      expect((await mustGet(store(), media.id)).segmentsVersion).toBe(media.segmentsVersion + 50)
    })

    test('keeps one segment and hands back every other key after 50 concurrent writes to one index', async () => {
      const media = await createUpload(store())
      const segments = Array.from({ length: 50 }, (_, i) => segment(7, 10 + i))
      const results = await Promise.all(segments.map((s) => store().putSegment(media.id, s, NO_LIMIT)))
      const stored = await store().listSegments(media.id)
      expect(stored).toHaveLength(1)
      const replaced = results.map((r) => r.replacedBlobKey).filter((key) => key !== null)
      expect(replaced).toHaveLength(49)
      expect([...replaced, stored[0]?.blobKey].sort()).toEqual(segments.map((s) => s.blobKey).sort())
      expect((await mustGet(store(), media.id)).segmentsVersion).toBe(media.segmentsVersion + 50)
    })

    test('admits exactly what fits under the limit among 50 concurrent writes', async () => {
      const media = await createUpload(store())
      const puts = Array.from({ length: 50 }, (_, i) => store().putSegment(media.id, segment(i, 100), 1000))
      const outcomes = await Promise.allSettled(puts)
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(10)
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') expect(outcome.reason).toMatchObject({ code: 'MEDIA_TOO_LARGE' })
      }
      const stored = await store().listSegments(media.id)
      expect(stored.reduce((sum, s) => sum + s.sizeBytes, 0)).toBe(1000)
      expect((await mustGet(store(), media.id)).segmentsVersion).toBe(media.segmentsVersion + 10)
    })
  })

  group('listSegments', () => {
    test('lists segments ordered numerically by index', async () => {
      const media = await createUpload(store())
      for (const index of [10, 2, 0, 999, 1]) await store().putSegment(media.id, segment(index, 1), NO_LIMIT)
      expect((await store().listSegments(media.id)).map((s) => s.index)).toEqual([0, 1, 2, 10, 999])
    })

    test('lists only the segments of the given upload', async () => {
      const a = await createUpload(store(), [1, 2])
      const b = await createUpload(store(), [3])
      expect((await store().listSegments(a.id)).map((s) => s.sizeBytes)).toEqual([1, 2])
      expect((await store().listSegments(b.id)).map((s) => s.sizeBytes)).toEqual([3])
    })

    test('lists nothing for unknown media', async () => {
      expect(await store().listSegments('1880028106020515999')).toEqual([])
    })
  })
}
