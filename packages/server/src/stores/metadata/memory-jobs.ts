/**
 * The job queue of `MemoryMetadataStore`. No method awaits, so claims are atomic within the process.
 */
import type { JobRecord, NewJob } from '../metadata-store.js'

const clone = <T>(value: T): T => structuredClone(value)

/** Queued jobs held in memory. */
export class MemoryJobQueue {
  #jobs = new Map<string, JobRecord>()

  /** Queues a new job. */
  enqueue(job: NewJob): void {
    this.#jobs.set(job.id, newJobRecord(job))
  }

  /** Leases the next claimable job to `workerId`. */
  claim(workerId: string, nowMs: number, leaseMs: number): JobRecord | undefined {
    const claimable = [...this.#jobs.values()]
      .filter(
        (j) =>
          (j.state === 'queued' && j.runAtMs <= nowMs) || (j.state === 'running' && (j.leaseExpiresAtMs ?? 0) <= nowMs),
      )
      .sort((a, b) => a.runAtMs - b.runAtMs || a.createdAtMs - b.createdAtMs)
    const job = claimable[0]
    if (job === undefined) return undefined
    job.state = 'running'
    job.leaseOwner = workerId
    job.leaseExpiresAtMs = nowMs + leaseMs
    job.attempts += 1
    return clone(job)
  }

  /** Extends a lease `workerId` still holds. */
  renew(jobId: string, workerId: string, leaseUntilMs: number): boolean {
    const job = this.#jobs.get(jobId)
    if (job === undefined || job.state !== 'running' || job.leaseOwner !== workerId) return false
    job.leaseExpiresAtMs = leaseUntilMs
    return true
  }

  /** Ends a job `workerId` holds. */
  finish(jobId: string, workerId: string, outcome: 'done' | 'failed', error: string | null): boolean {
    const job = this.#jobs.get(jobId)
    if (job === undefined || job.state !== 'running' || job.leaseOwner !== workerId) return false
    job.state = outcome
    job.lastError = error
    job.leaseOwner = null
    job.leaseExpiresAtMs = null
    return true
  }

  /** Jobs of one media, oldest first. */
  list(mediaId: string): JobRecord[] {
    return clone(
      [...this.#jobs.values()].filter((j) => j.mediaId === mediaId).sort((a, b) => a.createdAtMs - b.createdAtMs),
    )
  }
}

/** Builds the stored form of a new job. */
function newJobRecord(job: NewJob): JobRecord {
  return {
    id: job.id,
    kind: job.kind,
    mediaId: job.mediaId,
    state: 'queued',
    attempts: 0,
    runAtMs: job.runAtMs,
    leaseOwner: null,
    leaseExpiresAtMs: null,
    createdAtMs: job.runAtMs,
    lastError: null,
  }
}
