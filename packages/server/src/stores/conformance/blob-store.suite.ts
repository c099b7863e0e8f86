/**
 * The `BlobStore` conformance suite. Every backend's test file calls `describeBlobStore` with a
 * factory; each test opens a fresh store through it and closes it afterwards. The suite checks
 * behaviour and error codes only: no timings and no memory figures, so it runs the same on a
 * laptop and in CI. A backend that cannot meet a test lists it under `skip` with a reason, which
 * the reporter prints next to the skipped test.
 */
import { createHash, randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { setImmediate } from 'node:timers/promises'
import type { ErrorCode } from '@birdhouse/protocol'
import { describe, expect, it } from 'vitest'
import { ApiError } from '../../errors.js'
import type { BlobStore } from '../blob-store.js'

/** Tests a backend cannot pass, and why. */
export interface BlobStoreSkip {
  /** Printed next to each skipped test. */
  reason: string
  /** Full test names, `<group> > <test>` (for example `keys > an object and keys below it coexist`). */
  tests: string[]
}

/** Options of `describeBlobStore`. */
export interface DescribeBlobStoreOptions {
  /** Tests to skip, each with its reason (default none); naming a test that does not exist fails the suite. */
  skip?: BlobStoreSkip[]
}

type StoreTest = (title: string, body: (store: BlobStore) => Promise<void>) => void

const KIB = 1024
const MIB = 1024 * KIB

/** Keys every backend must refuse, on every method that takes a key. */
const INVALID_KEYS = ['', '../x', '/abs', 'a//b', 'a/../b', '.tmp/x', 'a/', '..', '..\\x', '\0', 'a\0b']

/** Prefixes every backend must refuse on `list` and `removePrefix`. */
const INVALID_PREFIXES = ['../x', '../', '/abs', '/abs/', 'a//b', 'a/../b/', '.tmp/', '.tmp/x', 'a\0b']

/** Registers the `BlobStore` conformance suite for one backend. */
export function describeBlobStore(
  name: string,
  factory: () => Promise<BlobStore>,
  options: DescribeBlobStoreOptions = {},
): void {
  const skips = new Map<string, string>()
  for (const { reason, tests } of options.skip ?? []) for (const test of tests) skips.set(test, reason)
  const registered = new Set<string>()

  const group = (groupName: string, register: (test: StoreTest) => void): void => {
    describe(groupName, () => {
      register((title, body) => {
        const id = `${groupName} > ${title}`
        registered.add(id)
        const reason = skips.get(id)
        if (reason !== undefined) {
          // Skipping from inside the test lets the reporter print the reason next to its name.
          it(title, (context) => context.skip(reason))
          return
        }
        it(title, async () => {
          const store = await factory()
          try {
            await body(store)
          } finally {
            await store.close()
          }
        })
      })
    })
  }

  describe(name, () => {
    group('put and read', putAndRead)
    group('read range', readRange)
    group('replace', replace)
    group('maxBytes', maxBytes)
    group('failed input', failedInput)
    group('absent keys', absentKeys)
    group('move', move)
    group('list and removePrefix', listAndRemovePrefix)
    group('concurrency', concurrency)
    group('keys', keys)
    group('capabilities and lifecycle', capabilitiesAndLifecycle)
    it('skips only tests that exist', () => {
      expect([...skips.keys()].filter((id) => !registered.has(id))).toEqual([])
    })
  })
}

function putAndRead(test: StoreTest): void {
  test('round-trips bytes including zero bytes', async (store) => {
    const bytes = Buffer.concat([Buffer.alloc(100), Buffer.from('abc'), Buffer.alloc(1), Buffer.from('def')])
    await expect(store.put('uploads/1/a', streamOf(bytes))).resolves.toEqual({ sizeBytes: bytes.length })
    expect(await readAll(await store.read('uploads/1/a'))).toEqual(bytes)
    expect(await store.stat('uploads/1/a')).toEqual({ sizeBytes: bytes.length })
  })

  test('round-trips an empty object', async (store) => {
    await expect(store.put('empty', streamOf(Buffer.alloc(0)))).resolves.toEqual({ sizeBytes: 0 })
    expect(await readAll(await store.read('empty'))).toEqual(Buffer.alloc(0))
    expect(await store.stat('empty')).toEqual({ sizeBytes: 0 })
  })

  test('round-trips non-ASCII text and every byte value', async (store) => {
    const every = Buffer.from(Array.from({ length: 256 }, (_, index) => index))
    const bytes = Buffer.concat([
      Buffer.from('héllo wörld — 日本語 🐦\r\n', 'utf8'),
      every,
      Buffer.from(every).reverse(),
    ])
    await store.put('binary', streamOf(bytes, 7))
    expect(await readAll(await store.read('binary'))).toEqual(bytes)
  })

  test('round-trips a 3 MiB object streamed in small chunks', async (store) => {
    const bytes = randomBytes(3 * MIB)
    await expect(store.put('big/object', streamOf(bytes, 4093))).resolves.toEqual({ sizeBytes: bytes.length })
    const back = await readAll(await store.read('big/object'))
    expect(back.length).toBe(bytes.length)
    expect(sha256(back)).toBe(sha256(bytes))
  })
}

function readRange(test: StoreTest): void {
  const bytes = Buffer.from(Array.from({ length: 1000 }, (_, index) => (index * 7) % 256))

  test('reads the first byte', async (store) => {
    await store.put('ranged', streamOf(bytes))
    expect(await readAll(await store.read('ranged', { start: 0, end: 0 }))).toEqual(bytes.subarray(0, 1))
  })

  test('reads an inclusive range in the middle', async (store) => {
    await store.put('ranged', streamOf(bytes))
    expect(await readAll(await store.read('ranged', { start: 100, end: 199 }))).toEqual(bytes.subarray(100, 200))
  })

  test('reads the last byte', async (store) => {
    await store.put('ranged', streamOf(bytes))
    expect(await readAll(await store.read('ranged', { start: 999, end: 999 }))).toEqual(bytes.subarray(999))
  })

  test('reads the whole object as a range', async (store) => {
    await store.put('ranged', streamOf(bytes))
    expect(await readAll(await store.read('ranged', { start: 0, end: 999 }))).toEqual(bytes)
  })
}

function replace(test: StoreTest): void {
  test('put replaces an existing object', async (store) => {
    await store.put('k', streamOf(Buffer.from('old and longer')))
    await expect(store.put('k', streamOf(Buffer.from('new')))).resolves.toEqual({ sizeBytes: 3 })
    expect((await readAll(await store.read('k'))).toString()).toBe('new')
    expect(await store.stat('k')).toEqual({ sizeBytes: 3 })
  })

  test('readers see the whole old object until a replace completes', async (store) => {
    const before = randomBytes(256 * KIB)
    const after = randomBytes(512 * KIB)
    await store.put('k', streamOf(before))
    const gate = deferred()
    const firstHalfTaken = deferred()
    async function* gated(): AsyncGenerator<Buffer> {
      yield after.subarray(0, 256 * KIB)
      firstHalfTaken.resolve()
      await gate.promise
      yield after.subarray(256 * KIB)
    }
    const putting = store.put('k', Readable.from(gated()))
    await firstHalfTaken.promise
    expect(sha256(await readAll(await store.read('k')))).toBe(sha256(before))
    expect(await store.stat('k')).toEqual({ sizeBytes: before.length })
    gate.resolve()
    await putting
    expect(sha256(await readAll(await store.read('k')))).toBe(sha256(after))
  })

  test('a reader that opened the old object reads all of it after a replace', async (store) => {
    const before = randomBytes(MIB)
    const after = randomBytes(MIB)
    await store.put('k', streamOf(before))
    const stream = await store.read('k')
    const chunks = stream[Symbol.asyncIterator]()
    const first = await chunks.next()
    await store.put('k', streamOf(after))
    const parts: Buffer[] = [first.value as Buffer]
    for (let next = await chunks.next(); next.done !== true; next = await chunks.next()) parts.push(next.value)
    expect(sha256(Buffer.concat(parts))).toBe(sha256(before))
    expect(sha256(await readAll(await store.read('k')))).toBe(sha256(after))
  })
}

function maxBytes(test: StoreTest): void {
  test('accepts a body of exactly maxBytes', async (store) => {
    await expect(store.put('k', streamOf(randomBytes(1000), 100), { maxBytes: 1000 })).resolves.toEqual({
      sizeBytes: 1000,
    })
    expect(await store.stat('k')).toEqual({ sizeBytes: 1000 })
  })

  test('rejects a body past maxBytes with BLOB_TOO_LARGE and keeps nothing', async (store) => {
    await expectCode(() => store.put('k', streamOf(randomBytes(1001), 100), { maxBytes: 1000 }), 'BLOB_TOO_LARGE')
    expect(await store.stat('k')).toBeUndefined()
    expect(await store.list('')).toEqual([])
  })

  test('keeps the earlier object when a replacement passes maxBytes', async (store) => {
    const before = Buffer.from('earlier object')
    await store.put('k', streamOf(before))
    await expectCode(
      () => store.put('k', streamOf(randomBytes(64 * KIB), KIB), { maxBytes: 10 * KIB }),
      'BLOB_TOO_LARGE',
    )
    expect(await readAll(await store.read('k'))).toEqual(before)
    expect(await store.list('')).toEqual(['k'])
  })
}

function failedInput(test: StoreTest): void {
  test('rejects when the input stream errors midway and keeps nothing', async (store) => {
    const failure = new Error('client went away')
    await expect(store.put('uploads/1/a', breakingStream(4, failure))).rejects.toThrow(failure.message)
    expect(await store.stat('uploads/1/a')).toBeUndefined()
    expect(await store.list('')).toEqual([])
  })

  test('rejects when the input stream is destroyed without an error midway', async (store) => {
    await expect(store.put('uploads/1/a', breakingStream(4))).rejects.toBeInstanceOf(Error)
    expect(await store.stat('uploads/1/a')).toBeUndefined()
    expect(await store.list('')).toEqual([])
  })

  test('keeps the earlier object when a replacement stream errors midway', async (store) => {
    const before = Buffer.from('earlier object')
    await store.put('uploads/1/a', streamOf(before))
    await expect(store.put('uploads/1/a', breakingStream(4, new Error('cut')))).rejects.toThrow('cut')
    expect(await readAll(await store.read('uploads/1/a'))).toEqual(before)
    expect(await store.list('')).toEqual(['uploads/1/a'])
  })
}

function absentKeys(test: StoreTest): void {
  test('read rejects with BLOB_NOT_FOUND', async (store) => {
    await expectCode(() => store.read('missing'), 'BLOB_NOT_FOUND')
    await expectCode(() => store.read('missing', { start: 0, end: 0 }), 'BLOB_NOT_FOUND')
  })

  test('move rejects with BLOB_NOT_FOUND and leaves the target untouched', async (store) => {
    await store.put('target', streamOf(Buffer.from('target')))
    await expectCode(() => store.move('missing', 'target'), 'BLOB_NOT_FOUND')
    await expectCode(() => store.move('missing', 'elsewhere/new'), 'BLOB_NOT_FOUND')
    expect((await readAll(await store.read('target'))).toString()).toBe('target')
    expect(await store.list('')).toEqual(['target'])
  })

  test('stat resolves to undefined', async (store) => {
    expect(await store.stat('missing')).toBeUndefined()
  })

  test('remove is idempotent', async (store) => {
    await store.put('k', streamOf(Buffer.from('x')))
    await store.remove('k')
    await store.remove('k')
    await store.remove('never/existed')
    expect(await store.stat('k')).toBeUndefined()
    await expectCode(() => store.read('k'), 'BLOB_NOT_FOUND')
  })

  test('a key that only prefixes objects is not an object', async (store) => {
    await store.put('dir/child', streamOf(Buffer.from('child')))
    expect(await store.stat('dir')).toBeUndefined()
    await expectCode(() => store.read('dir'), 'BLOB_NOT_FOUND')
    await expectCode(() => store.move('dir', 'other'), 'BLOB_NOT_FOUND')
    await store.remove('dir')
    expect(await store.list('')).toEqual(['dir/child'])
  })

  test('a key below an object is absent', async (store) => {
    await store.put('file', streamOf(Buffer.from('file')))
    expect(await store.stat('file/below')).toBeUndefined()
    await expectCode(() => store.read('file/below'), 'BLOB_NOT_FOUND')
    await expectCode(() => store.move('file/below', 'other'), 'BLOB_NOT_FOUND')
    await store.remove('file/below')
    expect(await store.list('')).toEqual(['file'])
  })
}

function move(test: StoreTest): void {
  test('moves an object to a new nested key', async (store) => {
    await store.put('staging/a', streamOf(Buffer.from('moved bytes')))
    await store.move('staging/a', 'media/1/original')
    expect(await store.stat('staging/a')).toBeUndefined()
    expect((await readAll(await store.read('media/1/original'))).toString()).toBe('moved bytes')
    expect(await store.list('')).toEqual(['media/1/original'])
  })

  test('move replaces an existing target', async (store) => {
    await store.put('from', streamOf(Buffer.from('new')))
    await store.put('to', streamOf(Buffer.from('old target')))
    await store.move('from', 'to')
    expect((await readAll(await store.read('to'))).toString()).toBe('new')
    expect(await store.list('')).toEqual(['to'])
  })
}

function listAndRemovePrefix(test: StoreTest): void {
  const keys = ['uploads/2/b', 'uploads/1/b', 'uploads/1/a', 'uploads/12/a', 'uploadsx', 'media/1/a', 'zeta']

  test('list returns the keys under a prefix, sorted', async (store) => {
    await putAll(store, keys)
    expect(await store.list('uploads/1/')).toEqual(['uploads/1/a', 'uploads/1/b'])
    expect(await store.list('uploads/')).toEqual(['uploads/1/a', 'uploads/1/b', 'uploads/12/a', 'uploads/2/b'])
    expect(await store.list('uploads/1')).toEqual(['uploads/1/a', 'uploads/1/b', 'uploads/12/a'])
    expect(await store.list('')).toEqual([...keys].sort())
  })

  test('list of an unused prefix is empty', async (store) => {
    await putAll(store, keys)
    expect(await store.list('nothing/')).toEqual([])
    expect(await store.list('zeta/')).toEqual([])
  })

  test('removePrefix removes everything under the prefix and nothing else', async (store) => {
    await putAll(store, keys)
    await store.removePrefix('uploads/1/')
    expect(await store.list('')).toEqual(['media/1/a', 'uploads/12/a', 'uploads/2/b', 'uploadsx', 'zeta'])
    await store.removePrefix('uploads/')
    expect(await store.list('')).toEqual(['media/1/a', 'uploadsx', 'zeta'])
    expect((await readAll(await store.read('uploadsx'))).toString()).toBe('uploadsx')
  })

  test('removePrefix of an unused prefix or below an object key changes nothing', async (store) => {
    await putAll(store, keys)
    await store.removePrefix('nothing/')
    await store.removePrefix('zeta/')
    expect(await store.list('')).toEqual([...keys].sort())
  })

  test('removePrefix rejects the empty prefix and keeps everything', async (store) => {
    await putAll(store, keys)
    await expectCode(() => store.removePrefix(''), 'BLOB_KEY_INVALID')
    expect(await store.list('')).toEqual([...keys].sort())
  })

  test('a key can be written again after its prefix was removed', async (store) => {
    await putAll(store, ['uploads/1/a'])
    await store.removePrefix('uploads/1/')
    await store.put('uploads/1/a', streamOf(Buffer.from('again')))
    expect((await readAll(await store.read('uploads/1/a'))).toString()).toBe('again')
  })
}

function concurrency(test: StoreTest): void {
  test('20 concurrent puts of distinct keys all land intact', async (store) => {
    const bodies = Array.from({ length: 20 }, () => randomBytes(96 * KIB))
    const sizes = await Promise.all(bodies.map((body, index) => store.put(`many/${index}`, trickle(body, 8 * KIB))))
    expect(sizes).toEqual(bodies.map((body) => ({ sizeBytes: body.length })))
    for (const [index, body] of bodies.entries()) {
      expect(sha256(await readAll(await store.read(`many/${index}`)))).toBe(sha256(body))
    }
    expect(await store.list('many/')).toHaveLength(20)
  })

  test('20 concurrent puts of one key end with exactly one body intact', async (store) => {
    const bodies = Array.from({ length: 20 }, () => randomBytes(96 * KIB + Math.floor(Math.random() * KIB)))
    await Promise.all(bodies.map((body) => store.put('same/key', trickle(body, 8 * KIB))))
    const back = await readAll(await store.read('same/key'))
    expect(bodies.map(sha256)).toContain(sha256(back))
    expect(await store.stat('same/key')).toEqual({ sizeBytes: back.length })
    expect(await store.list('')).toEqual(['same/key'])
  })

  test('a read racing a remove either rejects with BLOB_NOT_FOUND or streams the whole object', async (store) => {
    const bytes = Buffer.from('raced object')
    for (let round = 0; round < 100; round += 1) {
      await store.put('raced', streamOf(bytes))
      const [read] = await Promise.allSettled([store.read('raced'), store.remove('raced')])
      if (read.status === 'rejected') {
        await expectCode(() => Promise.reject(read.reason), 'BLOB_NOT_FOUND', `round ${round}`)
      } else {
        expect(await readAll(read.value), `round ${round}`).toEqual(bytes)
      }
    }
  })
}

function keys(test: StoreTest): void {
  test('accepts keys of safe segments', async (store) => {
    const safe = ['a', 'A-b_c.d', '_x', 'uploads/1783294/0a1b2c.part', '9/8/7/6/5']
    await putAll(store, safe)
    expect(await store.list('')).toEqual([...safe].sort())
  })

  test('put rejects invalid keys with BLOB_KEY_INVALID and writes nothing', async (store) => {
    for (const key of INVALID_KEYS) {
      await expectCode(() => store.put(key, streamOf(Buffer.from('x'))), 'BLOB_KEY_INVALID', key)
    }
    expect(await store.list('')).toEqual([])
  })

  test('read, stat and remove reject invalid keys with BLOB_KEY_INVALID', async (store) => {
    for (const key of INVALID_KEYS) {
      await expectCode(() => store.read(key), 'BLOB_KEY_INVALID', `read ${JSON.stringify(key)}`)
      await expectCode(() => store.stat(key), 'BLOB_KEY_INVALID', `stat ${JSON.stringify(key)}`)
      await expectCode(() => store.remove(key), 'BLOB_KEY_INVALID', `remove ${JSON.stringify(key)}`)
    }
  })

  test('move rejects invalid source and target keys with BLOB_KEY_INVALID and keeps the source', async (store) => {
    await store.put('valid', streamOf(Buffer.from('x')))
    for (const key of INVALID_KEYS) {
      await expectCode(() => store.move(key, 'target'), 'BLOB_KEY_INVALID', `from ${JSON.stringify(key)}`)
      await expectCode(() => store.move('valid', key), 'BLOB_KEY_INVALID', `to ${JSON.stringify(key)}`)
    }
    expect(await store.list('')).toEqual(['valid'])
  })

  test('list and removePrefix reject invalid prefixes with BLOB_KEY_INVALID', async (store) => {
    await store.put('a/b', streamOf(Buffer.from('x')))
    for (const prefix of INVALID_PREFIXES) {
      await expectCode(() => store.list(prefix), 'BLOB_KEY_INVALID', `list ${JSON.stringify(prefix)}`)
      await expectCode(() => store.removePrefix(prefix), 'BLOB_KEY_INVALID', `removePrefix ${JSON.stringify(prefix)}`)
    }
    expect(await store.list('')).toEqual(['a/b'])
  })

  test('an object and keys below it coexist', async (store) => {
    await putAll(store, ['a', 'a/b'])
    expect(await store.list('a')).toEqual(['a', 'a/b'])
    await store.removePrefix('a/')
    expect(await store.list('')).toEqual(['a'])
  })
}

function capabilitiesAndLifecycle(test: StoreTest): void {
  test('localPath names the object file, or throws UNSUPPORTED_OPERATION without localFiles', async (store) => {
    await store.put('media/1/original', streamOf(Buffer.from('on disk')))
    if (store.capabilities.localFiles) {
      expect((await readFile(store.localPath('media/1/original'))).toString()).toBe('on disk')
    } else {
      await expectCode(() => store.localPath('media/1/original'), 'UNSUPPORTED_OPERATION')
    }
  })

  test('localPath never returns a path for an invalid key', async (store) => {
    const code = store.capabilities.localFiles ? 'BLOB_KEY_INVALID' : 'UNSUPPORTED_OPERATION'
    for (const key of INVALID_KEYS) await expectCode(() => store.localPath(key), code, JSON.stringify(key))
  })

  test('close is idempotent', async (store) => {
    await store.close()
    await store.close()
  })
}

/** Runs `action` and checks it threw or rejected with an `ApiError` of `code`. */
async function expectCode(action: () => unknown, code: ErrorCode, label: string = code): Promise<void> {
  let thrown: unknown
  try {
    await action()
  } catch (error) {
    thrown = error
  }
  expect(thrown, `${label}: expected ApiError ${code}`).toBeInstanceOf(ApiError)
  expect((thrown as ApiError).code, label).toBe(code)
}

/** A stream of `bytes` in chunks of `chunkBytes`. */
function streamOf(bytes: Buffer, chunkBytes = 64 * KIB): Readable {
  const chunks: Buffer[] = []
  for (let offset = 0; offset < bytes.length; offset += chunkBytes) {
    chunks.push(bytes.subarray(offset, offset + chunkBytes))
  }
  return Readable.from(chunks)
}

/** A stream of `bytes` that yields to the event loop before each chunk, so concurrent puts interleave. */
function trickle(bytes: Buffer, chunkBytes: number): Readable {
  async function* chunks(): AsyncGenerator<Buffer> {
    for (let offset = 0; offset < bytes.length; offset += chunkBytes) {
      await setImmediate()
      yield bytes.subarray(offset, offset + chunkBytes)
    }
  }
  return Readable.from(chunks())
}

/** A stream that sends `chunkCount` chunks of 64 KiB and is then destroyed, with `error` if given. */
function breakingStream(chunkCount: number, error?: Error): Readable {
  let sent = 0
  return new Readable({
    read() {
      if (sent < chunkCount) {
        sent += 1
        this.push(randomBytes(64 * KIB))
      } else {
        globalThis.setImmediate(() => this.destroy(error))
      }
    },
  })
}

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = []
  for await (const chunk of stream) parts.push(chunk as Buffer)
  return Buffer.concat(parts)
}

async function putAll(store: BlobStore, keys: string[]): Promise<void> {
  for (const key of keys) await store.put(key, streamOf(Buffer.from(key)))
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex')
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => {}
  const promise = new Promise<void>((done) => {
    resolve = done
  })
  return { promise, resolve }
}
