/** A pass-through stream that counts bytes and fails once they pass a limit. */
import { Transform, type TransformCallback } from 'node:stream'
import { ApiError } from '../../errors.js'

/** Counts what flows through; errors with `BLOB_TOO_LARGE` past `maxBytes`. */
export class ByteLimit extends Transform {
  readonly #maxBytes: number
  #bytes = 0

  constructor(maxBytes: number) {
    super()
    this.#maxBytes = maxBytes
  }

  /** Bytes seen so far. */
  get bytes(): number {
    return this.#bytes
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#bytes += chunk.length
    if (this.#bytes > this.#maxBytes) {
      callback(new ApiError('BLOB_TOO_LARGE', { params: { maxBytes: this.#maxBytes } }))
      return
    }
    callback(null, chunk)
  }
}
