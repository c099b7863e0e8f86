import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { newMedia, newUser } from '../conformance/metadata-fixtures.js'
import { describeMetadataStore } from '../conformance/metadata-store.suite.js'
import { MIGRATIONS } from './migrations.js'
import { SqliteMetadataStore } from './sqlite.js'
import { version1MediaInsert, version1MediaValues } from './version-1-media.js'

const root = mkdtempSync(join(tmpdir(), 'birdhouse-sqlite-'))
let files = 0
const freshPath = () => join(root, `${++files}.db`)
afterAll(() => rmSync(root, { recursive: true, force: true }))

describeMetadataStore('SqliteMetadataStore', () => SqliteMetadataStore.open({ path: freshPath() }))

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

describe('SqliteMetadataStore migrations', () => {
  it('upgrades a version-1 database, leaving its media unpinned with no alt text or video facts', async () => {
    const path = freshPath()
    const media = newMedia()
    const db = new Database(path)
    db.exec(MIGRATIONS[0]?.sqlite ?? '')
    db.exec(
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at_ms INTEGER NOT NULL)',
    )
    db.prepare('INSERT INTO schema_migrations VALUES (1, ?, 0)').run('initial schema')
    db.prepare(version1MediaInsert(() => '?')).run(
      ...version1MediaValues(media).map((v) => (typeof v === 'boolean' ? Number(v) : v)),
    )
    db.close()
    const store = await SqliteMetadataStore.open({ path })
    expect(await store.getMedia(media.id)).toEqual(media)
    expect(await store.listExpiredMedia(media.expiresAtMs, 10)).toEqual([media])
    await store.close()
  })
})
