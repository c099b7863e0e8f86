/**
 * Conformance tests for the job queue: claim order, `runAtMs`, lease exclusivity under concurrent
 * claimers, reclaiming expired leases, and renew/finish by the lease holder only.
 */
import { expect } from 'vitest'
import type { MetadataStore } from '../metadata-store.js'
import { createFinalized, T0 } from './metadata-fixtures.js'
import type { SuiteContext } from './metadata-store.suite.js'

const LEASE_MS = 1000

/** Finalizes a fresh upload with a job due at `runAtMs`; resolves to the job id. */
async function queueJob(store: MetadataStore, runAtMs = T0): Promise<string> {
  const { job } = await createFinalized(store, { runAtMs })
  if (job === null) throw new Error('no job queued')
  return job.id
}

/** Registers the job-queue tests. */
export function jobTests({ group, test, store }: SuiteContext): void {
  /** The stored state of one job. */
  const jobOf = async (mediaId: string) => (await store().listJobs(mediaId))[0]

  group('claimJob', () => {
    test('claims jobs in runAtMs order', async () => {
      const ids = new Map<number, string>()
      for (const offset of [30, 10, 20]) ids.set(offset, await queueJob(store(), T0 + offset))
      const claimed: (string | undefined)[] = []
      for (let i = 0; i < 3; i += 1) claimed.push((await store().claimJob('w1', T0 + 100, LEASE_MS))?.id)
      expect(claimed).toEqual([ids.get(10), ids.get(20), ids.get(30)])
      expect(await store().claimJob('w1', T0 + 100, LEASE_MS)).toBeUndefined()
    })

    test('does not claim a job before its runAtMs', async () => {
      const id = await queueJob(store(), T0 + 50)
      expect(await store().claimJob('w1', T0 + 49, LEASE_MS)).toBeUndefined()
      expect((await store().claimJob('w1', T0 + 50, LEASE_MS))?.id).toBe(id)
    })

    test('resolves undefined when nothing is queued', async () => {
      expect(await store().claimJob('w1', T0, LEASE_MS)).toBeUndefined()
    })

    test('leases the job to the worker and counts the attempt', async () => {
      const { media, job } = await createFinalized(store(), { runAtMs: T0 })
      const claimed = await store().claimJob('worker-ü', T0 + 5, LEASE_MS)
      expect(claimed).toMatchObject({
        id: job?.id,
        kind: 'process-media',
        mediaId: media.id,
        state: 'running',
        attempts: 1,
        runAtMs: T0,
        leaseOwner: 'worker-ü',
        leaseExpiresAtMs: T0 + 5 + LEASE_MS,
        lastError: null,
      })
      expect(await jobOf(media.id)).toEqual(claimed)
    })

    test('never hands one job to two concurrent claimers', async () => {
      for (let i = 0; i < 5; i += 1) await queueJob(store())
      const claims = Array.from({ length: 20 }, (_, i) => store().claimJob(`w${i}`, T0, LEASE_MS))
      const claimed = (await Promise.all(claims)).filter((job) => job !== undefined)
      expect(claimed).toHaveLength(5)
      expect(new Set(claimed.map((job) => job.id)).size).toBe(5)
      for (const job of claimed) expect(await jobOf(job.mediaId)).toMatchObject({ leaseOwner: job.leaseOwner })
    })

    test('does not reclaim a job whose lease is live', async () => {
      await queueJob(store())
      await store().claimJob('w1', T0, LEASE_MS)
      expect(await store().claimJob('w2', T0 + LEASE_MS - 1, LEASE_MS)).toBeUndefined()
    })

    test('reclaims a job whose lease expired, counting another attempt', async () => {
      const id = await queueJob(store())
      await store().claimJob('w1', T0, LEASE_MS)
      const reclaimed = await store().claimJob('w2', T0 + LEASE_MS, LEASE_MS)
      expect(reclaimed).toMatchObject({ id, attempts: 2, leaseOwner: 'w2', leaseExpiresAtMs: T0 + 2 * LEASE_MS })
      expect(await store().renewJobLease(id, 'w1', T0 + 9 * LEASE_MS)).toBe(false)
      expect(await store().finishJob(id, 'w1', 'done', null)).toBe(false)
      expect(await store().finishJob(id, 'w2', 'done', null)).toBe(true)
    })
  })

  group('renewJobLease', () => {
    test('extends the lease of the worker that holds it', async () => {
      const { media, job } = await createFinalized(store(), { runAtMs: T0 })
      await store().claimJob('w1', T0, LEASE_MS)
      expect(await store().renewJobLease(job?.id ?? '', 'w1', T0 + 5 * LEASE_MS)).toBe(true)
      expect(await jobOf(media.id)).toMatchObject({ leaseOwner: 'w1', leaseExpiresAtMs: T0 + 5 * LEASE_MS })
      expect(await store().claimJob('w2', T0 + 2 * LEASE_MS, LEASE_MS)).toBeUndefined()
    })

    test('refuses a worker that does not hold the lease, and unknown or queued jobs', async () => {
      const { media, job } = await createFinalized(store(), { runAtMs: T0 })
      const jobId = job?.id ?? ''
      expect(await store().renewJobLease(jobId, 'w1', T0 + LEASE_MS)).toBe(false)
      const claimed = await store().claimJob('w1', T0, LEASE_MS)
      expect(await store().renewJobLease(jobId, 'w2', T0 + 5 * LEASE_MS)).toBe(false)
      expect(await store().renewJobLease('1880028106020515999', 'w1', T0 + 5 * LEASE_MS)).toBe(false)
      expect(await jobOf(media.id)).toEqual(claimed)
    })
  })

  group('finishJob', () => {
    test('finishes a job as done', async () => {
      const { media, job } = await createFinalized(store(), { runAtMs: T0 })
      await store().claimJob('w1', T0, LEASE_MS)
      expect(await store().finishJob(job?.id ?? '', 'w1', 'done', null)).toBe(true)
      expect(await jobOf(media.id)).toMatchObject({ state: 'done', attempts: 1, lastError: null })
    })

    test('finishes a job as failed with its error', async () => {
      const { media, job } = await createFinalized(store(), { runAtMs: T0 })
      await store().claimJob('w1', T0, LEASE_MS)
      const error = 'ffmpeg exited with 1: Invalid data — données invalides'
      expect(await store().finishJob(job?.id ?? '', 'w1', 'failed', error)).toBe(true)
      expect(await jobOf(media.id)).toMatchObject({ state: 'failed', lastError: error })
    })

    test('refuses a worker that does not hold the lease', async () => {
      const { media, job } = await createFinalized(store(), { runAtMs: T0 })
      const claimed = await store().claimJob('w1', T0, LEASE_MS)
      expect(await store().finishJob(job?.id ?? '', 'w2', 'done', null)).toBe(false)
      expect(await jobOf(media.id)).toEqual(claimed)
    })

    test('never hands a finished job out again', async () => {
      const id = await queueJob(store())
      await store().claimJob('w1', T0, LEASE_MS)
      await store().finishJob(id, 'w1', 'done', null)
      expect(await store().claimJob('w2', T0 + 10 * LEASE_MS, LEASE_MS)).toBeUndefined()
      expect(await store().renewJobLease(id, 'w1', T0 + 20 * LEASE_MS)).toBe(false)
      expect(await store().finishJob(id, 'w1', 'failed', 'again')).toBe(false)
    })
  })

  group('listJobs', () => {
    test('lists only the jobs of the given media', async () => {
      const a = await createFinalized(store())
      const b = await createFinalized(store())
      expect((await store().listJobs(a.media.id)).map((job) => job.id)).toEqual([a.job?.id])
      expect((await store().listJobs(b.media.id)).map((job) => job.id)).toEqual([b.job?.id])
      expect(await store().listJobs('1880028106020515999')).toEqual([])
    })
  })
}
