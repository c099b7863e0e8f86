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
import { filesSchema } from './migration-4-files.js'

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

const AUTH_TABLES = `
CREATE TABLE passwords (
  user_id TEXT PRIMARY KEY,
  password_hash TEXT NOT NULL
)$OPTIONS;

CREATE TABLE apps (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  owner_id TEXT NOT NULL,
  client_id TEXT NOT NULL UNIQUE,
  client_secret_hash TEXT,
  redirect_uris TEXT NOT NULL,
  permission TEXT NOT NULL CHECK (permission IN ('read', 'read-write')),
  consumer_key TEXT NOT NULL UNIQUE,
  consumer_secret_sealed TEXT NOT NULL,
  created_at_ms $INT NOT NULL
)$OPTIONS;

CREATE TABLE authorization_codes (
  code_hash TEXT PRIMARY KEY,
  app_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  redirect_uri TEXT NOT NULL,
  scopes TEXT NOT NULL,
  code_challenge TEXT NOT NULL,
  code_challenge_method TEXT NOT NULL CHECK (code_challenge_method IN ('S256', 'plain')),
  family_id TEXT NOT NULL,
  created_at_ms $INT NOT NULL,
  expires_at_ms $INT NOT NULL,
  used_at_ms $INT
)$OPTIONS;

CREATE TABLE refresh_tokens (
  token_hash TEXT PRIMARY KEY,
  family_id TEXT NOT NULL,
  app_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  scopes TEXT NOT NULL,
  created_at_ms $INT NOT NULL,
  rotated_at_ms $INT,
  revoked_at_ms $INT
)$OPTIONS;
CREATE INDEX refresh_tokens_family_id ON refresh_tokens (family_id);

CREATE TABLE oauth1_tokens (
  token TEXT PRIMARY KEY,
  secret_sealed TEXT NOT NULL,
  user_id TEXT NOT NULL,
  app_id TEXT NOT NULL,
  created_at_ms $INT NOT NULL,
  revoked_at_ms $INT
)$OPTIONS;

CREATE TABLE nonces (
  consumer_key TEXT NOT NULL,
  nonce TEXT NOT NULL,
  timestamp_secs $INT NOT NULL,
  expires_at_ms $INT NOT NULL,
  PRIMARY KEY (consumer_key, nonce, timestamp_secs)
)$OPTIONS;
CREATE INDEX nonces_expiry ON nonces (expires_at_ms);

CREATE TABLE counters (
  key TEXT PRIMARY KEY,
  value $INT NOT NULL,
  window_ends_at_ms $INT NOT NULL
)$OPTIONS;
CREATE INDEX counters_window_end ON counters (window_ends_at_ms);
`

/**
 * Builds version 3 in one dialect: the `AuthStore` tables. `tokens` gains a kind, an app, a grant
 * family and a revocation time, and its `user_id` becomes nullable (app-only tokens); existing rows
 * become user tokens with no app or family. SQLite cannot drop a NOT NULL, so it rebuilds the table
 * (copy, drop, rename) inside the migration's transaction; PostgreSQL alters it in place.
 */
function authSchema(dialect: 'sqlite' | 'postgres'): string {
  const sqlite = dialect === 'sqlite'
  const tokens = sqlite
    ? `CREATE TABLE tokens_v3 (
  token_hash TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('user', 'app')),
  user_id TEXT,
  app_id TEXT,
  scopes TEXT NOT NULL,
  family_id TEXT,
  created_at_ms INTEGER NOT NULL,
  expires_at_ms INTEGER,
  revoked_at_ms INTEGER
) STRICT;
INSERT INTO tokens_v3 (token_hash, kind, user_id, app_id, scopes, family_id, created_at_ms, expires_at_ms, revoked_at_ms)
  SELECT token_hash, 'user', user_id, NULL, scopes, NULL, created_at_ms, expires_at_ms, NULL FROM tokens;
DROP TABLE tokens;
ALTER TABLE tokens_v3 RENAME TO tokens;
CREATE INDEX tokens_user_id ON tokens (user_id);`
    : `ALTER TABLE tokens ALTER COLUMN user_id DROP NOT NULL,
  ADD COLUMN kind TEXT NOT NULL DEFAULT 'user' CHECK (kind IN ('user', 'app')),
  ADD COLUMN app_id TEXT, ADD COLUMN family_id TEXT, ADD COLUMN revoked_at_ms BIGINT;
ALTER TABLE tokens ALTER COLUMN kind DROP DEFAULT;`
  return `
${tokens}
CREATE INDEX tokens_family_id ON tokens (family_id) WHERE family_id IS NOT NULL;
${AUTH_TABLES.replaceAll('$INT', sqlite ? 'INTEGER' : 'BIGINT').replaceAll('$OPTIONS', sqlite ? ' STRICT' : '')}`
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
  {
    version: 3,
    name: 'auth: apps, passwords, codes, refresh and OAuth 1.0a tokens, nonces, counters',
    sqlite: authSchema('sqlite'),
    postgres: authSchema('postgres'),
  },
  {
    version: 4,
    name: 'processed media files and subtitle tracks',
    sqlite: filesSchema('sqlite'),
    postgres: filesSchema('postgres'),
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
