import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { newUser } from '../conformance/metadata-fixtures.js'
import { describeMetadataStore } from '../conformance/metadata-store.suite.js'
import { SqliteMetadataStore } from './sqlite.js'

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
