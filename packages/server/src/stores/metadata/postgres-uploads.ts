/**
 * The upload transactions of `PostgresMetadataStore`: APPEND (`putSegment`), FINALIZE, processing
 * updates, releasing segments, and expiry. Each transaction runs inside the caller's and first locks
 * the media row (`SELECT … FOR UPDATE`, or an `UPDATE` that takes the same lock), so concurrent
 * APPENDs, FINALIZE, release and expiry of one upload serialise on that row on every node.
 */
import type { FinalizeChange, NewJob, ProcessingChange, PutSegmentResult, SegmentRecord } from '../metadata-store.js'
import { insertJob } from './postgres-jobs.js'
import type { PgQuery } from './postgres-pool.js'
import { assertAcceptsSegments, assertWithinLimit, replacedKey } from './segment-rules.js'

const SEGMENT_TOTALS = `SELECT COALESCE(SUM(size_bytes) FILTER (WHERE idx <> $2), 0) AS others,
    MAX(blob_key) FILTER (WHERE idx = $2) AS replaced
  FROM segments WHERE media_id = $1`

/** Records a segment after checking the upload's state and byte limit; bumps `segments_version`. Call inside a transaction. */
export async function putSegment(
  query: PgQuery,
  mediaId: string,
  segment: SegmentRecord,
  maxTotalBytes: number,
): Promise<PutSegmentResult> {
  const [media] = await query('SELECT state, category FROM media WHERE id = $1 FOR UPDATE', [mediaId])
  assertAcceptsSegments(mediaId, media)
  const [totals] = await query(SEGMENT_TOTALS, [mediaId, segment.index])
  assertWithinLimit(media, Number(totals?.others ?? 0), segment.sizeBytes, maxTotalBytes)
  await query(
    `INSERT INTO segments (media_id, idx, size_bytes, blob_key) VALUES ($1, $2, $3, $4)
     ON CONFLICT (media_id, idx) DO UPDATE SET size_bytes = excluded.size_bytes, blob_key = excluded.blob_key`,
    [mediaId, segment.index, segment.sizeBytes, segment.blobKey],
  )
  await query('UPDATE media SET segments_version = segments_version + 1 WHERE id = $1', [mediaId])
  return { replacedBlobKey: replacedKey(totals?.replaced) }
}

/** Applies FINALIZE if the upload is at `expectedVersion`, queueing `job` too. Call inside a transaction. */
export async function finalizeMedia(
  query: PgQuery,
  id: string,
  expectedVersion: number,
  change: FinalizeChange,
  job: NewJob | null,
): Promise<boolean> {
  // The UPDATE waits for a concurrent putSegment's row lock, then re-checks the version against
  // the committed row, so a segment that lands first makes this finalize fail.
  const updated = await query(
    `UPDATE media SET state = $3, processing = $4, media_type = $5, size_bytes = $6, image = $7,
       finalized_at_ms = $8, expires_at_ms = $9, files = $10
     WHERE id = $1 AND state = 'uploading' AND segments_version = $2 RETURNING id`,
    [
      id,
      expectedVersion,
      change.state,
      change.processing,
      change.mediaType,
      change.sizeBytes,
      change.image === null ? null : JSON.stringify(change.image),
      change.finalizedAtMs,
      change.expiresAtMs,
      JSON.stringify(change.files),
    ],
  )
  if (updated.length !== 1) return false
  if (job !== null) await insertJob(query, job, change.finalizedAtMs)
  return true
}

/** Records processing progress of media still `pending` or `in_progress`; omitted facts and files are kept. */
export async function updateProcessing(query: PgQuery, id: string, change: ProcessingChange): Promise<boolean> {
  const rows = await query(
    `UPDATE media SET state = $2, progress_percent = $3, error = $4,
       expires_at_ms = COALESCE($5::bigint, expires_at_ms), video = COALESCE($6::text, video),
       files = COALESCE($7::text, files)
     WHERE id = $1 AND state IN ('pending', 'in_progress') RETURNING id`,
    [
      id,
      change.state,
      change.progressPercent,
      change.error === null ? null : JSON.stringify(change.error),
      change.expiresAtMs ?? null,
      change.video === undefined ? null : JSON.stringify(change.video),
      change.files === undefined ? null : JSON.stringify(change.files),
    ],
  )
  return rows.length === 1
}

/** Deletes the segment rows of media whose processing ended and resolves to their blob keys; [] otherwise. Call inside a transaction. */
export async function releaseSegments(query: PgQuery, mediaId: string): Promise<string[]> {
  const [media] = await query('SELECT state FROM media WHERE id = $1 FOR UPDATE', [mediaId])
  return media?.state === 'succeeded' || media?.state === 'failed' ? takeSegmentKeys(query, mediaId) : []
}

/** Marks expirable media `expired`, deletes its segment rows and resolves to their blob keys; null when not expirable. Call inside a transaction. */
export async function expireMedia(query: PgQuery, id: string, nowMs: number): Promise<string[] | null> {
  const updated = await query(
    `UPDATE media SET state = 'expired'
     WHERE id = $1 AND state <> 'expired' AND NOT pinned AND expires_at_ms <= $2 RETURNING id`,
    [id, nowMs],
  )
  return updated.length === 1 ? takeSegmentKeys(query, id) : null
}

/** Deletes the segment rows of an upload and resolves to their blob keys in index order. */
async function takeSegmentKeys(query: PgQuery, mediaId: string): Promise<string[]> {
  const deleted = await query('DELETE FROM segments WHERE media_id = $1 RETURNING idx, blob_key', [mediaId])
  return deleted.sort((a, b) => Number(a.idx) - Number(b.idx)).map((row) => String(row.blob_key))
}
