/**
 * A source over a stream of known size: an async iterable or a WHATWG ReadableStream (read through
 * `getReader()`, which browsers without async-iterable streams have too). Bytes are pulled only as
 * far as the segment being read; the head read for sniffing is kept until that segment is taken.
 * A stream that ends early or runs past `size` is a `SourceError`: X would otherwise answer
 * "Segments do not add up to provided total file size." only at FINALIZE.
 */
import { SourceError } from '../errors.js'
import type { ByteSource } from './byte-source.js'

/** A stream the caller can open (again) and its exact size. */
export interface StreamInput {
  /** Opens the stream from byte 0; called again to start an upload over. */
  stream: () => AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>
  /** Exact size in bytes. */
  size: number
  /** Identifies the content for resuming; without it a stream upload cannot resume. */
  fingerprint?: string
}

function iteratorOf(stream: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>): AsyncIterator<Uint8Array> {
  if (Symbol.asyncIterator in stream) return stream[Symbol.asyncIterator]()
  const reader = stream.getReader()
  return {
    next: async () => {
      const { done, value } = await reader.read()
      return done ? { done: true, value: undefined } : { done: false, value }
    },
    return: async () => {
      await reader.cancel()
      return { done: true, value: undefined }
    },
  }
}

class StreamSource implements ByteSource {
  readonly size: number
  readonly randomAccess = false
  readonly #input: StreamInput
  #iterator: AsyncIterator<Uint8Array> | undefined
  #chunks: Uint8Array[] = []
  /** Offset of the first byte held in `#chunks`. */
  #heldStart = 0
  #heldBytes = 0

  constructor(input: StreamInput) {
    this.#input = input
    this.size = input.size
  }

  /** Pulls until `untilOffset` is held, dropping whole chunks before `keepFrom` as it goes. */
  async #fill(untilOffset: number, keepFrom = this.#heldStart): Promise<void> {
    this.#iterator ??= iteratorOf(this.#input.stream())
    while (this.#heldStart + this.#heldBytes < untilOffset) {
      const next = await this.#iterator.next()
      if (next.done === true) {
        throw new SourceError(`the stream ended after ${this.#heldStart + this.#heldBytes} of ${this.size} bytes`)
      }
      if (next.value.length === 0) continue
      this.#chunks.push(next.value)
      this.#heldBytes += next.value.length
      if (this.#heldStart + this.#heldBytes > this.size) {
        throw new SourceError(`the stream is longer than its declared size of ${this.size} bytes`)
      }
      this.#release(keepFrom)
    }
  }

  /** Checks that nothing follows the declared last byte. */
  async #expectEnd(): Promise<void> {
    for (;;) {
      const next = await (this.#iterator as AsyncIterator<Uint8Array>).next()
      if (next.done === true) return
      if (next.value.length > 0) {
        throw new SourceError(`the stream is longer than its declared size of ${this.size} bytes`)
      }
    }
  }

  /** Copies `[start, end)` out of the held chunks (which must cover it). */
  #copy(start: number, end: number): Uint8Array {
    const out = new Uint8Array(end - start)
    let offset = this.#heldStart
    for (const chunk of this.#chunks) {
      const from = Math.max(start, offset)
      const to = Math.min(end, offset + chunk.length)
      if (from < to) out.set(chunk.subarray(from - offset, to - offset), from - start)
      offset += chunk.length
      if (offset >= end) break
    }
    return out
  }

  /** Drops held bytes before `offset`. */
  #release(offset: number): void {
    while (this.#chunks.length > 0) {
      const first = this.#chunks[0] as Uint8Array
      if (this.#heldStart + first.length > offset) break
      this.#chunks.shift()
      this.#heldStart += first.length
      this.#heldBytes -= first.length
    }
  }

  async read(start: number, end: number): Promise<Uint8Array> {
    if (start < this.#heldStart) throw new RangeError(`a stream cannot go back to byte ${start}`)
    await this.#fill(end, start)
    const bytes = this.#copy(start, end)
    this.#release(end)
    if (end === this.size) await this.#expectEnd()
    return bytes
  }

  async head(length: number): Promise<Uint8Array> {
    if (this.#heldStart !== 0) throw new RangeError('the head of a stream is gone once segments were read')
    const end = Math.min(length, this.size)
    await this.#fill(end)
    return this.#copy(0, end)
  }

  async fingerprint(): Promise<string | undefined> {
    return this.#input.fingerprint
  }

  async restart(): Promise<void> {
    await this.close()
    this.#chunks = []
    this.#heldStart = 0
    this.#heldBytes = 0
  }

  async close(): Promise<void> {
    const iterator = this.#iterator
    this.#iterator = undefined
    await iterator?.return?.().catch(() => {})
  }
}

/** A source over a stream of known size. */
export function streamSource(input: StreamInput): ByteSource {
  return new StreamSource(input)
}
