/** `BlockFileWriter`: the bytes land unchanged, in block-sized writes, fsynced when asked; failures close the file. */
import { randomBytes } from 'node:crypto'
import { mkdtemp, open, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BlockFileWriter } from './block-file-writer.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'birdhouse-block-writer-'))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

/** A real file handle whose writes, syncs and closes are recorded (and can be made to fail). */
async function recordedHandle(name: string, failWriteNumber?: number) {
  const handle = await open(join(dir, name), 'wx')
  const calls: string[] = []
  const writes: number[] = []
  const recorded = new Proxy(handle, {
    get(target, property, receiver) {
      if (property === 'write') {
        return (bytes: Uint8Array, offset: number, length: number) => {
          writes.push(length)
          calls.push('write')
          if (writes.length === failWriteNumber) return Promise.reject(new Error('disk full'))
          return target.write(bytes, offset, length)
        }
      }
      if (property === 'sync' || property === 'close') {
        return () => {
          calls.push(property)
          return target[property]()
        }
      }
      return Reflect.get(target, property, receiver)
    },
  })
  return { handle: recorded, calls, writes, path: join(dir, name) }
}

describe('BlockFileWriter', () => {
  it('writes many small chunks unchanged, in blocks', async () => {
    const chunks = Array.from({ length: 300 }, (_, i) => randomBytes(1000 + (i % 7) * 500))
    const { handle, writes, calls, path } = await recordedHandle('small')
    await pipeline(Readable.from(chunks), new BlockFileWriter(handle, { blockBytes: 64 * 1024 }))
    const all = Buffer.concat(chunks)
    expect(await readFile(path)).toEqual(all)
    expect(writes.length).toBe(Math.ceil(all.length / (64 * 1024)))
    expect(calls).not.toContain('sync')
    expect(calls.at(-1)).toBe('close')
  })

  it('writes a chunk as large as a block as it is, keeping the order around it', async () => {
    const chunks = [randomBytes(10), randomBytes(200_000), randomBytes(70_000), randomBytes(5)]
    const { handle, path } = await recordedHandle('mixed')
    await pipeline(Readable.from(chunks), new BlockFileWriter(handle, { blockBytes: 64 * 1024 }))
    expect(await readFile(path)).toEqual(Buffer.concat(chunks))
  })

  it('fsyncs before finishing when asked, and writes nothing for an empty stream', async () => {
    const { handle, calls, path } = await recordedHandle('empty-synced')
    await pipeline(Readable.from([]), new BlockFileWriter(handle, { sync: true }))
    expect(calls).toEqual(['sync', 'close'])
    expect((await readFile(path)).length).toBe(0)
  })

  it('fails the stream when a write fails, and closes the file', async () => {
    const chunks = Array.from({ length: 50 }, () => randomBytes(10_000))
    const { handle, calls } = await recordedHandle('failing', 2)
    const writer = new BlockFileWriter(handle, { blockBytes: 64 * 1024 })
    await expect(pipeline(Readable.from(chunks), writer)).rejects.toThrow('disk full')
    expect(calls.at(-1)).toBe('close')
    expect(calls.filter((call) => call === 'close')).toHaveLength(1)
  })
})
