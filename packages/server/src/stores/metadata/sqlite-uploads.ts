/**
 * The upload transactions of `SqliteMetadataStore`: APPEND (`putSegment`), FINALIZE, processing
 * updates, releasing segments, and expiry. Each read-check-write runs in a `BEGIN IMMEDIATE`
 * transaction, which takes the database's write lock before its first read, so its checks still
 * hold when it writes, even with another process on the same file; the rest are single statements.
 */
import type { FinalizeChange, NewJob, ProcessingChange, PutSegmentResult, SegmentRecord } from '../metadata-store.js'
import { assertAcceptsSegments, assertWithinLimit, replacedKey } from './segment-rules.js'
import type { SqliteStatements } from './sqlite-database.js'

const SEGMENT_TOTALS = `SELECT COALESCE(SUM(size_bytes) FILTER (WHERE idx <> ?), 0) AS others,
    MAX(blob_key) FILTER (WHERE idx = ?) AS replaced
  FROM segments WHERE media_id = ?`

/** Records a segment after checking the upload's state and byte limit; bumps `segments_version`. */
export function putSegment(
  sql: SqliteStatements,
  mediaId: string,
  segment: SegmentRecord,
  maxTotalBytes: number,
): PutSegmentResult {
  return sql.immediate(() => {
    const media = sql.get('SELECT state, category FROM media WHERE id = ?', mediaId)
    assertAcceptsSegments(mediaId, media)
    const totals = sql.get(SEGMENT_TOTALS, segment.index, segment.index, mediaId)
    assertWithinLimit(media, Number(totals?.others ?? 0), segment.sizeBytes, maxTotalBytes)
    sql.run(
      `INSERT INTO segments (media_id, idx, size_bytes, blob_key) VALUES (?, ?, ?, ?)
       ON CONFLICT (media_id, idx) DO UPDATE SET size_bytes = excluded.size_bytes, blob_key = excluded.blob_key`,
      mediaId,
      segment.index,
      segment.sizeBytes,
      segment.blobKey,
    )
    sql.run('UPDATE media SET segments_version = segments_version + 1 WHERE id = ?', mediaId)
    return { replacedBlobKey: replacedKey(totals?.replaced) }
  })
}

/** Applies FINALIZE if the upload is at `expectedVersion`, queueing `job` in the same transaction. */
export function finalizeMedia(
  sql: SqliteStatements,
  id: string,
  expectedVersion: number,
  change: FinalizeChange,
  job: NewJob | null,
): boolean {
  return sql.immediate(() => {
    const updated = sql.run(
      `UPDATE media SET state = ?, processing = ?, media_type = ?, size_bytes = ?, image = ?, files = ?,
         finalized_at_ms = ?, expires_at_ms = ?
       WHERE id = ? AND state = 'uploading' AND segments_version = ?`,
      change.state,
      Number(change.processing),
      change.mediaType,
      change.sizeBytes,
      change.image === null ? null : JSON.stringify(change.image),
      JSON.stringify(change.files),
      change.finalizedAtMs,
      change.expiresAtMs,
      id,
      expectedVersion,
    )
    if (updated.changes !== 1) return false
    if (job !== null) {
      sql.run(
        `INSERT INTO jobs (id, kind, media_id, state, attempts, run_at_ms, created_at_ms)
         VALUES (?, ?, ?, 'queued', 0, ?, ?)`,
        job.id,
        job.kind,
        job.mediaId,
        job.runAtMs,
        change.finalizedAtMs,
      )
    }
    return true
  })
}

/** Records processing progress of media still `pending` or `in_progress`; omitted facts and files are kept. */
export function updateProcessing(sql: SqliteStatements, id: string, change: ProcessingChange): boolean {
  const updated = sql.run(
    `UPDATE media SET state = ?, progress_percent = ?, error = ?, expires_at_ms = COALESCE(?, expires_at_ms),
       video = COALESCE(?, video), files = COALESCE(?, files)
     WHERE id = ? AND state IN ('pending', 'in_progress')`,
    change.state,
    change.progressPercent,
    change.error === null ? null : JSON.stringify(change.error),
    change.expiresAtMs ?? null,
    change.video === undefined ? null : JSON.stringify(change.video),
    change.files === undefined ? null : JSON.stringify(change.files),
    id,
  )
  return updated.changes === 1
}

/** Deletes the segment rows of media whose processing ended and resolves to their blob keys; [] otherwise. */
export function releaseSegments(sql: SqliteStatements, mediaId: string): string[] {
  return sql.immediate(() => {
    const media = sql.get(`SELECT 1 FROM media WHERE id = ? AND state IN ('succeeded', 'failed')`, mediaId)
    return media === undefined ? [] : takeSegmentKeys(sql, mediaId)
  })
}

/** Marks expirable media `expired`, deletes its segment rows and resolves to their blob keys; null when not expirable. */
export function expireMedia(sql: SqliteStatements, id: string, nowMs: number): string[] | null {
  return sql.immediate(() => {
    const updated = sql.run(
      `UPDATE media SET state = 'expired' WHERE id = ? AND state <> 'expired' AND pinned = 0 AND expires_at_ms <= ?`,
      id,
      nowMs,
    )
    return updated.changes === 1 ? takeSegmentKeys(sql, id) : null
  })
}

/** Deletes the segment rows of an upload and returns their blob keys in index order. Call inside a transaction. */
function takeSegmentKeys(sql: SqliteStatements, mediaId: string): string[] {
  const keys = sql.all('SELECT blob_key FROM segments WHERE media_id = ? ORDER BY idx', mediaId)
  sql.run('DELETE FROM segments WHERE media_id = ?', mediaId)
  return keys.map((row) => String(row.blob_key))
}
