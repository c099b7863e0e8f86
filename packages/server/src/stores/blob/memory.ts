/** In-process `BlobStore` for route tests; passes the blob conformance suite. */
import { Readable, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { ApiError } from '../../errors.js'
import type { BlobStore, BlobStoreCapabilities, ByteRange, PutOptions } from '../blob-store.js'
import { assertBlobKey, assertBlobPrefix } from './blob-key.js'
import { ByteLimit } from './byte-limit.js'

/** A `BlobStore` held in memory. */
export class MemoryBlobStore implements BlobStore {
  readonly capabilities: BlobStoreCapabilities = { localFiles: false }
  #objects = new Map<string, Buffer>()

  /** Opens an empty store. */
  static async open(): Promise<MemoryBlobStore> {
    return new MemoryBlobStore()
  }

  async put(key: string, body: Readable, options: PutOptions = {}): Promise<{ sizeBytes: number }> {
    assertBlobKey(key)
    const limit = new ByteLimit(options.maxBytes ?? Number.POSITIVE_INFINITY)
    const chunks: Buffer[] = []
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk)
        callback()
      },
    })
    // `pipeline`, unlike `pipe`, also rejects when `body` is destroyed without an error.
    await pipeline(body, limit, sink)
    this.#objects.set(key, Buffer.concat(chunks))
    return { sizeBytes: limit.bytes }
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    const bytes = this.#get(key)
    return Readable.from([range === undefined ? bytes : bytes.subarray(range.start, range.end + 1)], {
      objectMode: false,
    })
  }

  async stat(key: string): Promise<{ sizeBytes: number } | undefined> {
    assertBlobKey(key)
    const bytes = this.#objects.get(key)
    return bytes === undefined ? undefined : { sizeBytes: bytes.length }
  }

  async move(fromKey: string, toKey: string): Promise<void> {
    assertBlobKey(toKey)
    const bytes = this.#get(fromKey)
    this.#objects.delete(fromKey)
    this.#objects.set(toKey, bytes)
  }

  async remove(key: string): Promise<void> {
    assertBlobKey(key)
    this.#objects.delete(key)
  }

  async removePrefix(prefix: string): Promise<void> {
    assertBlobPrefix(prefix)
    for (const key of await this.list(prefix)) this.#objects.delete(key)
  }

  async list(prefix: string): Promise<string[]> {
    if (prefix !== '') assertBlobPrefix(prefix)
    return [...this.#objects.keys()].filter((key) => key.startsWith(prefix)).sort()
  }

  localPath(_key: string): string {
    throw new ApiError('UNSUPPORTED_OPERATION', { params: { operation: 'localPath' } })
  }

  async close(): Promise<void> {}

  #get(key: string): Buffer {
    assertBlobKey(key)
    const bytes = this.#objects.get(key)
    if (bytes === undefined) throw new ApiError('BLOB_NOT_FOUND', { params: { key } })
    return bytes
  }
}
