/**
 * Opening the SQLite metadata database: connection pragmas, versioned migrations, and translation
 * of lock timeouts into a retryable error.
 */
import Database from 'better-sqlite3'
import { ApiError } from '../../errors.js'
import type { Logger } from '../../logger.js'
import { LATEST_SCHEMA_VERSION, pendingMigrations, SCHEMA_MIGRATIONS_TABLE } from './migrations.js'

/** Opens the file with WAL, a busy timeout and foreign keys on, and applies pending migrations. */
export function openSqliteDatabase(path: string, busyTimeoutMs: number, logger: Logger): Database.Database {
  const db = new Database(path)
  try {
    // The busy timeout goes first: switching to WAL and migrating may wait for another process.
    db.pragma(`busy_timeout = ${Math.trunc(busyTimeoutMs)}`)
    db.pragma('journal_mode = WAL')
    // With WAL, NORMAL loses no integrity on power loss, only the last commits before it.
    db.pragma('synchronous = NORMAL')
    db.pragma('foreign_keys = ON')
    migrate(db, logger)
  } catch (error) {
    db.close()
    throw error
  }
  return db
}

/** Turns "database is locked" (another process held the write lock past the busy timeout) into a retryable error. */
export function translated<T>(fn: () => T): T {
  try {
    return fn()
  } catch (error) {
    const code = (error as { code?: unknown }).code
    if (typeof code === 'string' && code.startsWith('SQLITE_BUSY')) {
      throw new ApiError('SERVICE_UNAVAILABLE', { message: 'The metadata database is busy.', cause: error })
    }
    throw error
  }
}

/** Applies pending migrations in one immediate transaction, so concurrent openers apply each once. */
function migrate(db: Database.Database, logger: Logger): void {
  translated(() =>
    db
      .transaction(() => {
        db.exec(SCHEMA_MIGRATIONS_TABLE.sqlite)
        const rows = db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]
        const applied = new Set(rows.map((row) => row.version))
        const newest = Math.max(0, ...applied)
        if (newest > LATEST_SCHEMA_VERSION) {
          logger.warn({ newest, known: LATEST_SCHEMA_VERSION }, 'metadata schema is newer than this server')
        }
        for (const migration of pendingMigrations(applied)) {
          db.exec(migration.sqlite)
          db.prepare('INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES (?, ?, ?)').run(
            migration.version,
            migration.name,
            Date.now(),
          )
          logger.info({ version: migration.version, name: migration.name }, 'applied metadata migration')
        }
      })
      .immediate(),
  )
}
