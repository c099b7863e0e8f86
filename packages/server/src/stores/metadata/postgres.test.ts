import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { newAccessToken } from '../conformance/auth-fixtures.js'
import { describeAuthStore } from '../conformance/auth-store.suite.js'
import { newMedia, T0 } from '../conformance/metadata-fixtures.js'
import { describeMetadataStore } from '../conformance/metadata-store.suite.js'
import { expectBatchedPruning } from './auth-pruning-check.js'
import { legacyMediaInsert, legacyMediaValues } from './legacy-media-rows.js'
import { MIGRATIONS } from './migrations.js'
import { PostgresMetadataStore } from './postgres.js'
import { createTestDatabase, postgresUnavailableReason, type TestDatabase } from './postgres-test-db.js'
import { UPGRADED_TOKENS, version2TokenInsert, version2TokenValues } from './version-2-tokens.js'
import { expectVersion3MediaUpgraded, seedVersion3Media } from './version-3-upgrade-check.js'

const unavailable = await postgresUnavailableReason()
if (unavailable !== undefined && process.env.CI) throw new Error(`${unavailable} (required in CI)`)

/** Connects to `url` and applies migrations up to `version`; the caller ends the client. */
async function databaseAtVersion(url: string, version: number): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  await client.query(
    'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at_ms BIGINT NOT NULL)',
  )
  for (const migration of MIGRATIONS.slice(0, version)) {
    await client.query(migration.postgres)
    await client.query('INSERT INTO schema_migrations VALUES ($1, $2, 0)', [migration.version, migration.name])
  }
  return client
}

if (unavailable === undefined) {
  let database: TestDatabase
  beforeAll(async () => {
    database = await createTestDatabase()
  })
  afterAll(() => database?.drop())

  const freshStore = async () => {
    await database.truncate()
    return PostgresMetadataStore.open({ url: database.url })
  }
  describeMetadataStore('PostgresMetadataStore', freshStore)
  describeAuthStore('PostgresMetadataStore as AuthStore', freshStore)

  describe('PostgresMetadataStore pruning', () => {
    it('deletes expired nonces and ended counters in bounded batches as it records new ones', async () => {
      const store = await freshStore()
      const client = new pg.Client({ connectionString: database.url })
      await client.connect()
      try {
        await expectBatchedPruning(store, async (table) => {
          const { rows } = await client.query(`SELECT count(*) AS n FROM ${table}`)
          return Number(rows[0]?.n)
        })
      } finally {
        await client.end()
        await store.close()
      }
    })
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
        const client = await databaseAtVersion(fresh.url, 1)
        await client.query(
          legacyMediaInsert(1, (i) => `$${i}`),
          legacyMediaValues(1, media),
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

    it('upgrades a version-2 database, turning its tokens into user tokens with no app, family or revocation', async () => {
      const fresh = await createTestDatabase()
      try {
        const client = await databaseAtVersion(fresh.url, 2)
        for (const token of UPGRADED_TOKENS) {
          await client.query(
            version2TokenInsert((i) => `$${i}`),
            version2TokenValues(token),
          )
        }
        await client.end()
        const store = await PostgresMetadataStore.open({ url: fresh.url })
        for (const token of UPGRADED_TOKENS) expect(await store.getToken(token.tokenHash)).toEqual(token)
        const [first] = UPGRADED_TOKENS
        expect(await store.revokeToken(first?.tokenHash ?? '', T0)).toBe(true)
        const appOnly = newAccessToken({ kind: 'app', userId: null })
        await store.createToken(appOnly)
        expect(await store.getToken(appOnly.tokenHash)).toEqual(appOnly)
        await store.close()
      } finally {
        await fresh.drop()
      }
    })

    it('upgrades a version-3 database, giving its media no files or subtitles and storing both afterwards', async () => {
      const fresh = await createTestDatabase()
      try {
        const client = await databaseAtVersion(fresh.url, 3)
        const seeded = await seedVersion3Media({
          run: async (sql, values) => {
            await client.query(sql, values)
          },
          placeholder: (i) => `$${i}`,
        })
        await client.end()
        const store = await PostgresMetadataStore.open({ url: fresh.url })
        await expectVersion3MediaUpgraded(store, seeded)
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
