import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { newAccessToken } from '../conformance/auth-fixtures.js'
import { describeAuthStore } from '../conformance/auth-store.suite.js'
import { newMedia, newUser, T0 } from '../conformance/metadata-fixtures.js'
import { describeMetadataStore } from '../conformance/metadata-store.suite.js'
import { expectBatchedPruning } from './auth-pruning-check.js'
import { legacyMediaInsert, legacyMediaValues } from './legacy-media-rows.js'
import { MIGRATIONS } from './migrations.js'
import { SqliteMetadataStore } from './sqlite.js'
import { UPGRADED_TOKENS, version2TokenInsert, version2TokenValues } from './version-2-tokens.js'
import { expectVersion3MediaUpgraded, seedVersion3Media } from './version-3-upgrade-check.js'

/** better-sqlite3 binds no booleans; SQLite stores them as 0/1. */
const bindable = (values: unknown[]): unknown[] => values.map((v) => (typeof v === 'boolean' ? Number(v) : v))

/** Creates a database file at `path` with migrations up to `version` applied. */
function databaseAtVersion(path: string, version: number): Database.Database {
  const db = new Database(path)
  db.exec(
    'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at_ms INTEGER NOT NULL)',
  )
  for (const migration of MIGRATIONS.slice(0, version)) {
    db.exec(migration.sqlite)
    db.prepare('INSERT INTO schema_migrations VALUES (?, ?, 0)').run(migration.version, migration.name)
  }
  return db
}

const root = mkdtempSync(join(tmpdir(), 'birdhouse-sqlite-'))
let files = 0
const freshPath = () => join(root, `${++files}.db`)
afterAll(() => rmSync(root, { recursive: true, force: true }))

describeMetadataStore('SqliteMetadataStore', () => SqliteMetadataStore.open({ path: freshPath() }))
describeAuthStore('SqliteMetadataStore as AuthStore', () => SqliteMetadataStore.open({ path: freshPath() }))

describe('SqliteMetadataStore on a shared file', () => {
  it('lets a second process open the file and see the first one’s writes', async () => {
    const path = freshPath()
    const [server, cli] = await Promise.all([SqliteMetadataStore.open({ path }), SqliteMetadataStore.open({ path })])
    const user = newUser()
    expect(await cli.createUser(user)).toBe(true)
    expect(await server.getUser(user.id)).toEqual(user)
    await Promise.all([server.close(), cli.close()])
  })
})

describe('SqliteMetadataStore pruning', () => {
  it('deletes expired nonces and ended counters in bounded batches as it records new ones', async () => {
    const path = freshPath()
    const store = await SqliteMetadataStore.open({ path })
    const reader = new Database(path, { readonly: true })
    try {
      const count = (table: string) => reader.prepare<[], { n: number }>(`SELECT count(*) AS n FROM ${table}`).get()
      await expectBatchedPruning(store, async (table) => Number(count(table)?.n))
    } finally {
      reader.close()
      await store.close()
    }
  })
})

describe('SqliteMetadataStore migrations', () => {
  it('upgrades a version-1 database, leaving its media unpinned with no alt text or video facts', async () => {
    const path = freshPath()
    const media = newMedia()
    const db = databaseAtVersion(path, 1)
    db.prepare(legacyMediaInsert(1, () => '?')).run(...bindable(legacyMediaValues(1, media)))
    db.close()
    const store = await SqliteMetadataStore.open({ path })
    expect(await store.getMedia(media.id)).toEqual(media)
    expect(await store.listExpiredMedia(media.expiresAtMs, 10)).toEqual([media])
    await store.close()
  })

  it('upgrades a version-2 database, turning its tokens into user tokens with no app, family or revocation', async () => {
    const path = freshPath()
    const db = databaseAtVersion(path, 2)
    for (const token of UPGRADED_TOKENS) db.prepare(version2TokenInsert(() => '?')).run(...version2TokenValues(token))
    db.close()
    const store = await SqliteMetadataStore.open({ path })
    for (const token of UPGRADED_TOKENS) expect(await store.getToken(token.tokenHash)).toEqual(token)
    const [first] = UPGRADED_TOKENS
    expect(await store.revokeToken(first?.tokenHash ?? '', T0)).toBe(true)
    const appOnly = newAccessToken({ kind: 'app', userId: null })
    await store.createToken(appOnly)
    expect(await store.getToken(appOnly.tokenHash)).toEqual(appOnly)
    await store.close()
  })

  it('upgrades a version-3 database, giving its media no files or subtitles and storing both afterwards', async () => {
    const path = freshPath()
    const db = databaseAtVersion(path, 3)
    const seeded = await seedVersion3Media({
      run: async (sql, values) => {
        db.prepare(sql).run(...bindable(values))
      },
      placeholder: () => '?',
    })
    db.close()
    const store = await SqliteMetadataStore.open({ path })
    await expectVersion3MediaUpgraded(store, seeded)
    await store.close()
  })
})
