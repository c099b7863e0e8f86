/** `BlockFileWriter`: the bytes land unchanged, in block-sized writes, fsynced when asked; failures close the file. */
import { randomBytes } from 'node:crypto'
import { type FileHandle, mkdtemp, open, readFile, rm } from 'node:fs/promises'
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
    await pipeline(
      Readable.from(chunks),
      new BlockFileWriter(path, { blockBytes: 64 * 1024, open: async () => handle }),
    )
    const all = Buffer.concat(chunks)
    expect(await readFile(path)).toEqual(all)
    expect(writes.length).toBe(Math.ceil(all.length / (64 * 1024)))
    expect(calls).not.toContain('sync')
    expect(calls.at(-1)).toBe('close')
  })

  it('keeps the order of chunks larger than a block among small ones', async () => {
    const chunks = [randomBytes(10), randomBytes(200_000), randomBytes(70_000), randomBytes(5)]
    const { handle, path } = await recordedHandle('mixed')
    await pipeline(
      Readable.from(chunks),
      new BlockFileWriter(path, { blockBytes: 64 * 1024, open: async () => handle }),
    )
    expect(await readFile(path)).toEqual(Buffer.concat(chunks))
  })

  it('fsyncs before finishing when asked, and writes nothing for an empty stream', async () => {
    const { handle, calls, path } = await recordedHandle('empty-synced')
    await pipeline(Readable.from([]), new BlockFileWriter(path, { sync: true, open: async () => handle }))
    expect(calls).toEqual(['sync', 'close'])
    expect((await readFile(path)).length).toBe(0)
  })

  it('fails the stream when a write fails, and closes the file', async () => {
    const chunks = Array.from({ length: 50 }, () => randomBytes(10_000))
    const { handle, calls, path } = await recordedHandle('failing', 2)
    const writer = new BlockFileWriter(path, { blockBytes: 64 * 1024, open: async () => handle })
    await expect(pipeline(Readable.from(chunks), writer)).rejects.toThrow('disk full')
    expect(calls.at(-1)).toBe('close')
    expect(calls.filter((call) => call === 'close')).toHaveLength(1)
  })

  it('fails with the open error, destroying the source (no descriptor leaks)', async () => {
    const source = Readable.from([randomBytes(10)])
    const writer = new BlockFileWriter(join(dir, 'no-such-dir', 'file'))
    await expect(pipeline(source, writer)).rejects.toMatchObject({ code: 'ENOENT' })
    expect(source.destroyed).toBe(true)
  })

  it('starts no write once destroyed, and closes only after the write in flight settled', async () => {
    const calls: string[] = []
    let release: () => void = () => {}
    const held = new Promise<void>((resolve) => {
      release = resolve
    })
    const handle = {
      write: async (_bytes: Uint8Array, _offset: number, length: number) => {
        calls.push('write')
        await held
        calls.push('written')
        return { bytesWritten: length }
      },
      sync: async () => {
        calls.push('sync')
      },
      close: async () => {
        calls.push('close')
      },
    } as unknown as FileHandle
    const writer = new BlockFileWriter(join(dir, 'held'), { blockBytes: 1024, open: async () => handle })
    // The first block's write is held; the second block fills and waits for it.
    writer.write(randomBytes(1024))
    writer.write(randomBytes(1024))
    for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve))
    expect(calls).toEqual(['write'])
    writer.destroy()
    release()
    await new Promise((resolve) => writer.once('close', resolve))
    expect(calls).toEqual(['write', 'written', 'close'])
  })
})
