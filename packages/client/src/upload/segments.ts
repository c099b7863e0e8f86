/**
 * Parallel APPENDs with bounded memory. A segment is read from its source only when one of the
 * `parallel` slots is free, and its bytes are let go once X acknowledged it (and the checkpoint
 * recorded it), so at most `parallel` segments are held whatever the file size. Sources that can
 * `readInto` a buffer share `parallel` buffers for the whole upload, each lent to one segment from
 * its read until its request settled and handed back only then: twitter-api-v2 corrupts parallel
 * segments by reusing one read buffer for all of them (real-clients.md §0.2), and a fresh buffer
 * per segment leaves the garbage collector hundreds of megabytes behind. The first failure aborts
 * the other requests in flight.
 */
import { MAX_SEGMENT_INDEX } from '@birdhouse/protocol'
import type { ByteSource } from '../sources/byte-source.js'

/** One segment of the file. */
export interface Segment {
  index: number
  start: number
  /** Exclusive. */
  end: number
}

/** The segment size to use: `chunkBytes`, raised so the file fits in X's 1000 segments. */
export function effectiveChunkBytes(totalBytes: number, chunkBytes: number): number {
  if (!Number.isSafeInteger(chunkBytes) || chunkBytes < 1) throw new RangeError(`chunkBytes must be a positive integer`)
  return Math.max(chunkBytes, Math.ceil(totalBytes / (MAX_SEGMENT_INDEX + 1)))
}

/** Splits `totalBytes` into segments of `chunkBytes` (the last one shorter). */
export function layoutSegments(totalBytes: number, chunkBytes: number): Segment[] {
  const segments: Segment[] = []
  for (let index = 0, start = 0; start < totalBytes; index++, start += chunkBytes) {
    segments.push({ index, start, end: Math.min(totalBytes, start + chunkBytes) })
  }
  return segments
}

/** Options of `sendSegments`. */
export interface SendSegmentsOptions {
  source: ByteSource
  /** Segments to send, ascending. */
  segments: readonly Segment[]
  /** Segments in flight at once (at least 1). */
  parallel: number
  /** Sends one segment (retrying as it sees fit); `signal` aborts when the upload fails or is aborted. */
  send(segment: Segment, bytes: Uint8Array, signal: AbortSignal): Promise<void>
  /** Records an acknowledged segment before its slot is freed. */
  onAck(segment: Segment): Promise<void>
  signal?: AbortSignal | undefined
}

/** Sends every segment; rejects with the first failure, or the abort reason. */
export async function sendSegments(options: SendSegmentsOptions): Promise<void> {
  const { signal } = options
  if (signal?.aborted) throw signal.reason
  const controller = new AbortController()
  const onAbort = () => controller.abort(signal?.reason)
  signal?.addEventListener('abort', onAbort, { once: true })
  let failure: { error: unknown } | undefined
  const fail = (error: unknown) => {
    if (failure !== undefined) return
    failure = { error }
    controller.abort(error)
  }
  const inFlight = new Set<Promise<void>>()
  const buffers = new BufferPool(Math.max(0, ...options.segments.map((segment) => segment.end - segment.start)))
  const read = (segment: Segment): Promise<{ bytes: Uint8Array; lent?: Uint8Array }> => {
    const { source } = options
    if (source.readInto === undefined) return source.read(segment.start, segment.end).then((bytes) => ({ bytes }))
    const lent = buffers.take()
    return source.readInto(segment.start, segment.end, lent).then(
      (bytes) => ({ bytes, lent }),
      (error: unknown) => {
        buffers.give(lent)
        throw error
      },
    )
  }
  const run = async (segment: Segment, bytes: Uint8Array, lent: Uint8Array | undefined) => {
    try {
      await options.send(segment, bytes, controller.signal)
      await options.onAck(segment)
    } catch (error) {
      fail(error)
    } finally {
      if (lent !== undefined) buffers.give(lent)
    }
  }
  try {
    for (const segment of options.segments) {
      while (inFlight.size >= Math.max(1, options.parallel)) await Promise.race(inFlight)
      if (controller.signal.aborted) break
      const got = await read(segment).catch((error: unknown) => {
        fail(error)
        return undefined
      })
      if (got === undefined) break
      if (controller.signal.aborted) {
        if (got.lent !== undefined) buffers.give(got.lent)
        break
      }
      const task: Promise<void> = run(segment, got.bytes, got.lent).finally(() => inFlight.delete(task))
      inFlight.add(task)
    }
    await Promise.all(inFlight)
  } finally {
    signal?.removeEventListener('abort', onAbort)
  }
  if (signal?.aborted) throw signal.reason
  if (failure !== undefined) throw failure.error
}

/** Buffers of one size, allocated on first need and reused; at most as many exist as were ever taken at once. */
class BufferPool {
  readonly #size: number
  readonly #free: Uint8Array[] = []

  constructor(size: number) {
    this.#size = size
  }

  take(): Uint8Array {
    return this.#free.pop() ?? new Uint8Array(this.#size)
  }

  give(buffer: Uint8Array): void {
    this.#free.push(buffer)
  }
}
