/**
 * The PostgreSQL connection pool of the metadata store: opening it (with versioned migrations under
 * an advisory lock), one-statement queries, transactions, and translation of connection failures
 * into a retryable `SERVICE_UNAVAILABLE`.
 */
import pg from 'pg'
import { ApiError } from '../../errors.js'
import { type Logger, silentLogger } from '../../logger.js'
import { LATEST_SCHEMA_VERSION, pendingMigrations, SCHEMA_MIGRATIONS_TABLE } from './migrations.js'
import type { SqlRow } from './sql-rows.js'

/** Options of a metadata connection pool. */
export interface PostgresPoolOptions {
  /** Connection string, `postgres://user@host:port/database`. */
  url: string
  /** Defaults to a no-op logger. */
  logger?: Logger
  /** Most connections the pool opens; default 10. */
  poolSize?: number
  /** How long to wait for a connection, in ms; default 10000. */
  connectTimeoutMs?: number
}

/** Runs one statement and resolves to its rows, with connection failures translated. */
export type PgQuery = (sql: string, params: unknown[]) => Promise<SqlRow[]>

/** Any constant works; it only has to be the same on every node. */
const MIGRATION_LOCK_KEY = 0x62697264

/** Connects to `url` and applies pending migrations; the pool is closed again if that fails. */
export async function openPostgresPool(options: PostgresPoolOptions): Promise<pg.Pool> {
  const logger = options.logger ?? silentLogger
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
  })
  // An idle connection that dies (server restart) emits here; unhandled, it would crash the process.
  pool.on('error', (error) => logger.warn({ err: error }, 'idle PostgreSQL connection failed'))
  try {
    await migrate(pool, logger)
  } catch (error) {
    await pool.end()
    throw error
  }
  return pool
}

/** Runs one statement on `client`, translating connection failures. */
export async function runQuery(client: pg.Pool | pg.PoolClient, sql: string, params: unknown[]): Promise<SqlRow[]> {
  try {
    return (await client.query(sql, params)).rows
  } catch (error) {
    throw translated(error)
  }
}

/** Runs `fn` between BEGIN and COMMIT on one pooled connection; a failed ROLLBACK discards the connection. */
export async function inTransaction<T>(pool: pg.Pool, fn: (query: PgQuery) => Promise<T>): Promise<T> {
  let client: pg.PoolClient
  try {
    client = await pool.connect()
  } catch (error) {
    throw translated(error)
  }
  let broken: Error | undefined
  try {
    await runQuery(client, 'BEGIN', [])
    const result = await fn((sql, params) => runQuery(client, sql, params))
    await runQuery(client, 'COMMIT', [])
    return result
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: Error) => {
      broken = rollbackError
    })
    throw error
  } finally {
    client.release(broken)
  }
}

/** SQLSTATE classes and socket codes that mean "the database is unreachable right now". */
const UNAVAILABLE = /^(08|57P0[123]|53300|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EPIPE)/

/** Turns a connection failure into a retryable `SERVICE_UNAVAILABLE`; other errors pass through. */
function translated(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code === 'string' && UNAVAILABLE.test(code)) {
    return new ApiError('SERVICE_UNAVAILABLE', { message: 'The metadata database is unavailable.', cause: error })
  }
  return error
}

/** Applies pending migrations in one transaction under an advisory lock, so concurrent nodes apply each once. */
async function migrate(pool: pg.Pool, logger: Logger): Promise<void> {
  await inTransaction(pool, async (query) => {
    await query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY])
    await query(SCHEMA_MIGRATIONS_TABLE.postgres, [])
    const rows = await query('SELECT version FROM schema_migrations', [])
    const applied = new Set(rows.map((row) => Number(row.version)))
    const newest = Math.max(0, ...applied)
    if (newest > LATEST_SCHEMA_VERSION) {
      logger.warn({ newest, known: LATEST_SCHEMA_VERSION }, 'metadata schema is newer than this server')
    }
    for (const migration of pendingMigrations(applied)) {
      await query(migration.postgres, [])
      await query('INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        Date.now(),
      ])
      logger.info({ version: migration.version, name: migration.name }, 'applied metadata migration')
    }
  })
}
