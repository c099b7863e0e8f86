/**
 * Schema version 4 of the SQL metadata stores (listed in `migrations.ts`): the files processing
 * produced, as JSON text on `media` (existing rows get none), and subtitle tracks in their own table
 * keyed by video and language. A table rather than a JSON column makes linking one language a
 * single-row upsert, so concurrent links of different languages never overwrite each other.
 * Language codes order byte-wise (`COLLATE "C"` in PostgreSQL, SQLite's default binary collation),
 * the order the memory store uses.
 */

/** Builds version 4 in one dialect; only the collation and table-option spellings differ. */
export function filesSchema(dialect: 'sqlite' | 'postgres'): string {
  const sqlite = dialect === 'sqlite'
  return `
ALTER TABLE media ADD COLUMN files TEXT NOT NULL DEFAULT '[]';

CREATE TABLE subtitles (
  video_id TEXT NOT NULL REFERENCES media (id) ON DELETE CASCADE,
  language_code TEXT${sqlite ? '' : ' COLLATE "C"'} NOT NULL,
  display_name TEXT NOT NULL,
  subtitle_media_id TEXT NOT NULL,
  PRIMARY KEY (video_id, language_code)
)${sqlite ? ' STRICT' : ''};
`
}
