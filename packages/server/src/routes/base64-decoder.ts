/** A streaming base64 decoder for `media_data` and `Content-Transfer-Encoding: base64` parts. */
import { Transform, type TransformCallback } from 'node:stream'
import { ApiError } from '../errors.js'

const INVALID = /[^A-Za-z0-9+/=_-]/

/** Decodes base64 text (standard or URL-safe, whitespace ignored) as it streams. */
export class Base64Decoder extends Transform {
  #pending = ''

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const text = this.#pending + chunk.toString('latin1').replace(/\s+/g, '')
    if (INVALID.test(text)) {
      callback(new ApiError('MALFORMED_BODY', { params: { reason: 'media_data is not valid base64.' } }))
      return
    }
    const usable = text.length - (text.length % 4)
    this.#pending = text.slice(usable)
    callback(null, Buffer.from(text.slice(0, usable), 'base64'))
  }

  override _flush(callback: TransformCallback): void {
    callback(null, this.#pending.length > 0 ? Buffer.from(this.#pending, 'base64') : undefined)
  }
}

/** Decodes a whole base64 string, refusing characters outside the alphabet. */
export function decodeBase64(text: string): Buffer {
  const compact = text.replace(/\s+/g, '')
  if (INVALID.test(compact)) throw new ApiError('MALFORMED_BODY', { params: { reason: 'media is not valid base64.' } })
  return Buffer.from(compact, 'base64')
}
