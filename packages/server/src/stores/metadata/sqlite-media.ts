/**
 * The media rows of `SqliteMetadataStore` with their subtitle tracks: reading a media row together
 * with its tracks (aggregated into a `subtitles` JSON column, ordered by language code), inserting
 * both, and linking or unlinking one track. Linking is one upsert on the `(video_id, language_code)`
 * key, so it replaces only its own language and concurrent links of other languages all survive.
 */
import type { MediaRecord, SubtitleTrack } from '../metadata-store.js'
import { MEDIA_COLUMNS, mediaFromRow, mediaValues } from './sql-rows.js'
import type { SqliteStatements } from './sqlite-database.js'
import { normalizedTracks } from './subtitle-rules.js'

/** Selects media rows (alias `m`) with their subtitle tracks; append a `WHERE` on `m`. */
export const MEDIA_SELECT = `SELECT m.*, (
    SELECT json_group_array(
      json_object('languageCode', language_code, 'displayName', display_name, 'subtitleMediaId', subtitle_media_id)
      ORDER BY language_code
    ) FROM subtitles WHERE video_id = m.id
  ) AS subtitles
  FROM media m`

const MEDIA_INSERT = `INSERT INTO media (${MEDIA_COLUMNS.join(', ')}) VALUES (${MEDIA_COLUMNS.map(() => '?').join(', ')})
  ON CONFLICT DO NOTHING`

const TRACK_INSERT = `INSERT INTO subtitles (video_id, language_code, display_name, subtitle_media_id)
  VALUES (?, ?, ?, ?)`

// The SELECT needs its WHERE: SQLite parses `INSERT … SELECT … ON CONFLICT` only with one.
const TRACK_UPSERT = `INSERT INTO subtitles (video_id, language_code, display_name, subtitle_media_id)
  SELECT id, ?, ?, ? FROM media WHERE id = ?
  ON CONFLICT (video_id, language_code) DO UPDATE
    SET display_name = excluded.display_name, subtitle_media_id = excluded.subtitle_media_id`

/** better-sqlite3 binds no booleans; SQLite stores them as 0/1. */
const bindable = (values: unknown[]): unknown[] => values.map((v) => (typeof v === 'boolean' ? Number(v) : v))

/** Inserts a media row and its subtitle tracks in one transaction; false (nothing changed) when the id exists. */
export function insertMedia(sql: SqliteStatements, media: MediaRecord): boolean {
  return sql.immediate(() => {
    if (sql.run(MEDIA_INSERT, ...bindable(mediaValues(media))).changes !== 1) return false
    for (const track of normalizedTracks(media.subtitles)) {
      sql.run(TRACK_INSERT, media.id, track.languageCode, track.displayName, track.subtitleMediaId)
    }
    return true
  })
}

/** One media record with its subtitle tracks. */
export function getMedia(sql: SqliteStatements, id: string): MediaRecord | undefined {
  const row = sql.get(`${MEDIA_SELECT} WHERE m.id = ?`, id)
  return row && mediaFromRow(row)
}

/** Links `track` to the video, replacing the track of its language; false when the video does not exist. */
export function putSubtitle(sql: SqliteStatements, videoId: string, track: SubtitleTrack): boolean {
  const { languageCode, displayName, subtitleMediaId } = track
  return sql.run(TRACK_UPSERT, languageCode, displayName, subtitleMediaId, videoId).changes === 1
}

/** Unlinks the track of `languageCode`; false when there was none. */
export function deleteSubtitle(sql: SqliteStatements, videoId: string, languageCode: string): boolean {
  const sqlText = 'DELETE FROM subtitles WHERE video_id = ? AND language_code = ?'
  return sql.run(sqlText, videoId, languageCode).changes === 1
}
