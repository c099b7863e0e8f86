/**
 * Media bytes. Keys are opaque `/`-separated strings (`uploads/<media id>/<segment nonce>`);
 * implementations reject keys that are empty, absolute or escape their root (`BLOB_KEY_INVALID`).
 *
 * Every write is all-or-nothing: `put` streams into a temporary object and publishes it under the
 * key only once the whole body arrived (temp file + fsync + rename on disk; a completed upload on
 * S3), so a crash or a cut connection never leaves half-written bytes under a key.
 */
import type { Readable } from 'node:stream'

/** An inclusive byte range. */
export interface ByteRange {
  start: number
  end: number
}

/** What a backend can do beyond the contract. */
export interface BlobStoreCapabilities {
  /** Objects are files on the local disk that `localPath` can name (ffmpeg reads them in place). */
  readonly localFiles: boolean
}

/** Options of `put`. */
export interface PutOptions {
  /** Largest accepted body; past it `put` rejects with `BLOB_TOO_LARGE` and keeps nothing. */
  maxBytes?: number
  /**
   * Default true. False for a staging object the caller will `move`: the put is still atomic, but
   * durability is left to the `move`, which makes the object durable where it lands (one flush
   * instead of two on the hot APPEND path).
   */
  durable?: boolean
}

/** The blob store contract. */
export interface BlobStore {
  readonly capabilities: BlobStoreCapabilities
  /** Streams `body` under `key`, replacing any earlier object atomically; resolves to the size written. */
  put(key: string, body: Readable, options?: PutOptions): Promise<{ sizeBytes: number }>
  /** Streams an object or a byte range of it; `BLOB_NOT_FOUND` when absent. */
  read(key: string, range?: ByteRange): Promise<Readable>
  /** Size of an object, or undefined when absent. */
  stat(key: string): Promise<{ sizeBytes: number } | undefined>
  /** Renames an object (replacing the target) and makes it durable there; `BLOB_NOT_FOUND` when the source is absent. */
  move(fromKey: string, toKey: string): Promise<void>
  /** Deletes an object; absent objects are fine. */
  remove(key: string): Promise<void>
  /** Deletes every object under a prefix (`uploads/123/`). */
  removePrefix(prefix: string): Promise<void>
  /** Keys under a prefix, sorted. */
  list(prefix: string): Promise<string[]>
  /** Path of the object on local disk; `UNSUPPORTED_OPERATION` unless `capabilities.localFiles`. */
  localPath(key: string): string
  /** Releases resources; idempotent. */
  close(): Promise<void>
}
