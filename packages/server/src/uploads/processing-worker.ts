/**
 * Takes `process-media` jobs from the durable queue in the metadata store and runs them: the
 * upload moves `pending` → `in_progress` → `succeeded` | `failed` (`process-job.ts` does one job).
 *
 * Leases: a claimed job is leased for `leaseMs` and renewed every third of it while it runs. If the
 * process dies, the lease runs out and any worker on any node takes the job again (attempts + 1).
 * A worker that finds it lost a lease kills its ffmpeg at once. Retries: a failure on our side
 * (disk, binaries, the database) shortens the lease to `retryDelayMs`, so the job is taken again
 * then; after `maxAttempts` claims the media fails with X's InternalError. `stop()` kills running
 * ffmpeg processes and ends their leases at once, so another worker carries on without waiting.
 */
import { randomBytes } from 'node:crypto'
import type { LimitsProfile } from '@birdhouse/protocol'
import type { Clock } from '../clock.js'
import { type Logger, silentLogger } from '../logger.js'
import type { MediaTools } from '../processing/binaries.js'
import type { BlobStore } from '../stores/blob-store.js'
import type { JobRecord, MetadataStore } from '../stores/metadata-store.js'
import { failJob, JobAbort, runProcessingJob } from './process-job.js'
import { sweepWorkDirs } from './work-dir.js'

/** Settings of a worker. */
export interface ProcessingWorkerOptions {
  store: MetadataStore
  blobs: BlobStore
  clock: Clock
  limits: LimitsProfile
  /** Resolves ffprobe and ffmpeg (lazily, on the first job). */
  mediaTools: () => Promise<Pick<MediaTools, 'ffprobePath' | 'ffmpegPath'>>
  /** Directory of the jobs' work directories (`<dataDir>/work`). */
  workDir: string
  logger?: Logger
  /** Idle poll interval, ms (default 500). */
  pollMs?: number
  /** Lease length, ms (default 60 000). */
  leaseMs?: number
  /** Claims before a job is failed for good (default 3). */
  maxAttempts?: number
  /** Wait before a job that failed on our side is taken again, ms (default 10 000, at most `leaseMs`). */
  retryDelayMs?: number
  /** Least time between two small progress writes, ms (default 500). */
  progressIntervalMs?: number
}

/** Runs processing jobs in this process. */
export class ProcessingWorker {
  readonly id = `worker-${randomBytes(6).toString('hex')}`
  readonly #o: Required<ProcessingWorkerOptions>
  #loops: Promise<void>[] = []
  #stopping = false
  #wakers = new Set<() => void>()
  #running = new Set<AbortController>()

  constructor(options: ProcessingWorkerOptions) {
    this.#o = {
      logger: silentLogger,
      pollMs: 500,
      leaseMs: 60_000,
      maxAttempts: 3,
      retryDelayMs: 10_000,
      progressIntervalMs: 500,
      ...options,
    }
  }

  /** Starts `concurrency` loops (after sweeping work directories older than a day). */
  start(concurrency: number): void {
    this.#stopping = false
    const swept = sweepWorkDirs(this.#o.workDir, this.#o.clock.now()).catch((error: unknown) => {
      this.#o.logger.warn({ err: error }, 'work directory sweep failed')
    })
    for (let i = 0; i < concurrency; i++) this.#loops.push(swept.then(() => this.#loop()))
  }

  /** Makes idle loops poll now (after a local FINALIZE queued a job). */
  wake(): void {
    for (const wake of this.#wakers) wake()
  }

  /** Stops polling, kills running ffmpeg processes, hands their jobs back and waits for the loops to end. */
  async stop(): Promise<void> {
    this.#stopping = true
    for (const controller of this.#running) controller.abort(new JobAbort('stopped'))
    this.wake()
    await Promise.all(this.#loops)
    this.#loops = []
  }

  /** Claims and runs one job; resolves false when none was claimable. */
  async runOnce(): Promise<boolean> {
    const job = await this.#o.store.claimJob(this.id, this.#o.clock.now(), this.#o.leaseMs)
    if (job === undefined) return false
    if (this.#stopping) {
      // Claimed while stopping: hand it straight back rather than start what `stop()` would kill.
      await this.#o.store.renewJobLease(job.id, this.id, this.#o.clock.now())
      return true
    }
    const controller = new AbortController()
    this.#running.add(controller)
    const renew = setInterval(() => this.#renew(job, controller), this.#o.leaseMs / 3)
    try {
      const holdLease = () => this.#holdLease(job)
      await runProcessingJob(job, { ...this.#o, workerId: this.id, signal: controller.signal, holdLease })
    } catch (error) {
      await this.#afterError(job, error, controller.signal).catch((cleanupError: unknown) => {
        this.#o.logger.error({ err: cleanupError, jobId: job.id }, 'could not hand a failed job back')
      })
    } finally {
      clearInterval(renew)
      this.#running.delete(controller)
    }
    return true
  }

  async #holdLease(job: JobRecord): Promise<void> {
    const held = await this.#o.store.renewJobLease(job.id, this.id, this.#o.clock.now() + this.#o.leaseMs)
    if (!held) throw new JobAbort('lease-lost')
  }

  #renew(job: JobRecord, controller: AbortController): void {
    this.#o.store.renewJobLease(job.id, this.id, this.#o.clock.now() + this.#o.leaseMs).then(
      (held) => {
        if (!held && !controller.signal.aborted) {
          this.#o.logger.warn({ jobId: job.id, mediaId: job.mediaId }, 'lost the lease of a running job')
          controller.abort(new JobAbort('lease-lost'))
        }
      },
      (error: unknown) => this.#o.logger.warn({ err: error, jobId: job.id }, 'lease renewal failed'),
    )
  }

  /** Hands a job back: at once when stopping, after `retryDelayMs` for our own failures, or fails it for good. */
  async #afterError(job: JobRecord, error: unknown, signal: AbortSignal): Promise<void> {
    const now = this.#o.clock.now()
    const log = { jobId: job.id, mediaId: job.mediaId, attempt: job.attempts }
    const interrupted = error instanceof JobAbort ? error : signal.aborted ? signal.reason : undefined
    if (interrupted !== undefined) {
      const why = interrupted instanceof JobAbort ? interrupted.why : 'aborted'
      this.#o.logger.info({ ...log, why }, 'processing job interrupted')
      if (why !== 'lease-lost') await this.#o.store.renewJobLease(job.id, this.id, now)
      return
    }
    this.#o.logger.error({ ...log, err: error }, 'processing job failed on our side')
    if (job.attempts < this.#o.maxAttempts) {
      const delayMs = Math.min(this.#o.retryDelayMs, this.#o.leaseMs)
      await this.#o.store.renewJobLease(job.id, this.id, now + delayMs)
      return
    }
    // Only the holder may fail the media: a worker that lost the job leaves it to the new holder.
    await this.#holdLease(job)
    await failJob(job, { ...this.#o, workerId: this.id }, String(error))
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
}
