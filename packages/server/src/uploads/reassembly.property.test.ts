/**
 * Property tests of chunked-upload reassembly at the service level: whatever the segmentation,
 * arrival order, re-sends and concurrency of APPENDs, FINALIZE accepts exactly the uploads whose
 * segments form the declared file, and the stored segments stream back the source's bytes.
 *
 * They run against SQLite on a temp file with the disk blob store (where concurrency bugs live) and
 * against the memory doubles. Files are declared `video/mp4` with no category, so FINALIZE only
 * sniffs the `ftyp` head and queues no processing. Arbitraries are small descriptors (sizes, seeds,
 * sort keys) and the bytes are derived from them, so a shrunk counterexample prints in a few lines.
 */
import { createHash } from 'node:crypto'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ManualClock } from '../clock.js'
import { isApiError } from '../errors.js'
import { DiskBlobStore } from '../stores/blob/disk.js'
import { MemoryBlobStore } from '../stores/blob/memory.js'
import type { BlobStore, ByteRange } from '../stores/blob-store.js'
import { MemoryMetadataStore } from '../stores/metadata/memory.js'
import { SqliteMetadataStore } from '../stores/metadata/sqlite.js'
import type { MetadataStore } from '../stores/metadata-store.js'
import { readSegments } from './segments.js'
import { SnowflakeGenerator } from './snowflake.js'
import { UploadService } from './upload-service.js'

const OWNER = '1880028106020515000'
const MAX_SEGMENT_BYTES = 64 * 1024
const MAX_FILE_BYTES = 256 * 1024
/** Stage limit one past the segment limit, so an oversized segment reaches APPEND's own check. */
const STAGE_LIMIT = MAX_SEGMENT_BYTES + 1
/** An ISO-BMFF `ftyp` box head: `sniffMediaType` reads it as `video/mp4`. */
const MP4_HEAD = Buffer.from('\0\0\0\x18ftypisom', 'latin1')
/** Slots of the fixed-length schedule arrays; more than the most sends a plan makes (15 + 6). */
const SLOTS = 32

interface Stores {
  store: MetadataStore
  blobs: BlobStore
  /** Temp files a backend's writes left behind, when it has any to look at. */
  tempFiles?: () => Promise<string[]>
}

interface Backend {
  name: string
  numRuns: number
  open(dir: string): Promise<Stores>
}

const BACKENDS: Backend[] = [
  {
    name: 'SqliteMetadataStore + DiskBlobStore',
    numRuns: 25,
    open: async (dir) => ({
      store: await SqliteMetadataStore.open({ path: join(dir, 'metadata.db') }),
      blobs: await DiskBlobStore.open({ root: join(dir, 'blobs') }),
      tempFiles: () => readdir(join(dir, 'blobs', '.tmp')),
    }),
  },
  {
    name: 'MemoryMetadataStore + MemoryBlobStore',
    numRuns: 100,
    open: async () => ({ store: await MemoryMetadataStore.open(), blobs: await MemoryBlobStore.open() }),
  },
]

/** `size` pseudo-random bytes; xorshift32 keeps 256 KiB cheap and the counterexample a seed. */
function noise(size: number, seed: number): Buffer {
  const bytes = Buffer.alloc(size)
  let x = seed | 1
  for (let i = 0; i < size; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    bytes[i] = x & 0xff
  }
  return bytes
}

/** A file of `size` (≥ 12) pseudo-random bytes behind an mp4 head. */
function buildFile(size: number, seed: number): Buffer {
  const bytes = noise(size, seed)
  MP4_HEAD.copy(bytes)
  return bytes
}

/** Cuts `file` at `cuts` (fractions of 2^16; equal cuts make empty segments), then splits oversize pieces. */
function cutFile(file: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...cuts.map((c) => Math.floor((c * file.length) / 0xffff)), file.length].sort((a, b) => a - b)
  const pieces: Buffer[] = []
  let start = 0
  for (const end of points) {
    for (; end - start > MAX_SEGMENT_BYTES; start += MAX_SEGMENT_BYTES) {
      pieces.push(file.subarray(start, start + MAX_SEGMENT_BYTES))
    }
    pieces.push(file.subarray(start, end))
    start = end
  }
  return pieces
}

interface Send {
  index: number
  bytes: Buffer
}

interface Schedule {
  /** Extra sends of index `r % n` with the same bytes. */
  resends: number[]
  /** Sort keys of the sends: their arrival order. */
  keys: number[]
  /** `true` after a send closes its concurrent group. */
  breaks: boolean[]
}

