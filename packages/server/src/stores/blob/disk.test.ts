import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import { describeBlobStore } from '../conformance/blob-store.suite.js'
import { DiskBlobStore } from './disk.js'

const roots: string[] = []

async function makeRoot(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'birdhouse-disk-blob-'))
  roots.push(root)
  return root
}

afterEach(async () => {
  await Promise.all(roots.splice(0).map((root) => rm(root, { recursive: true, force: true })))
})

describeBlobStore('DiskBlobStore', async () => DiskBlobStore.open({ root: await makeRoot() }), {
  skip: [
    {
      reason: 'on a file system a key cannot be both a file and a directory',
      tests: ['keys > an object and keys below it coexist'],
    },
  ],
})

describe('DiskBlobStore', () => {
  it('sweeps temp files older than an hour at open and keeps fresh ones', async () => {
    const root = await makeRoot()
    await mkdir(join(root, '.tmp'))
    await writeFile(join(root, '.tmp', 'stale'), 'left by a crash')
    await writeFile(join(root, '.tmp', 'fresh'), 'a put in progress')
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000)
    await utimes(join(root, '.tmp', 'stale'), twoHoursAgo, twoHoursAgo)
    const store = await DiskBlobStore.open({ root })
    expect(await readdir(join(root, '.tmp'))).toEqual(['fresh'])
    expect(await store.list('')).toEqual([])
    await store.close()
  })

  it('leaves no temp file behind after a failed put', async () => {
    const root = await makeRoot()
    const store = await DiskBlobStore.open({ root })
    await expect(store.put('k', Readable.from([Buffer.alloc(2048)]), { maxBytes: 1024 })).rejects.toThrow()
    const broken = new Readable({ read: () => broken.destroy(new Error('cut')) })
    await expect(store.put('k', broken)).rejects.toThrow('cut')
    expect(await readdir(join(root, '.tmp'))).toEqual([])
    await store.close()
  })

  it('creates its root when missing', async () => {
    const root = join(await makeRoot(), 'nested', 'root')
    const store = await DiskBlobStore.open({ root })
    await store.put('a', Readable.from([Buffer.from('x')]))
    expect(await store.list('')).toEqual(['a'])
    await store.close()
  })
})
