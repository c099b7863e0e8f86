/**
 * Parallel segments and per-segment retry, through the fault proxy in front of a real app: the
 * proxy holds, resets and refuses APPENDs, and the stored bytes must still equal the source.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { bearer } from '../bearer.js'
import { createClient } from '../client.js'
import { isXApiError } from '../errors.js'
import type { Transport } from '../http/transport.js'
import type { ByteSource } from '../sources/byte-source.js'
import { bytesSource } from '../sources/memory-source.js'
import { type FaultProxy, startFaultProxy } from '../test-support/fault-proxy.js'
import { type MediaFixtures, mediaFixtures } from '../test-support/media-fixtures.js'
import { sha256, startTestServer, type TestServer } from '../test-support/test-server.js'
import { TRANSPORTS } from '../test-support/transports.js'
import { effectiveChunkBytes, layoutSegments, sendSegments } from './segments.js'

let server: TestServer
let proxy: FaultProxy
let media: MediaFixtures
const proxies: FaultProxy[] = []

beforeAll(async () => {
  ;[server, media] = await Promise.all([startTestServer(), mediaFixtures()])
})
afterAll(() => server.close())
afterEach(async () => {
  await Promise.all(proxies.splice(0).map((p) => p.close()))
})

async function openProxy(): Promise<FaultProxy> {
  proxy = await startFaultProxy(server.url)
  proxies.push(proxy)
  return proxy
}

const CHUNK_BYTES = 64 * 1024

async function uploadThroughProxy(
  options: { parallel?: number; wireStyle?: 'v2' | 'v2-command' | 'v1.1' } = {},
  transport?: Transport,
) {
  const client = createClient({
    apiBaseUrl: proxy.url,
    auth: bearer(server.token),
    retry: { baseDelayMs: 5 },
    transport,
  })
  return client.uploadMedia(media.mp4, { chunkBytes: CHUNK_BYTES, waitForProcessing: false, ...options })
}

async function expectStoredSource(mediaId: string) {
  expect((await server.storedUpload(mediaId)).sha256).toBe(sha256(media.mp4))
}

describe('parallel segments', () => {
  it('keeps up to `parallel` APPENDs in flight and lets them finish out of order', async () => {
    await openProxy()
    let releaseFirst: () => void = () => {}
    const firstHeld = new Promise<void>((resolve) => {
      releaseFirst = resolve
      // Never hang the suite: a sequential uploader would wait here forever.
      setTimeout(resolve, 10_000).unref()
    })
    proxy.rule = (request) => (request.segmentIndex === 0 ? { kind: 'hold', until: firstHeld } : undefined)
    proxy.onComplete = (request) => {
      if (request.segmentIndex === 1) releaseFirst()
    }
    const result = await uploadThroughProxy({ parallel: 3 })
    const order = proxy.completed.filter((r) => r.command === 'APPEND').map((r) => r.segmentIndex)
    expect(order.indexOf(1)).toBeLessThan(order.indexOf(0))
    expect(proxy.maxConcurrentAppends).toBeGreaterThanOrEqual(2)
    expect(proxy.maxConcurrentAppends).toBeLessThanOrEqual(3)
    await expectStoredSource(result.mediaId)
  })

  it('reads a segment only when a slot is free, so at most `parallel` are held', async () => {
    const bytes = new Uint8Array(10 * 1024)
    const base = bytesSource(bytes)
    let held = 0
    const heldAtRead: number[] = []
    const source = {
      ...base,
      read: (start: number, end: number) => {
        heldAtRead.push(held)
        held += 1
        return base.read(start, end)
      },
    }
    await sendSegments({
      source,
      segments: layoutSegments(bytes.length, 1024),
      parallel: 2,
      send: () => new Promise((resolve) => setImmediate(resolve)),
      onAck: async () => {
        held -= 1
      },
    })
    expect(heldAtRead).toHaveLength(10)
    expect(Math.max(...heldAtRead)).toBe(1)
  })

  it('raises the segment size so a file fits in 1000 segments', () => {
    expect(effectiveChunkBytes(4000, 1)).toBe(4)
    expect(effectiveChunkBytes(100, 64)).toBe(64)
  })
})

describe('segment buffers', () => {
  const PARALLEL = 3
  const SEGMENT_BYTES = 1000
  /** 20 segments, the last one half as long. */
  const bytes = Uint8Array.from({ length: 19 * SEGMENT_BYTES + SEGMENT_BYTES / 2 }, (_, i) => (i * 31 + (i >> 8)) & 255)
  const segments = layoutSegments(bytes.length, SEGMENT_BYTES)

  /** A source that reads into the engine's buffers (as the file source does), recording each target. */
  function readIntoSource(targets: Set<ArrayBufferLike>): ByteSource {
    return {
      ...bytesSource(bytes),
      readInto: async (start, end, target) => {
        targets.add(target.buffer)
        const view = target.subarray(0, end - start)
        view.set(bytes.subarray(start, end))
        return view
      },
    }
  }

  const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b))
  /** Out of order on purpose: waits of 0 to 12 ms that do not grow with the index. */
  const sendDelayMs = (index: number) => ((index * 7) % 5) * 3

  it('lends at most `parallel` buffers for the whole upload, each to one send at a time', async () => {
    const targets = new Set<ArrayBufferLike>()
    const inFlight = new Set<ArrayBufferLike>()
    const sentFrom = new Set<ArrayBufferLike>()
    const sharedBy: number[] = []
    let maxInFlight = 0
    await sendSegments({
      source: readIntoSource(targets),
      segments,
      parallel: PARALLEL,
      send: async (segment, segmentBytes) => {
        const buffer = segmentBytes.buffer
        if (inFlight.has(buffer)) sharedBy.push(segment.index)
        inFlight.add(buffer)
        sentFrom.add(buffer)
        maxInFlight = Math.max(maxInFlight, inFlight.size)
        await new Promise((resolve) => setTimeout(resolve, sendDelayMs(segment.index)))
        inFlight.delete(buffer)
      },
      onAck: async () => {},
    })
    expect(sharedBy).toEqual([])
    expect(maxInFlight).toBe(PARALLEL)
    expect(sentFrom.size).toBeLessThanOrEqual(PARALLEL)
    // Every send got a view of a buffer the engine lent to `readInto`, not a copy or a fresh read.
    expect([...sentFrom].every((buffer) => targets.has(buffer))).toBe(true)
  })

  it("hands each send its own segment's bytes until it settled, even when sends finish out of order", async () => {
    const finished: number[] = []
    const wrongAtStart: number[] = []
    const wrongAtEnd: number[] = []
    await sendSegments({
      source: readIntoSource(new Set()),
      segments,
      parallel: PARALLEL,
      send: async (segment, segmentBytes) => {
        const expected = bytes.subarray(segment.start, segment.end)
        if (!sameBytes(segmentBytes, expected)) wrongAtStart.push(segment.index)
        await new Promise((resolve) => setTimeout(resolve, sendDelayMs(segment.index)))
        // A buffer handed to the next segment while this send was running would fail here.
        if (!sameBytes(segmentBytes, expected)) wrongAtEnd.push(segment.index)
        finished.push(segment.index)
      },
      onAck: async () => {},
    })
    expect(finished).toHaveLength(segments.length)
    expect(finished).not.toEqual([...finished].sort((a, b) => a - b))
    expect(wrongAtStart).toEqual([])
    expect(wrongAtEnd).toEqual([])
  })
})

