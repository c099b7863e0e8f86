/**
 * Gathers small chunks into writes of at least `minBytes`. A request body arrives in socket-sized
 * chunks (about 60 KB on loopback), and each `fs.write` costs a thread-pool round trip on the
 * event loop whatever its size: written one by one, a 100 MB upload spent about 200 ms of the
 * server's main thread in `writeBuffer` alone. One copy into a 256 KiB block costs far less than
 * the four writes it saves: the server's CPU time per 100 MB APPENDed fell from about 600 ms to
 * about 300 ms (1 MiB blocks gained nothing more and held more memory).
 */
import { Transform, type TransformCallback } from 'node:stream'

/** Default size of the blocks handed to the file. */
export const COALESCE_BYTES = 256 * 1024

/** Passes the bytes through unchanged, in blocks of at least `minBytes` (the last one shorter). */
export class Coalesce extends Transform {
  readonly #minBytes: number
  #chunks: Buffer[] = []
  #bytes = 0

  constructor(minBytes: number = COALESCE_BYTES) {
    super()
    this.#minBytes = minBytes
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.#bytes === 0 && chunk.length >= this.#minBytes) {
      callback(null, chunk)
      return
    }
    this.#chunks.push(chunk)
    this.#bytes += chunk.length
    if (this.#bytes >= this.#minBytes) this.#release()
    callback()
  }

  override _flush(callback: TransformCallback): void {
    if (this.#bytes > 0) this.#release()
    callback()
  }

  #release(): void {
    const block = this.#chunks.length === 1 ? this.#chunks[0] : Buffer.concat(this.#chunks, this.#bytes)
    this.#chunks = []
    this.#bytes = 0
    this.push(block)
  }
}
