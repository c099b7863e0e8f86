/**
 * Throwaway PostgreSQL databases for tests: each test run creates `birdhouse_test_<random>` on the
 * server already running locally (or at `DATABASE_URL`), empties its tables between tests, and drops
 * it at the end. Conformance and e2e tests share it.
 */
import { randomBytes } from 'node:crypto'
import pg from 'pg'

/** The admin connection used to create and drop test databases: `DATABASE_URL`, else local trust auth. */
export function adminDatabaseUrl(): string {
  return process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
}

/** A database that exists for one test run. */
export interface TestDatabase {
  /** Database name, `birdhouse_test_<random>`. */
  name: string
  /** Connection string of the database. */
  url: string
  /** Empties every table except `schema_migrations`, keeping the schema. */
  truncate(): Promise<void>
  /** Drops the database, closing whatever connections remain. */
  drop(): Promise<void>
}

/** Resolves to why PostgreSQL cannot be used at `adminUrl`, or undefined when it can. */
export async function postgresUnavailableReason(adminUrl = adminDatabaseUrl()): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 })
  try {
    await client.connect()
    await client.query('SELECT 1')
    return undefined
  } catch (error) {
    return `PostgreSQL at ${redact(adminUrl)} is unreachable: ${(error as Error).message}`
  } finally {
    await client.end().catch(() => {})
  }
}

/** Creates an empty database named `birdhouse_test_<random>` through `adminUrl`. */
export async function createTestDatabase(adminUrl = adminDatabaseUrl()): Promise<TestDatabase> {
  const name = `birdhouse_test_${randomBytes(6).toString('hex')}`
  await withClient(adminUrl, (client) => client.query(`CREATE DATABASE ${name}`))
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return {
    name,
    url: url.toString(),
    truncate: () => truncateTables(url.toString()),
    drop: async () => {
      await withClient(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))
    },
  }
}

async function truncateTables(url: string): Promise<void> {
  await withClient(url, async (client) => {
    const { rows } = await client.query<{ tablename: string }>(
      `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'schema_migrations'`,
    )
    if (rows.length === 0) return
    const tables = rows.map((row) => `"${row.tablename}"`).join(', ')
    await client.query(`TRUNCATE ${tables} RESTART IDENTITY CASCADE`)
  })
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}

function redact(url: string): string {
  const parsed = new URL(url)
  if (parsed.password !== '') parsed.password = '***'
  return parsed.toString()
}
