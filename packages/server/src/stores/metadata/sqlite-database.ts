/**
 * Opening the SQLite metadata database: connection pragmas, versioned migrations, a prepared-statement
 * cache, and translation of lock timeouts into a retryable error.
 */
import Database from 'better-sqlite3'
import { ApiError } from '../../errors.js'
import type { Logger } from '../../logger.js'
import { LATEST_SCHEMA_VERSION, pendingMigrations, SCHEMA_MIGRATIONS_TABLE } from './migrations.js'
import type { SqlRow } from './sql-rows.js'

/** Opens the file with WAL, a busy timeout and foreign keys on, and applies pending migrations. */
export function openSqliteDatabase(path: string, busyTimeoutMs: number, logger: Logger): Database.Database {
  const db = new Database(path)
  try {
    // The busy timeout goes first: switching to WAL and migrating may wait for another process.
    db.pragma(`busy_timeout = ${Math.trunc(busyTimeoutMs)}`)
    db.pragma('journal_mode = WAL')
    // FULL: an acknowledged APPEND (its segment row) survives a power loss, as its fsynced bytes do.
    db.pragma('synchronous = FULL')
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

/** Prepared-statement cache and transactions over one connection, with lock timeouts translated. */
export class SqliteStatements {
  readonly #db: Database.Database
  readonly #statements = new Map<string, Database.Statement>()

  constructor(db: Database.Database) {
    this.#db = db
  }

  /** Runs a statement that returns no rows. */
  run(sql: string, ...params: unknown[]): Database.RunResult {
    return translated(() => this.#statement(sql).run(...params))
  }

  /** Resolves the first row of a query, if any. */
  get(sql: string, ...params: unknown[]): SqlRow | undefined {
    return translated(() => this.#statement(sql).get(...params) as SqlRow | undefined)
  }

  /** Every row of a query. */
  all(sql: string, ...params: unknown[]): SqlRow[] {
    return translated(() => this.#statement(sql).all(...params) as SqlRow[])
  }

  /** Runs `fn` in a `BEGIN IMMEDIATE` transaction (the write lock is taken before any read); rolled back when it throws. */
  immediate<T>(fn: () => T): T {
    return translated(() => this.#db.transaction(fn).immediate())
  }

  /**
   * `immediate`, but its commit is not fsynced (`synchronous = NORMAL` for this one transaction):
   * for rows a power cut may lose, like rate-limit counters. In WAL mode the commit is still atomic
   * and is made durable by the next FULL commit; each request no longer blocks the event loop on an
   * fsync just to count itself.
   */
  relaxed<T>(fn: () => T): T {
    this.#db.pragma('synchronous = NORMAL')
    try {
      return this.immediate(fn)
    } finally {
      this.#db.pragma('synchronous = FULL')
    }
  }

  #statement(sql: string): Database.Statement {
    let statement = this.#statements.get(sql)
    if (statement === undefined) {
      statement = this.#db.prepare(sql)
      this.#statements.set(sql, statement)
    }
    return statement
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