describe('per-segment retry', () => {
  const FAULTS = [
    ['a connection reset before the server saw the segment', { kind: 'reset' }],
    ['a connection reset after the server stored it (re-APPEND of the same index)', { kind: 'reset-after' }],
    ['503', { kind: 'status', status: 503 }],
    ['429 with x-rate-limit-reset', { kind: 'rate-limit', resetEpochSecs: Math.floor(Date.now() / 1000) }],
  ] as const

  /** Each fault over each transport (one transport of each kind for the whole group, as a client keeps one). */
  const FAULT_CASES = TRANSPORTS.flatMap(([transportName, makeTransport]) => {
    const transport = makeTransport()
    return FAULTS.map(([faultName, fault]) => [faultName, transportName, transport, fault] as const)
  })

  it.each(FAULT_CASES)('survives %s on two segments over %s', async (_faultName, _transportName, transport, fault) => {
    await openProxy()
    const faulted = new Set<number>()
    proxy.rule = (request) => {
      const index = request.segmentIndex
      if (request.command !== 'APPEND' || index === undefined || ![2, 5].includes(index) || faulted.has(index)) return
      faulted.add(index)
      return fault
    }
    const result = await uploadThroughProxy({}, transport)
    const appends = proxy.appends()
    expect(appends.filter((r) => r.segmentIndex === 2)).toHaveLength(2)
    expect(appends.filter((r) => r.segmentIndex === 5)).toHaveLength(2)
    expect(appends).toHaveLength(result.segmentsTotal + 2)
    await expectStoredSource(result.mediaId)
  })

  it.each(['v2-command', 'v1.1'] as const)('retries over %s too', async (wireStyle) => {
    await openProxy()
    let failed = false
    proxy.rule = (request) => {
      if (request.command !== 'APPEND' || request.segmentIndex !== 1 || failed) return
      failed = true
      return { kind: 'status', status: 503 }
    }
    const result = await uploadThroughProxy({ wireStyle })
    expect(proxy.appends().filter((r) => r.segmentIndex === 1)).toHaveLength(2)
    await expectStoredSource(result.mediaId)
  })

  it('retries INIT and FINALIZE as well', async () => {
    await openProxy()
    const failedOnce = new Set<string>()
    proxy.rule = (request) => {
      if (request.command === undefined || !['INIT', 'FINALIZE'].includes(request.command)) return
      if (failedOnce.has(request.command)) return
      failedOnce.add(request.command)
      return { kind: 'reset' }
    }
    const result = await uploadThroughProxy()
    expect(proxy.requests.filter((r) => r.command === 'INIT')).toHaveLength(2)
    expect(proxy.requests.filter((r) => r.command === 'FINALIZE')).toHaveLength(2)
    await expectStoredSource(result.mediaId)
  })

  it('does not retry another 4xx, and stops the other segments', async () => {
    await openProxy()
    proxy.rule = (request) => (request.segmentIndex === 3 ? { kind: 'status', status: 400 } : undefined)
    const failure = await uploadThroughProxy().catch((error: unknown) => error)
    expect(isXApiError(failure) && failure.status).toBe(400)
    expect(proxy.appends().filter((r) => r.segmentIndex === 3)).toHaveLength(1)
    expect(proxy.requests.filter((r) => r.command === 'FINALIZE')).toHaveLength(0)
  })

  it('gives up when the retries are used up', async () => {
    await openProxy()
    proxy.rule = (request) => (request.segmentIndex === 0 ? { kind: 'status', status: 503 } : undefined)
    const client = createClient({
      apiBaseUrl: proxy.url,
      auth: bearer(server.token),
      retry: { baseDelayMs: 1, retries: 2 },
    })
    const failure = await client.uploadMedia(media.mp4, { chunkBytes: CHUNK_BYTES }).catch((error: unknown) => error)
    expect(isXApiError(failure) && failure.status).toBe(503)
    expect(proxy.appends().filter((r) => r.segmentIndex === 0)).toHaveLength(3)
  })
})
