/**
 * Conformance tests for the life of an upload after its segments: FINALIZE (compare-and-set on
 * `segmentsVersion`, job enqueued atomically), processing updates, and expiry.
 */
import { expect } from 'vitest'
import {
  createFinalized,
  createUpload,
  finalizeChange,
  mustGet,
  NO_LIMIT,
  newJob,
  segment,
  T0,
} from './metadata-fixtures.js'
import type { SuiteContext } from './metadata-store.suite.js'

const UNKNOWN_ID = '1880028106020515999'

/** Registers the finalize, processing and expiry tests. */
export function lifecycleTests({ group, test, store }: SuiteContext): void {
  group('finalizeMedia', () => {
    test('applies the change when the version matches and keeps the segments', async () => {
      const media = await createUpload(store(), [10, 20])
      const change = finalizeChange({ state: 'succeeded', processing: false, mediaType: 'image/gif', sizeBytes: 30 })
      const withImage = { ...change, image: { type: 'image/gif' as const, width: 1, height: 2 } }
      expect(await store().finalizeMedia(media.id, media.segmentsVersion, withImage, null)).toBe(true)
      expect(await store().getMedia(media.id)).toEqual({ ...media, ...withImage })
      expect((await store().listSegments(media.id)).map((s) => s.sizeBytes)).toEqual([10, 20])
      expect(await store().listJobs(media.id)).toEqual([])
    })

    test('enqueues the job in the same step', async () => {
      const media = await createUpload(store(), [10])
      const job = newJob(media.id, T0 + 1234)
      expect(await store().finalizeMedia(media.id, media.segmentsVersion, finalizeChange(), job)).toBe(true)
      expect(await store().listJobs(media.id)).toEqual([
        {
          ...job,
          state: 'queued',
          attempts: 0,
          leaseOwner: null,
          leaseExpiresAtMs: null,
          createdAtMs: expect.any(Number),
          lastError: null,
        },
      ])
    })

    test('refuses a stale version and changes nothing', async () => {
      const media = await createUpload(store(), [10])
      await store().putSegment(media.id, segment(1, 10), NO_LIMIT)
      const current = await mustGet(store(), media.id)
      const job = newJob(media.id)
      expect(await store().finalizeMedia(media.id, media.segmentsVersion, finalizeChange(), job)).toBe(false)
      expect(await store().getMedia(media.id)).toEqual(current)
      expect(await store().listJobs(media.id)).toEqual([])
    })

    test('refuses a second finalize', async () => {
      const { media } = await createFinalized(store())
      const again = store().finalizeMedia(media.id, media.segmentsVersion, finalizeChange(), newJob(media.id))
      expect(await again).toBe(false)
      expect(await store().getMedia(media.id)).toEqual(media)
      expect(await store().listJobs(media.id)).toHaveLength(1)
    })

    test('refuses unknown and expired media', async () => {
      expect(await store().finalizeMedia(UNKNOWN_ID, 0, finalizeChange(), null)).toBe(false)
      const media = await createUpload(store(), [10])
      await store().expireMedia(media.id, media.expiresAtMs)
      expect(await store().finalizeMedia(media.id, media.segmentsVersion, finalizeChange(), null)).toBe(false)
      expect((await mustGet(store(), media.id)).state).toBe('expired')
    })

    test('lets exactly one of 10 concurrent finalizes win', async () => {
      const media = await createUpload(store(), [10])
      const attempts = Array.from({ length: 10 }, () =>
        store().finalizeMedia(media.id, media.segmentsVersion, finalizeChange(), newJob(media.id)),
      )
      expect((await Promise.all(attempts)).filter(Boolean)).toHaveLength(1)
      expect(await store().listJobs(media.id)).toHaveLength(1)
    })

    test('never both accepts a concurrent segment and finalizes the version before it', async () => {
      for (let round = 0; round < 10; round += 1) {
        const media = await createUpload(store(), [10])
        const [put, finalized] = await Promise.allSettled([
          store().putSegment(media.id, segment(1, 10), NO_LIMIT),
          store().finalizeMedia(media.id, media.segmentsVersion, finalizeChange(), null),
        ])
        expect(finalized.status).toBe('fulfilled')
        const appended = put.status === 'fulfilled'
        expect(appended).toBe(finalized.status === 'fulfilled' && !finalized.value)
        if (!appended) expect(put.reason).toMatchObject({ code: 'UPLOAD_ALREADY_FINALIZED' })
      }
    })
  })

  group('updateProcessing', () => {
    test('moves pending media through in_progress to succeeded', async () => {
      const { media } = await createFinalized(store())
      const progress = { state: 'in_progress', progressPercent: 40, error: null } as const
      expect(await store().updateProcessing(media.id, progress)).toBe(true)
      expect(await store().getMedia(media.id)).toEqual({ ...media, ...progress })
      const done = { state: 'succeeded', progressPercent: 100, error: null, expiresAtMs: T0 + 9e9 } as const
      expect(await store().updateProcessing(media.id, done)).toBe(true)
      expect(await store().getMedia(media.id)).toEqual({ ...media, ...done })
    })

    test('records a failure with its error', async () => {
      const { media } = await createFinalized(store())
      const error = { code: 1, name: 'InvalidMedia', message: 'Codec non pris en charge — 不支持 🎬' }
      expect(await store().updateProcessing(media.id, { state: 'failed', progressPercent: null, error })).toBe(true)
      expect(await store().getMedia(media.id)).toEqual({ ...media, state: 'failed', progressPercent: null, error })
    })

    test('stores video facts when given and keeps them when a later change omits them', async () => {
      const { media } = await createFinalized(store())
      const video = { width: 1280, height: 720, durationMs: 2 ** 33 + 7 }
      const progress = { state: 'in_progress', progressPercent: 50, error: null, video } as const
      expect(await store().updateProcessing(media.id, progress)).toBe(true)
      expect(await store().getMedia(media.id)).toEqual({ ...media, ...progress })
      const done = { state: 'succeeded', progressPercent: 100, error: null } as const
      expect(await store().updateProcessing(media.id, done)).toBe(true)
      expect(await store().getMedia(media.id)).toEqual({ ...media, ...done, video })
    })

    test('keeps expiresAtMs when the change does not move it', async () => {
      const { media } = await createFinalized(store())
      await store().updateProcessing(media.id, { state: 'in_progress', progressPercent: 5, error: null })
      expect((await mustGet(store(), media.id)).expiresAtMs).toBe(media.expiresAtMs)
    })

    test('refuses changes once the media succeeded, failed or expired', async () => {
      const succeeded = (await createFinalized(store(), { job: false, change: { state: 'succeeded' } })).media
      const failed = (await createFinalized(store())).media
      const error = { code: 3, name: 'InvalidMedia', message: 'bad' }
      await store().updateProcessing(failed.id, { state: 'failed', progressPercent: null, error })
      const expired = (await createFinalized(store())).media
      expect(await store().expireMedia(expired.id, expired.expiresAtMs)).not.toBeNull()
      for (const id of [succeeded.id, failed.id, expired.id]) {
        const before = await mustGet(store(), id)
        const change = { state: 'in_progress', progressPercent: 1, error: null } as const
        expect(await store().updateProcessing(id, change), before.state).toBe(false)
        expect(await store().getMedia(id)).toEqual(before)
      }
    })

    test('refuses media still uploading and unknown media', async () => {
      const media = await createUpload(store(), [10])
      const change = { state: 'succeeded', progressPercent: 100, error: null } as const
      expect(await store().updateProcessing(media.id, change)).toBe(false)
      expect(await store().getMedia(media.id)).toEqual(media)
      expect(await store().updateProcessing(UNKNOWN_ID, change)).toBe(false)
    })
  })

  group('listExpiredMedia', () => {
    test('lists media due by nowMs, soonest expiry first, up to the limit', async () => {
      for (const offset of [30, 10, 40, 20]) await createUpload(store(), [], { expiresAtMs: T0 + offset })
      const due = await store().listExpiredMedia(T0 + 30, 10)
      expect(due.map((m) => m.expiresAtMs)).toEqual([T0 + 10, T0 + 20, T0 + 30])
      expect((await store().listExpiredMedia(T0 + 30, 2)).map((m) => m.expiresAtMs)).toEqual([T0 + 10, T0 + 20])
    })

    test('leaves out media already expired and media not yet due', async () => {
      const gone = await createUpload(store(), [], { expiresAtMs: T0 })
      await store().expireMedia(gone.id, T0)
      const { media: finalized } = await createFinalized(store(), { change: { expiresAtMs: T0 + 5 } })
      await createUpload(store(), [], { expiresAtMs: T0 + 6 })
      expect(await store().listExpiredMedia(T0 + 5, 10)).toEqual([finalized])
    })
  })

  group('expireMedia', () => {
    test('marks the media expired, deletes its segments and returns their blob keys', async () => {
      const media = await createUpload(store(), [1, 2, 3])
      const keys = (await store().listSegments(media.id)).map((s) => s.blobKey)
      const returned = await store().expireMedia(media.id, media.expiresAtMs + 1)
      expect(returned?.slice().sort()).toEqual(keys.slice().sort())
      expect(await store().getMedia(media.id)).toEqual({ ...media, state: 'expired' })
      expect(await store().listSegments(media.id)).toEqual([])
    })

    test('expires finalized media and returns an empty list when there are no segments', async () => {
      const { media } = await createFinalized(store())
      expect(await store().expireMedia(media.id, media.expiresAtMs)).toHaveLength(1)
      const empty = await createUpload(store())
      expect(await store().expireMedia(empty.id, empty.expiresAtMs)).toEqual([])
    })

    test('resolves null on a second call', async () => {
      const media = await createUpload(store(), [1])
      await store().expireMedia(media.id, media.expiresAtMs)
      expect(await store().expireMedia(media.id, media.expiresAtMs + 1)).toBeNull()
    })

    test('resolves null before the expiry and changes nothing', async () => {
      const media = await createUpload(store(), [1])
      expect(await store().expireMedia(media.id, media.expiresAtMs - 1)).toBeNull()
      expect(await store().getMedia(media.id)).toEqual(media)
      expect(await store().listSegments(media.id)).toHaveLength(1)
    })

    test('resolves null for unknown media', async () => {
      expect(await store().expireMedia(UNKNOWN_ID, T0 + 9e9)).toBeNull()
    })
  })
}
