/** Turns what callers pass to `uploadMedia` into a `ByteSource`. */
import type { ByteSource } from './byte-source.js'
import { blobSource, bytesSource } from './memory-source.js'
import { type StreamInput, streamSource } from './stream-source.js'

/** What the core uploads: bytes, a Blob or File, a stream of known size, or any `ByteSource`. */
export type UploadSource = Uint8Array | Blob | StreamInput | ByteSource

/** An opened source and whether the upload owns it (and closes it when done). */
export interface OpenedSource {
  source: ByteSource
  owned: boolean
}

function isByteSource(value: object): value is ByteSource {
  return 'read' in value && typeof value.read === 'function' && 'head' in value && typeof value.head === 'function'
}

/** Opens `input`; a caller's own `ByteSource` is used as is and left open. */
export function openSource(input: UploadSource): OpenedSource {
  if (input instanceof Uint8Array) return { source: bytesSource(input), owned: true }
  if (typeof Blob !== 'undefined' && input instanceof Blob) return { source: blobSource(input), owned: true }
  if (isByteSource(input)) return { source: input, owned: false }
  if ('stream' in input && typeof input.stream === 'function') return { source: streamSource(input), owned: true }
  throw new TypeError('uploadMedia: the source must be bytes, a Blob, { stream, size } or a ByteSource')
}
