/**
 * The media rows of `PostgresMetadataStore` with their subtitle tracks: reading a media row together
 * with its tracks (aggregated into a `subtitles` JSON column, ordered by language code under the
 * column's `COLLATE "C"`), inserting both, and linking or unlinking one track. Linking is one
 * `INSERT … ON CONFLICT DO UPDATE` on the `(video_id, language_code)` key, atomic on every node, so
 * it replaces only its own language and concurrent links of other languages all survive.
 */
import type { MediaRecord, SubtitleTrack } from '../metadata-store.js'
import type { PgQuery } from './postgres-pool.js'
import { MEDIA_COLUMNS, mediaFromRow, mediaValues } from './sql-rows.js'
import { normalizedTracks } from './subtitle-rules.js'

/** Selects media rows (alias `m`) with their subtitle tracks; append a `WHERE` on `m`. */
export const MEDIA_SELECT = `SELECT m.*, COALESCE((
    SELECT json_agg(
      json_build_object('languageCode', language_code, 'displayName', display_name, 'subtitleMediaId', subtitle_media_id)
      ORDER BY language_code
    )::text FROM subtitles WHERE video_id = m.id
  ), '[]') AS subtitles
  FROM media m`

const TRACKS = MEDIA_COLUMNS.length + 1

// One statement inserts the row and its tracks: the tracks insert only when the media insert did,
// and the foreign-key check runs at the end of the statement, when the media row is visible.
const MEDIA_INSERT = `WITH inserted AS (
    INSERT INTO media (${MEDIA_COLUMNS.join(', ')})
    VALUES (${MEDIA_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})
    ON CONFLICT DO NOTHING RETURNING id
  ), tracks AS (
    INSERT INTO subtitles (video_id, language_code, display_name, subtitle_media_id)
    SELECT inserted.id, t.language_code, t.display_name, t.subtitle_media_id
    FROM inserted, unnest($${TRACKS}::text[], $${TRACKS + 1}::text[], $${TRACKS + 2}::text[])
      AS t (language_code, display_name, subtitle_media_id)
  )
  SELECT id FROM inserted`

const TRACK_UPSERT = `INSERT INTO subtitles (video_id, language_code, display_name, subtitle_media_id)
  SELECT id, $2::text, $3::text, $4::text FROM media WHERE id = $1
  ON CONFLICT (video_id, language_code) DO UPDATE
    SET display_name = excluded.display_name, subtitle_media_id = excluded.subtitle_media_id
  RETURNING video_id`

/** Inserts a media row and its subtitle tracks; false (nothing changed) when the id exists. */
export async function insertMedia(query: PgQuery, media: MediaRecord): Promise<boolean> {
  const tracks = normalizedTracks(media.subtitles)
  const rows = await query(MEDIA_INSERT, [
    ...mediaValues(media),
    tracks.map((track) => track.languageCode),
    tracks.map((track) => track.displayName),
    tracks.map((track) => track.subtitleMediaId),
  ])
  return rows.length === 1
}

/** One media record with its subtitle tracks. */
export async function getMedia(query: PgQuery, id: string): Promise<MediaRecord | undefined> {
  const [row] = await query(`${MEDIA_SELECT} WHERE m.id = $1`, [id])
  return row && mediaFromRow(row)
}

/** Links `track` to the video, replacing the track of its language; false when the video does not exist. */
export async function putSubtitle(query: PgQuery, videoId: string, track: SubtitleTrack): Promise<boolean> {
  const rows = await query(TRACK_UPSERT, [videoId, track.languageCode, track.displayName, track.subtitleMediaId])
  return rows.length === 1
}

/** Unlinks the track of `languageCode`; false when there was none. */
export async function deleteSubtitle(query: PgQuery, videoId: string, languageCode: string): Promise<boolean> {
  const rows = await query('DELETE FROM subtitles WHERE video_id = $1 AND language_code = $2 RETURNING video_id', [
    videoId,
    languageCode,
  ])
  return rows.length === 1
}
