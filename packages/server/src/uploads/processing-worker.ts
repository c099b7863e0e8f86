/**
 * Takes `process-media` jobs from the durable queue in the metadata store and runs them: the
 * upload moves `pending` → `in_progress` → `succeeded` | `failed`. A job is leased, and the lease is
 * renewed while it runs; if the process dies, the lease runs out and any node takes the job again.
 * A job that keeps crashing its worker is failed after `maxAttempts` with X's InternalError.
 */
import { randomBytes } from 'node:crypto'
import { CATEGORY_LIMITS, defaultCategoryForKind, kindOfMediaType, type LimitsProfile } from '@birdhouse/protocol'
import type { Clock } from '../clock.js'
import { type Logger, silentLogger } from '../logger.js'
import type { BlobStore } from '../stores/blob-store.js'
import type { JobRecord, MediaRecord, MetadataStore, ProcessingFailure } from '../stores/metadata-store.js'
import { validateMedia } from './validate-media.js'

/** Settings of a worker. */
export interface ProcessingWorkerOptions {
  store: MetadataStore
  blobs: BlobStore
  clock: Clock
  limits: LimitsProfile
  /** Resolves the ffprobe binary (lazily, on the first video). */
  ffprobePath: () => Promise<string>
  logger?: Logger
  /** Idle poll interval, ms (default 500). */
  pollMs?: number
  /** Lease length, ms (default 60 000). */
  leaseMs?: number
  /** Claims before a job is failed for good (default 3). */
  maxAttempts?: number
}

const INTERNAL_FAILURE: ProcessingFailure = { code: 2, name: 'InternalError', message: 'Internal error' }

/** Runs processing jobs in this process. */
export class ProcessingWorker {
  readonly id = `worker-${randomBytes(6).toString('hex')}`
  readonly #o: Required<ProcessingWorkerOptions>
  #loops: Promise<void>[] = []
  #stopping = false
  #wakers = new Set<() => void>()

  constructor(options: ProcessingWorkerOptions) {
    this.#o = { logger: silentLogger, pollMs: 500, leaseMs: 60_000, maxAttempts: 3, ...options }
  }

  /** Starts `concurrency` loops. */
  start(concurrency: number): void {
    for (let i = 0; i < concurrency; i++) this.#loops.push(this.#loop())
  }

  /** Makes idle loops poll now (after a local FINALIZE queued a job). */
  wake(): void {
    for (const wake of this.#wakers) wake()
  }

  /** Stops polling and waits for running jobs to end. */
  async stop(): Promise<void> {
    this.#stopping = true
    this.wake()
    await Promise.all(this.#loops)
    this.#loops = []
  }

  /** Claims and runs one job; resolves false when none was claimable. */
  async runOnce(): Promise<boolean> {
    const job = await this.#o.store.claimJob(this.id, this.#o.clock.now(), this.#o.leaseMs)
    if (job === undefined) return false
    const renew = setInterval(() => {
      void this.#o.store
        .renewJobLease(job.id, this.id, this.#o.clock.now() + this.#o.leaseMs)
        .catch((error: unknown) => this.#o.logger.warn({ err: error, jobId: job.id }, 'lease renewal failed'))
    }, this.#o.leaseMs / 3)
    try {
      await this.#run(job)
    } catch (error) {
      this.#o.logger.error({ err: error, jobId: job.id, mediaId: job.mediaId }, 'processing job crashed')
      if (job.attempts >= this.#o.maxAttempts) await this.#fail(job, INTERNAL_FAILURE, String(error))
    } finally {
      clearInterval(renew)
    }
    return true
  }

  async #loop(): Promise<void> {
    while (!this.#stopping) {
      const worked = await this.runOnce().catch((error: unknown) => {
        this.#o.logger.error({ err: error }, 'job queue unavailable')
        return false
      })
      if (!worked && !this.#stopping) await this.#idle()
    }
  }

  #idle(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer)
        this.#wakers.delete(done)
        resolve()
      }
      const timer = setTimeout(done, this.#o.pollMs)
      this.#wakers.add(done)
    })
  }

  async #run(job: JobRecord): Promise<void> {
    const media = await this.#o.store.getMedia(job.mediaId)
    if (media === undefined || (media.state !== 'pending' && media.state !== 'in_progress')) {
      await this.#o.store.finishJob(job.id, this.id, 'done', null)
      return
    }
    await this.#o.store.updateProcessing(media.id, { state: 'in_progress', progressPercent: 10, error: null })
    const { failure, video } = await validateMedia(media, {
      blobs: this.#o.blobs,
      segments: await this.#o.store.listSegments(media.id),
      limits: CATEGORY_LIMITS[this.#o.limits][categoryOf(media)],
      ffprobePath: this.#o.ffprobePath,
      logger: this.#o.logger,
    })
    if (failure !== undefined) {
      await this.#fail(job, failure, null)
      return
    }
    await this.#o.store.updateProcessing(media.id, {
      state: 'succeeded',
      progressPercent: 100,
      error: null,
      ...(video === undefined ? {} : { video }),
    })
    await this.#o.store.finishJob(job.id, this.id, 'done', null)
    this.#o.logger.info({ mediaId: media.id }, 'processing succeeded')
  }

  async #fail(job: JobRecord, failure: ProcessingFailure, detail: string | null): Promise<void> {
    await this.#o.store.updateProcessing(job.mediaId, { state: 'failed', progressPercent: 100, error: failure })
    await this.#o.store.finishJob(job.id, this.id, detail === null ? 'done' : 'failed', detail)
    this.#o.logger.info({ mediaId: job.mediaId, failure }, 'processing failed')
  }
}

function categoryOf(media: MediaRecord) {
  return media.category ?? defaultCategoryForKind(kindOfMediaType(media.mediaType ?? media.declaredType))
}