/** Every piece once plus the re-sends, in key order, cut into groups that go out concurrently. */
function buildGroups(pieces: readonly Buffer[], schedule: Schedule, skip?: number): Send[][] {
  const indices = [...pieces.keys(), ...schedule.resends.map((r) => r % pieces.length)].filter((i) => i !== skip)
  const ordered = indices
    .map((index, j) => ({ index, key: schedule.keys[j % SLOTS] ?? 0 }))
    .sort((a, b) => a.key - b.key)
  const groups: Send[][] = []
  let group: Send[] = []
  ordered.forEach(({ index }, j) => {
    group.push({ index, bytes: pieces[index] ?? Buffer.alloc(0) })
    if (schedule.breaks[j % SLOTS] === true || j === ordered.length - 1) {
      groups.push(group)
      group = []
    }
  })
  return groups
}

async function send(service: UploadService, mediaId: string, { index, bytes }: Send): Promise<void> {
  const staged = await service.stage(Readable.from([bytes]), STAGE_LIMIT)
  await service.append(OWNER, mediaId, index, staged)
}

/** Sends group by group, each group concurrently; resolves to the sends that failed. */
async function deliver(service: UploadService, mediaId: string, groups: readonly Send[][]) {
  const failures: { index: number; code: unknown }[] = []
  for (const group of groups) {
    const results = await Promise.allSettled(group.map((s) => send(service, mediaId, s)))
    results.forEach((result, j) => {
      if (result.status === 'rejected') {
        const reason: unknown = result.reason
        failures.push({ index: group[j]?.index ?? -1, code: isApiError(reason) ? reason.code : String(reason) })
      }
    })
  }
  return failures
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

async function storedSha256(stores: Stores, mediaId: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of readSegments(stores.blobs, await stores.store.listSegments(mediaId))) {
    hash.update(chunk as Buffer)
  }
  return hash.digest('hex')
}

/** No staged leftovers, no temp files, and exactly the recorded segments' objects under the upload. */
async function expectNoStrayBlobs(stores: Stores, mediaId: string): Promise<void> {
  const referenced = (await stores.store.listSegments(mediaId)).map((s) => s.blobKey).sort()
  expect(await stores.blobs.list(`uploads/${mediaId}/`)).toEqual(referenced)
  expect(await stores.blobs.list('staging/')).toEqual([])
  expect((await stores.tempFiles?.()) ?? []).toEqual([])
}

/** FINALIZE succeeds, also when two race, is idempotent, and the stored segments are `source`. */
async function expectFinalizes(service: UploadService, stores: Stores, mediaId: string, source: Buffer) {
  const [first, racing] = await Promise.all([service.finalize(OWNER, mediaId), service.finalize(OWNER, mediaId)])
  const second = await service.finalize(OWNER, mediaId)
  expect({ state: first.state, sizeBytes: first.sizeBytes, mediaType: first.mediaType }).toEqual({
    state: 'succeeded',
    sizeBytes: source.length,
    mediaType: 'video/mp4',
  })
  expect([racing.sizeBytes, second.sizeBytes]).toEqual([first.sizeBytes, first.sizeBytes])
  expect(await storedSha256(stores, mediaId)).toBe(sha256(source))
  await expectNoStrayBlobs(stores, mediaId)
}

