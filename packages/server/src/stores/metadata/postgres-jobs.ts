/**
 * The job-queue queries of `PostgresMetadataStore`. Each is one statement, so it is atomic without
 * an explicit transaction. `claimJob` picks its row with `FOR UPDATE SKIP LOCKED`: concurrent
 * claimers on any number of nodes skip a row another one is leasing instead of waiting for it, and
 * the row's conditions are re-checked after the lock, so no job is handed out twice.
 */
import type { JobRecord, NewJob } from '../metadata-store.js'
import type { PgQuery } from './postgres-pool.js'
import { jobFromRow } from './sql-rows.js'

const CLAIM_JOB = `WITH next AS (
    SELECT id FROM jobs
    WHERE (state = 'queued' AND run_at_ms <= $2) OR (state = 'running' AND lease_expires_at_ms <= $2)
    ORDER BY run_at_ms, created_at_ms, id
    LIMIT 1
    FOR UPDATE SKIP LOCKED
  )
  UPDATE jobs SET state = 'running', lease_owner = $1, lease_expires_at_ms = $3, attempts = jobs.attempts + 1
  FROM next WHERE jobs.id = next.id
  RETURNING jobs.*`

/** Queues a job created at `createdAtMs`. */
export async function insertJob(query: PgQuery, job: NewJob, createdAtMs: number): Promise<void> {
  await query(
    `INSERT INTO jobs (id, kind, media_id, state, attempts, run_at_ms, created_at_ms)
     VALUES ($1, $2, $3, 'queued', 0, $4, $5)`,
    [job.id, job.kind, job.mediaId, job.runAtMs, createdAtMs],
  )
}

/** Leases the next claimable job to `workerId`. */
export async function claimJob(
  query: PgQuery,
  workerId: string,
  nowMs: number,
  leaseMs: number,
): Promise<JobRecord | undefined> {
  const [row] = await query(CLAIM_JOB, [workerId, nowMs, nowMs + leaseMs])
  return row && jobFromRow(row)
}

/** Extends a lease `workerId` still holds. */
export async function renewJobLease(
  query: PgQuery,
  jobId: string,
  workerId: string,
  leaseUntilMs: number,
): Promise<boolean> {
  const rows = await query(
    `UPDATE jobs SET lease_expires_at_ms = $3 WHERE id = $1 AND state = 'running' AND lease_owner = $2 RETURNING id`,
    [jobId, workerId, leaseUntilMs],
  )
  return rows.length === 1
}

/** Ends a job `workerId` holds. */
export async function finishJob(
  query: PgQuery,
  jobId: string,
  workerId: string,
  outcome: 'done' | 'failed',
  error: string | null,
): Promise<boolean> {
  const rows = await query(
    `UPDATE jobs SET state = $3, last_error = $4, lease_owner = NULL, lease_expires_at_ms = NULL
     WHERE id = $1 AND state = 'running' AND lease_owner = $2 RETURNING id`,
    [jobId, workerId, outcome, error],
  )
  return rows.length === 1
}

/** Jobs of one media, oldest first. */
export async function listJobs(query: PgQuery, mediaId: string): Promise<JobRecord[]> {
  const rows = await query('SELECT * FROM jobs WHERE media_id = $1 ORDER BY created_at_ms, id', [mediaId])
  return rows.map(jobFromRow)
}
