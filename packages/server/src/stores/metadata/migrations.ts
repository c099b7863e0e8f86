/**
 * Versioned schema of the SQL metadata stores. Each migration carries the same change in the SQLite
 * and the PostgreSQL dialect; both backends record applied versions in `schema_migrations` and apply
 * the missing ones in order at `open`, inside one transaction (PostgreSQL also takes an advisory
 * lock, so nodes starting together do not race). Migrations are append-only: never edit a released
 * one, add the next version instead.
 *
 * Column names are identical in both dialects so `sql-rows.ts` maps rows of either. Times are
 * milliseconds since the epoch and byte counts are 64-bit integers; ids are text (19-digit
 * snowflakes do not fit a JS number). List-valued and structured fields are JSON text.
 */

/** One schema change, in both dialects. */
export interface Migration {
  /** Strictly increasing, starting at 1. */
  version: number
  /** Short description, stored alongside the version. */
  name: string
  /** The change as SQLite statements. */
  sqlite: string
  /** The change as PostgreSQL statements. */
  postgres: string
}

/** The bookkeeping table each backend creates before reading applied versions. */
export const SCHEMA_MIGRATIONS_TABLE = {
  sqlite: `CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at_ms INTEGER NOT NULL
  ) STRICT`,
  postgres: `CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at_ms BIGINT NOT NULL
  )`,
} as const

const MEDIA_STATES = `'uploading', 'pending', 'in_progress', 'succeeded', 'failed', 'expired'`
const JOB_STATES = `'queued', 'running', 'done', 'failed'`

/** Builds the initial schema in one dialect; only the integer, boolean and table-option spellings differ. */
function initialSchema(int: 'INTEGER' | 'BIGINT', bool: 'INTEGER' | 'BOOLEAN', tableOptions: string): string {
  return `
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  handle TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  created_at_ms ${int} NOT NULL
)${tableOptions};

CREATE TABLE tokens (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  scopes TEXT NOT NULL,
  created_at_ms ${int} NOT NULL,
  expires_at_ms ${int}
)${tableOptions};
CREATE INDEX tokens_user_id ON tokens (user_id);

CREATE TABLE media (
  id TEXT PRIMARY KEY,
  media_key TEXT NOT NULL,
  owner_id TEXT NOT NULL,
  declared_type TEXT NOT NULL,
  media_type TEXT,
  category TEXT,
  total_bytes ${int} NOT NULL,
  additional_owners TEXT NOT NULL,
  shared ${bool} NOT NULL,
  state TEXT NOT NULL CHECK (state IN (${MEDIA_STATES})),
  processing ${bool} NOT NULL,
  size_bytes ${int},
  image TEXT,
  progress_percent INTEGER,
  error TEXT,
  segments_version INTEGER NOT NULL,
  created_at_ms ${int} NOT NULL,
  finalized_at_ms ${int},
  expires_at_ms ${int} NOT NULL
)${tableOptions};
CREATE INDEX media_expiry ON media (expires_at_ms) WHERE state <> 'expired';

CREATE TABLE segments (
  media_id TEXT NOT NULL REFERENCES media (id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  size_bytes ${int} NOT NULL,
  blob_key TEXT NOT NULL,
  PRIMARY KEY (media_id, idx)
)${tableOptions};

CREATE TABLE jobs (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  media_id TEXT NOT NULL REFERENCES media (id) ON DELETE CASCADE,
  state TEXT NOT NULL CHECK (state IN (${JOB_STATES})),
  attempts INTEGER NOT NULL,
  run_at_ms ${int} NOT NULL,
  lease_owner TEXT,
  lease_expires_at_ms ${int},
  created_at_ms ${int} NOT NULL,
  last_error TEXT
)${tableOptions};
CREATE INDEX jobs_claimable ON jobs (run_at_ms) WHERE state IN ('queued', 'running');
CREATE INDEX jobs_media_id ON jobs (media_id, created_at_ms);
`
}

/**
 * Builds version 2 in one dialect: alt text, pinning and video facts on media, and posts with their
 * ordered media in a join table. The reaper's partial index is rebuilt to leave pinned media out.
 * Post ids sort numerically as `(length(id), id)`, which needs a byte-wise collation: PostgreSQL
 * spells it `COLLATE "C"`, SQLite's default is already binary.
 */
function postsSchema(dialect: 'sqlite' | 'postgres'): string {
  const sqlite = dialect === 'sqlite'
  const int = sqlite ? 'INTEGER' : 'BIGINT'
  const tableOptions = sqlite ? ' STRICT' : ''
  const addColumns = sqlite
    ? `ALTER TABLE media ADD COLUMN alt_text TEXT;
ALTER TABLE media ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;
ALTER TABLE media ADD COLUMN video TEXT;`
    : `ALTER TABLE media ADD COLUMN alt_text TEXT, ADD COLUMN pinned BOOLEAN NOT NULL DEFAULT false,
  ADD COLUMN video TEXT;`
  return `
${addColumns}
DROP INDEX media_expiry;
CREATE INDEX media_reapable ON media (expires_at_ms) WHERE state <> 'expired' AND ${sqlite ? 'pinned = 0' : 'NOT pinned'};

CREATE TABLE tweets (
  id TEXT${sqlite ? '' : ' COLLATE "C"'} PRIMARY KEY,
  author_id TEXT NOT NULL,
  text TEXT NOT NULL,
  tagged_user_ids TEXT NOT NULL,
  created_at_ms ${int} NOT NULL
)${tableOptions};
CREATE INDEX tweets_author_newest ON tweets (author_id, length(id), id);

CREATE TABLE tweet_media (
  tweet_id TEXT${sqlite ? '' : ' COLLATE "C"'} NOT NULL REFERENCES tweets (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  media_id TEXT NOT NULL REFERENCES media (id),
  PRIMARY KEY (tweet_id, position)
)${tableOptions};
`
}

/** Every migration, oldest first. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sqlite: initialSchema('INTEGER', 'INTEGER', ' STRICT'),
    postgres: initialSchema('BIGINT', 'BOOLEAN', ''),
  },
  {
    version: 2,
    name: 'posts, pinned media, alt text and video facts',
    sqlite: postsSchema('sqlite'),
    postgres: postsSchema('postgres'),
  },
]

/** Migrations not yet applied, in order; throws when the list itself is out of order. */
export function pendingMigrations(applied: ReadonlySet<number>): Migration[] {
  MIGRATIONS.forEach((migration, i) => {
    if (migration.version !== i + 1) throw new Error(`migration ${migration.name} has version ${migration.version}`)
  })
  return MIGRATIONS.filter((migration) => !applied.has(migration.version))
}

/** The newest schema version this code knows. */
export const LATEST_SCHEMA_VERSION = MIGRATIONS.length