/** `blobs` whose reads of keys under `prefix` wait for `release()`; `held` resolves at the first such read. */
function holdReads(blobs: BlobStore, prefix: string) {
  let onHeld = () => {}
  let release = () => {}
  const held = new Promise<void>((resolve) => {
    onHeld = resolve
  })
  const released = new Promise<void>((resolve) => {
    release = resolve
  })
  const read = async (key: string, range?: ByteRange) => {
    if (key.startsWith(prefix)) {
      onHeld()
      await released
    }
    return blobs.read(key, range)
  }
  const gated = new Proxy(blobs, {
    get: (target, property) => {
      if (property === 'read') return read
      const value: unknown = Reflect.get(target, property, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
  return { blobs: gated, held, release: () => release() }
}

const fileArb = fc.record({
  size: fc.integer({ min: MP4_HEAD.length, max: MAX_FILE_BYTES }),
  seed: fc.integer(),
  cuts: fc.array(fc.nat(0xffff), { maxLength: 10 }),
})

/** Files of at most 16 KiB: FINALIZE sniffs the first 4 KiB, and small files shrink fast on disk. */
const smallFileArb = fc.record({
  size: fc.integer({ min: MP4_HEAD.length, max: 16 * 1024 }),
  seed: fc.integer(),
  cuts: fc.array(fc.nat(0xffff), { maxLength: 10 }),
})

const scheduleArb: fc.Arbitrary<Schedule> = fc.record({
  resends: fc.array(fc.nat(), { maxLength: 6 }),
  keys: fc.array(fc.nat(), { minLength: SLOTS, maxLength: SLOTS }),
  breaks: fc.array(fc.boolean(), { minLength: SLOTS, maxLength: SLOTS }),
})

describe.each(BACKENDS)('upload reassembly on $name', (backend) => {
  let dir: string
  let stores: Stores
  let service: UploadService
  const clock = new ManualClock()
  const runs = { numRuns: backend.numRuns }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'birdhouse-reassembly-'))
    stores = await backend.open(dir)
    service = serviceOn(stores.blobs)
  })

  const serviceOn = (blobs: BlobStore) =>
    new UploadService({
      store: stores.store,
      blobs,
      clock,
      ids: new SnowflakeGenerator(clock, 1),
      limits: 'default',
      maxSegmentBytes: MAX_SEGMENT_BYTES,
      uploadExpiresSecs: 3600,
      mediaExpiresSecs: 86_400,
    })

  afterAll(async () => {
    await Promise.all([stores?.store.close(), stores?.blobs.close()])
    await rm(dir, { recursive: true, force: true })
  })

  const init = (totalBytes: number) =>
    service.init(OWNER, { mediaType: 'video/mp4', totalBytes, category: null, additionalOwners: [], shared: false })

  it('reassembles any segmentation sent in any order, with duplicates and concurrency', async () => {
    await fc.assert(
      fc.asyncProperty(fileArb, scheduleArb, async ({ size, seed, cuts }, schedule) => {
        const source = buildFile(size, seed)
        const pieces = cutFile(source, cuts)
        const media = await init(source.length)
        expect(await deliver(service, media.id, buildGroups(pieces, schedule))).toEqual([])
        await expectFinalizes(service, stores, media.id, source)
      }),
      runs,
    )
  })

  it('rejects a segment set one byte short, one byte long or with a gap, then finalizes after a good re-send', async () => {
    const faultArb = fc.record({ kind: fc.constantFrom('short', 'long', 'gap'), target: fc.nat(), at: fc.nat() })
    await fc.assert(
      fc.asyncProperty(fileArb, scheduleArb, faultArb, async ({ size, seed, cuts }, schedule, fault) => {
        const source = buildFile(size, seed)
        const pieces = cutFile(source, cuts)
        // Only non-empty pieces: leaving out a trailing empty segment leaves the file whole.
        const candidates = [...pieces.keys()].filter((i) => (pieces[i]?.length ?? 0) > 0)
        const target = candidates[fault.target % candidates.length] ?? 0
        const good = pieces[target] ?? Buffer.alloc(0)
        const at = fault.at % (good.length + (fault.kind === 'long' ? 1 : 0))
        const bad =
          fault.kind === 'short'
            ? Buffer.concat([good.subarray(0, at), good.subarray(at + 1)])
            : Buffer.concat([good.subarray(0, at), Buffer.from([fault.at & 0xff]), good.subarray(at)])
        const faulty = pieces.map((piece, i) => (i === target ? bad : piece))
        const media = await init(source.length)
        const groups = buildGroups(faulty, schedule, fault.kind === 'gap' ? target : undefined)
        const failures = await deliver(service, media.id, groups)
        const oversized = fault.kind === 'long' && bad.length > MAX_SEGMENT_BYTES
        const targetSends = groups.flat().filter((s) => s.index === target).length
        expect(failures).toEqual(oversized ? Array(targetSends).fill({ index: target, code: 'SEGMENT_TOO_LARGE' }) : [])
        await expect(service.finalize(OWNER, media.id)).rejects.toMatchObject({ code: 'SEGMENTS_SIZE_MISMATCH' })
        expect((await service.getOwned(OWNER, media.id)).state).toBe('uploading')
        await send(service, media.id, { index: target, bytes: good })
        await expectFinalizes(service, stores, media.id, source)
      }),
      runs,
    )
  })

  it('lets the last sequential re-send of an index replace earlier, different bytes', async () => {
    const staleArb = fc.array(
      fc.record({ target: fc.nat(), size: fc.nat(MAX_SEGMENT_BYTES), seed: fc.integer(), key: fc.nat() }),
      { minLength: 1, maxLength: 6 },
    )
    await fc.assert(
      fc.asyncProperty(fileArb, scheduleArb, staleArb, async ({ size, seed, cuts }, schedule, stale) => {
        const source = buildFile(size, seed)
        const pieces = cutFile(source, cuts)
        const staleSends = stale.map((s) => ({
          index: s.target % pieces.length,
          bytes: noise(s.size, s.seed),
          key: s.key,
        }))
        // Each index's good send goes after that index's stale sends; indices still interleave.
        const goodSends = pieces.map((bytes, index) => ({
          index,
          bytes,
          key: Math.max(
            schedule.keys[index % SLOTS] ?? 0,
            ...staleSends.filter((s) => s.index === index).map((s) => s.key + 1),
          ),
        }))
        const ordered = [...staleSends, ...goodSends].sort((a, b) => a.key - b.key)
        const media = await init(source.length)
        for (const s of ordered) await send(service, media.id, s)
        expect((await stores.store.listSegments(media.id)).map((s) => s.sizeBytes)).toEqual(pieces.map((p) => p.length))
        await expectFinalizes(service, stores, media.id, source)
      }),
      runs,
    )
  })

  it('finalizes (retrying) when an APPEND races it, keeping the bytes of an acknowledged APPEND', async () => {
    const raceArb = fc.record({ target: fc.nat(), seed: fc.integer(), ticks: fc.nat(30) })
    await fc.assert(
      fc.asyncProperty(smallFileArb, raceArb, async ({ size, seed, cuts }, race) => {
        const source = buildFile(size, seed)
        const pieces = cutFile(source, cuts)
        const index = race.target % pieces.length
        const offset = pieces.slice(0, index).reduce((sum, p) => sum + p.length, 0)
        const length = pieces[index]?.length ?? 0
        // Same length, other bytes, same mp4 head: the race decides the content, never the outcome.
        const replaced = Buffer.from(source)
        noise(length, race.seed).copy(replaced, offset)
        MP4_HEAD.copy(replaced)
        const media = await init(source.length)
        for (const [i, bytes] of pieces.entries()) await send(service, media.id, { index: i, bytes })
        const staged = await service.stage(Readable.from([replaced.subarray(offset, offset + length)]), STAGE_LIMIT)
        const lateAppend = async () => {
          for (let i = 0; i < race.ticks; i++) await new Promise((resolve) => setImmediate(resolve))
          await service.append(OWNER, media.id, index, staged)
        }
        const [finalized, appended] = await Promise.allSettled([service.finalize(OWNER, media.id), lateAppend()])
        expect(finalized).toMatchObject({ status: 'fulfilled' })
        if (appended.status === 'rejected') expect(appended.reason).toMatchObject({ code: 'UPLOAD_ALREADY_FINALIZED' })
        const expected = appended.status === 'fulfilled' ? replaced : source
        expect(await storedSha256(stores, media.id)).toBe(sha256(expected))
        await expectNoStrayBlobs(stores, media.id)
      }),
      // A racy failure shrinks slowly on disk (candidates pass or fail by timing): cap the search.
      { ...runs, skipAllAfterTimeLimit: 8_000 },
    )
  })

  it('retries FINALIZE, rather than failing, when an APPEND replaces a segment FINALIZE is sniffing', async () => {
    // FINALIZE lists the segments, then reads the head; a re-send in between deletes the blob it
    // replaced. The compare-and-set would retry, but the read fails first (BLOB_NOT_FOUND, or ENOENT
    // from the disk store). Reads of segment 1 are held until the re-send is acknowledged, so the
    // interleaving is the same on every backend and every run.
    const source = buildFile(12, 1)
    const media = await init(source.length)
    await send(service, media.id, { index: 0, bytes: source.subarray(0, 1) })
    await send(service, media.id, { index: 1, bytes: source.subarray(1) })
    const staged = await service.stage(Readable.from([source.subarray(1)]), STAGE_LIMIT)
    const gate = holdReads(stores.blobs, `uploads/${media.id}/001-`)
    const finalizing = serviceOn(gate.blobs).finalize(OWNER, media.id)
    await Promise.race([gate.held, finalizing])
    await service.append(OWNER, media.id, 1, staged)
    gate.release()
    await expect(finalizing).resolves.toMatchObject({ state: 'succeeded', sizeBytes: 12 })
    expect(await storedSha256(stores, media.id)).toBe(sha256(source))
  })

  it('records nothing from a body that fails midway, and finalizes after a good re-send', async () => {
    const source = buildFile(120_000, 42)
    const [first, middle, last] = [source.subarray(0, 40_000), source.subarray(40_000, 80_000), source.subarray(80_000)]
    const failingBody = Readable.from(
      (async function* () {
        yield middle.subarray(0, 10_000)
        throw new Error('connection reset')
      })(),
    )
    const media = await init(source.length)
    await send(service, media.id, { index: 0, bytes: first })
    await send(service, media.id, { index: 2, bytes: last })
    const before = await stores.store.listSegments(media.id)
    await expect(service.stage(failingBody, STAGE_LIMIT)).rejects.toThrow('connection reset')
    expect(await stores.store.listSegments(media.id)).toEqual(before)
    await expectNoStrayBlobs(stores, media.id)
    await expect(service.finalize(OWNER, media.id)).rejects.toMatchObject({ code: 'SEGMENTS_SIZE_MISMATCH' })
    await send(service, media.id, { index: 1, bytes: middle })
    await expectFinalizes(service, stores, media.id, source)
  })
})
