/** Every `CheckpointStore` behaves alike: round trip, replace, delete, and unreadable records read as none. */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { FileCheckpointStore } from '../node/file-checkpoint-store.js'
import type { CheckpointStore, UploadCheckpoint } from './checkpoint-store.js'
import { MemoryCheckpointStore } from './memory.js'
import { WebStorageCheckpointStore } from './web-storage.js'

const dirs: string[] = []
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })))
})

async function fileStore(): Promise<FileCheckpointStore> {
  const dir = await mkdtemp(join(tmpdir(), 'birdhouse-checkpoints-'))
  dirs.push(dir)
  return new FileCheckpointStore(join(dir, 'nested', 'uploads'))
}

/** A `Storage` stand-in. */
function memoryStorage() {
  const items = new Map<string, string>()
  return {
    items,
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
  }
}

const checkpoint: UploadCheckpoint = {
  version: 1,
  mediaId: '1880028106020515840',
  mediaKey: '7_1880028106020515840',
  fingerprint: 'v1:10:-:abc',
  totalBytes: 10,
  chunkBytes: 4,
  mediaType: 'video/mp4',
  mediaCategory: 'tweet_video',
  wireStyle: 'v2',
  baseUrl: 'https://api.x.com',
  ackedSegments: [0, 2],
  expiresAtMs: 1_900_000_000_000,
}

const STORES: [string, () => Promise<CheckpointStore>][] = [
  ['MemoryCheckpointStore', async () => new MemoryCheckpointStore()],
  ['WebStorageCheckpointStore', async () => new WebStorageCheckpointStore(memoryStorage())],
  ['FileCheckpointStore', fileStore],
]

describe.each(STORES)('%s', (_name, open) => {
  it('round-trips a checkpoint, including a non-ASCII key', async () => {
    const store = await open()
    await store.save('clip ✓ /tmp/a b.mp4', checkpoint)
    expect(await store.load('clip ✓ /tmp/a b.mp4')).toMatchObject(checkpoint)
    expect(await store.load('other')).toBeUndefined()
  })

  it('replaces on save and forgets on delete', async () => {
    const store = await open()
    await store.save('k', checkpoint)
    await store.save('k', { ...checkpoint, ackedSegments: [0, 1, 2] })
    expect((await store.load('k'))?.ackedSegments).toEqual([0, 1, 2])
    await store.delete('k')
    await store.delete('k')
    expect(await store.load('k')).toBeUndefined()
  })
})

describe('FileCheckpointStore', () => {
  it('leaves no temp files behind and reads a corrupt file as no checkpoint', async () => {
    const store = await fileStore()
    await Promise.all([0, 1, 2, 3].map((i) => store.save('k', { ...checkpoint, ackedSegments: [i] })))
    expect(await readdir(store.directory)).toEqual([store.pathOf('k').split('/').at(-1)])
    await writeFile(store.pathOf('k'), '{"version":1,"mediaId":')
    expect(await store.load('k')).toBeUndefined()
  })
})

describe('WebStorageCheckpointStore', () => {
  it('keeps records under its prefix and ignores foreign items', async () => {
    const storage = memoryStorage()
    const store = new WebStorageCheckpointStore(storage, 'x:')
    await store.save('k', checkpoint)
    expect([...storage.items.keys()]).toEqual(['x:k'])
    storage.setItem('x:bad', JSON.stringify({ version: 2 }))
    expect(await store.load('bad')).toBeUndefined()
  })
})
