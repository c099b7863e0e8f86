import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { newMedia } from '../conformance/metadata-fixtures.js'
import { describeMetadataStore } from '../conformance/metadata-store.suite.js'
import { MIGRATIONS } from './migrations.js'
import { PostgresMetadataStore } from './postgres.js'
import { createTestDatabase, postgresUnavailableReason, type TestDatabase } from './postgres-test-db.js'
import { version1MediaInsert, version1MediaValues } from './version-1-media.js'

const unavailable = await postgresUnavailableReason()
if (unavailable !== undefined && process.env.CI) throw new Error(`${unavailable} (required in CI)`)

if (unavailable === undefined) {
  let database: TestDatabase
  beforeAll(async () => {
    database = await createTestDatabase()
  })
  afterAll(() => database?.drop())

  describeMetadataStore('PostgresMetadataStore', async () => {
    await database.truncate()
    return PostgresMetadataStore.open({ url: database.url })
  })

  describe('PostgresMetadataStore migrations', () => {
    it('applies each migration once when several nodes start together', async () => {
      const fresh = await createTestDatabase()
      try {
        const nodes = await Promise.all([1, 2, 3, 4].map(() => PostgresMetadataStore.open({ url: fresh.url })))
        await Promise.all(nodes.map((node) => node.close()))
        const client = new pg.Client({ connectionString: fresh.url })
        await client.connect()
        const { rows } = await client.query('SELECT version FROM schema_migrations ORDER BY version')
        await client.end()
        expect(rows.map((row) => row.version)).toEqual(MIGRATIONS.map((migration) => migration.version))
      } finally {
        await fresh.drop()
      }
    })

    it('upgrades a version-1 database, leaving its media unpinned with no alt text or video facts', async () => {
      const fresh = await createTestDatabase()
      try {
        const media = newMedia()
        const client = new pg.Client({ connectionString: fresh.url })
        await client.connect()
        await client.query(MIGRATIONS[0]?.postgres ?? '')
        await client.query(
          'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at_ms BIGINT NOT NULL)',
        )
        await client.query(`INSERT INTO schema_migrations VALUES (1, 'initial schema', 0)`)
        await client.query(
          version1MediaInsert((i) => `$${i}`),
          version1MediaValues(media),
        )
        await client.end()
        const store = await PostgresMetadataStore.open({ url: fresh.url })
        expect(await store.getMedia(media.id)).toEqual(media)
        expect(await store.listExpiredMedia(media.expiresAtMs, 10)).toEqual([media])
        await store.close()
      } finally {
        await fresh.drop()
      }
    })
  })
} else {
  console.warn(`skipping PostgresMetadataStore: ${unavailable}`)
  describe.skip(`PostgresMetadataStore (skipped: ${unavailable})`, () => {
    it('runs the conformance suite', () => {})
  })
}
