/**
 * Where upload bytes come from. The engine reads a segment only when a request slot is free, so
 * memory stays bounded by `parallel × chunkBytes` whatever the file size. Random-access sources
 * (bytes in memory, Blobs and Files, files on disk) are read at any offset; a stream is read in
 * ascending order, once, and reopened to start over.
 */

/**
 * A readable, sized run of bytes. Implement it to upload from anything else (OPFS, S3…).
 * @example
 * const source: ByteSource = { size, randomAccess: true, read: (start, end) => fetchRange(start, end), head: (n) => fetchRange(0, n),
 *   fingerprint: async () => etag, restart: async () => {}, close: async () => {} }
 */
export interface ByteSource {
  /** Size in bytes; exact. */
  readonly size: number
  /** Whether `read` takes ranges in any order (false: ascending, each byte once). */
  readonly randomAccess: boolean
  /** A stable name of the source (a file path), used in the default checkpoint key. */
  readonly identity?: string | undefined
  /** The bytes `[start, end)`, in a buffer the caller may keep. */
  read(start: number, end: number): Promise<Uint8Array>
  /**
   * Optional: the bytes `[start, end)` read into the front of `target` (at least `end - start`
   * long), resolving to that view. The engine then reuses `parallel` buffers for the whole upload
   * instead of allocating one per segment.
   */
  readInto?(start: number, end: number, target: Uint8Array): Promise<Uint8Array>
  /** The first `length` bytes (or fewer, for a shorter source) without consuming them. */
  head(length: number): Promise<Uint8Array>
  /** What identifies the content for resuming; undefined when the source cannot tell. */
  fingerprint(): Promise<string | undefined>
  /** Starts again from byte 0 (a stream is opened anew). */
  restart(): Promise<void>
  /** Releases what the source holds (file handles, stream readers); idempotent. */
  close(): Promise<void>
}

/** Bytes fingerprinted at each end of a source. */
export const FINGERPRINT_EDGE_BYTES = 64 * 1024

function hex(bytes: ArrayBuffer): string {
  return Array.from(new Uint8Array(bytes), (byte) => byte.toString(16).padStart(2, '0')).join('')
}

/**
 * `v1:<size>:<mtime or ->:<sha-256 of the first and last 64 KiB>`: cheap for any size, and it
 * changes when a file is replaced, truncated or appended to. Undefined where WebCrypto is missing
 * (browser pages served over plain http), which turns resuming off rather than guessing.
 * @example const fingerprint = await edgeFingerprint(mySource, stats.mtimeMs)
 */
export async function edgeFingerprint(
  source: Pick<ByteSource, 'size' | 'read'>,
  lastModifiedMs: number | undefined,
): Promise<string | undefined> {
  const subtle = globalThis.crypto?.subtle
  if (subtle === undefined) return undefined
  const size = source.size
  const first = await source.read(0, Math.min(size, FINGERPRINT_EDGE_BYTES))
  const last = await source.read(Math.max(0, size - FINGERPRINT_EDGE_BYTES), size)
  const both = new Uint8Array(first.length + last.length)
  both.set(first, 0)
  both.set(last, first.length)
  const digest = await subtle.digest('SHA-256', both)
  return `v1:${size}:${lastModifiedMs === undefined ? '-' : Math.floor(lastModifiedMs)}:${hex(digest)}`
}
