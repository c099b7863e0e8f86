/**
 * `BlobStore` on the local file system. Each object is one file under the root; `put` streams into
 * `.tmp/<random>`, fsyncs it, renames it over the key and fsyncs the directory, so an object is
 * either wholly there or not at all, even across a crash or a power cut. Temp files a crash left
 * behind are swept at `open`.
 */
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { type FileHandle, mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises'
import { dirname, join, relative, sep } from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { ApiError } from '../../errors.js'
import type { BlobStore, BlobStoreCapabilities, ByteRange, PutOptions } from '../blob-store.js'
import { assertBlobKey, assertBlobPrefix } from './blob-key.js'
import { BlockFileWriter } from './block-file-writer.js'
import { ByteLimit } from './byte-limit.js'

const TEMP_DIR = '.tmp'
const STALE_TEMP_MS = 60 * 60 * 1000

/** Options of `DiskBlobStore.open`. */
export interface DiskBlobStoreOptions {
  /** Directory holding the objects; created when missing. */
  root: string
  /** fsync files and directories on `put` (default true; only benchmarks turn it off). */
  fsync?: boolean
}

/** ENOTDIR counts as absent: a key below an object's key (`a/b` when `a` is a file) names nothing. */
function isNotFound(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  return code === 'ENOENT' || code === 'ENOTDIR'
}

/** A `BlobStore` in a directory on local disk. */
export class DiskBlobStore implements BlobStore {
  readonly capabilities: BlobStoreCapabilities = { localFiles: true }
  readonly #root: string
  readonly #fsync: boolean

  private constructor(root: string, fsync: boolean) {
    this.#root = root
    this.#fsync = fsync
  }

  /** Opens (creating) the directory and sweeps stale temp files. */
  static async open(options: DiskBlobStoreOptions): Promise<DiskBlobStore> {
    await mkdir(join(options.root, TEMP_DIR), { recursive: true })
    const store = new DiskBlobStore(options.root, options.fsync ?? true)
    await store.#sweepTemp(Date.now() - STALE_TEMP_MS)
    return store
  }

  async put(key: string, body: Readable, options: PutOptions = {}): Promise<{ sizeBytes: number }> {
    const target = this.localPath(key)
    const temp = join(this.#root, TEMP_DIR, randomBytes(12).toString('hex'))
    const limit = new ByteLimit(options.maxBytes ?? Number.POSITIVE_INFINITY)
    // The writer fsyncs the file before it finishes, so the rename below publishes durable bytes.
    const durable = this.#fsync && options.durable !== false
    const file = new BlockFileWriter(temp, { sync: durable })
    try {
      await pipeline(body, limit, file)
      await mkdir(dirname(target), { recursive: true })
      await rename(temp, target)
      if (durable) await this.#syncDir(dirname(target))
      return { sizeBytes: limit.bytes }
    } catch (error) {
      if (!file.closed) await once(file, 'close').catch(() => {})
      await unlink(temp).catch(() => {})
      throw error
    }
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    // Open before resolving, so the stream keeps the object it found even if it is replaced or
    // removed before the caller starts reading.
    let handle: FileHandle
    try {
      handle = await open(this.localPath(key), 'r')
    } catch (error) {
      if (isNotFound(error)) throw new ApiError('BLOB_NOT_FOUND', { params: { key }, cause: error })
      throw error
    }
    try {
      if (!(await handle.stat()).isFile()) throw new ApiError('BLOB_NOT_FOUND', { params: { key } })
    } catch (error) {
      await handle.close()
      throw error
    }
    return handle.createReadStream(range === undefined ? {} : { start: range.start, end: range.end })
  }

  async stat(key: string): Promise<{ sizeBytes: number } | undefined> {
    try {
      const info = await stat(this.localPath(key))
      return info.isFile() ? { sizeBytes: info.size } : undefined
    } catch (error) {
      if (isNotFound(error)) return undefined
      throw error
    }
  }

  async move(fromKey: string, toKey: string): Promise<void> {
    const source = this.localPath(fromKey)
    const target = this.localPath(toKey)
    // A directory is a prefix, not an object: renaming it would move every object below it.
    if ((await this.stat(fromKey)) === undefined) throw new ApiError('BLOB_NOT_FOUND', { params: { key: fromKey } })
    await mkdir(dirname(target), { recursive: true })
    // fsync of an already-flushed file is cheap; for a non-durable put it flushes the bytes now.
    if (this.#fsync) await this.#syncFile(source)
    try {
      await rename(source, target)
    } catch (error) {
      if (isNotFound(error)) throw new ApiError('BLOB_NOT_FOUND', { params: { key: fromKey }, cause: error })
      throw error
    }
    if (this.#fsync) await this.#syncDir(dirname(target))
  }

  async remove(key: string): Promise<void> {
    const path = this.localPath(key)
    // A directory is a prefix, not an object, so there is nothing to remove (rm would throw EISDIR).
    if ((await this.stat(key)) !== undefined) await rm(path, { force: true })
  }

  async removePrefix(prefix: string): Promise<void> {
    assertBlobPrefix(prefix)
    const keys = await this.list(prefix)
    await Promise.all(keys.map((key) => this.remove(key)))
    if (!prefix.endsWith('/')) return
    // Drop the emptied directory, but never a file: `a/` must not delete the object `a`.
    const dir = join(this.#root, prefix.slice(0, -1))
    const info = await stat(dir).catch(() => undefined)
    if (info?.isDirectory() === true) await rm(dir, { recursive: true, force: true })
  }

  async list(prefix: string): Promise<string[]> {
    if (prefix !== '') assertBlobPrefix(prefix)
    const base = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : ''
    const keys: string[] = []
    await this.#walk(join(this.#root, base), keys)
    return keys.filter((key) => key.startsWith(prefix)).sort()
  }

  localPath(key: string): string {
    assertBlobKey(key)
    return join(this.#root, key)
  }

  async close(): Promise<void> {}

  async #walk(dir: string, into: string[]): Promise<void> {
    let entries: import('node:fs').Dirent[]
    try {
      entries = await readdir(dir, { withFileTypes: true })
    } catch (error) {
      if (isNotFound(error)) return
      throw error
    }
    for (const entry of entries) {
      const path = join(dir, entry.name)
      const key = relative(this.#root, path).split(sep).join('/')
      if (key === TEMP_DIR) continue
      if (entry.isDirectory()) await this.#walk(path, into)
      else if (entry.isFile()) into.push(key)
    }
  }

  async #syncFile(path: string): Promise<void> {
    const handle = await open(path, 'r+').catch((error: unknown) => {
      if (isNotFound(error)) return undefined
      throw error
    })
    if (handle === undefined) return
    try {
      await handle.sync()
    } finally {
      await handle.close()
    }
  }

  async #syncDir(dir: string): Promise<void> {
    const handle = await open(dir, 'r')
    try {
      await handle.sync()
    } finally {
      await handle.close()
    }
  }

  async #sweepTemp(olderThanMs: number): Promise<void> {
    const dir = join(this.#root, TEMP_DIR)
    for (const name of await readdir(dir)) {
      const info = await stat(join(dir, name)).catch(() => undefined)
      if (info !== undefined && info.mtimeMs < olderThanMs) await rm(join(dir, name), { force: true })
    }
  }
}
