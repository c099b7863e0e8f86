/** Upload sources over bytes already in memory (Uint8Array, Node Buffer) and over Blobs / Files. */
import { type ByteSource, edgeFingerprint } from './byte-source.js'

/** A source over `bytes` (segments are views, not copies). */
export function bytesSource(bytes: Uint8Array, fingerprint?: string): ByteSource {
  const source: ByteSource = {
    size: bytes.byteLength,
    randomAccess: true,
    read: async (start, end) => bytes.subarray(start, end),
    head: async (length) => bytes.subarray(0, length),
    fingerprint: async () => fingerprint ?? (await edgeFingerprint(source, undefined)),
    restart: async () => {},
    close: async () => {},
  }
  return source
}

/** A source over a Blob or File; each segment is sliced and read when its turn comes. */
export function blobSource(blob: Blob, fingerprint?: string): ByteSource {
  const file = typeof File !== 'undefined' && blob instanceof File ? blob : undefined
  const read = async (start: number, end: number) => new Uint8Array(await blob.slice(start, end).arrayBuffer())
  const source: ByteSource = {
    size: blob.size,
    randomAccess: true,
    identity: file === undefined ? undefined : `file:${file.name}`,
    read,
    head: (length) => read(0, Math.min(length, blob.size)),
    fingerprint: async () => fingerprint ?? (await edgeFingerprint(source, file?.lastModified)),
    restart: async () => {},
    close: async () => {},
  }
  return source
}
