/**
 * A file on disk as an upload source: one file handle, each segment read at its offset, when its
 * turn comes, into one of the engine's `parallel` reusable buffers (`readInto`). The identity is
 * the absolute path; the fingerprint adds size and mtime to the hash of the file's two ends.
 */
import { type FileHandle, open } from 'node:fs/promises'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type ByteSource, edgeFingerprint } from '../sources/byte-source.js'

class FileSource implements ByteSource {
  readonly size: number
  readonly randomAccess = true
  readonly identity: string
  readonly #handle: FileHandle
  readonly #mtimeMs: number
  #closed = false

  constructor(path: string, handle: FileHandle, size: number, mtimeMs: number) {
    this.identity = `path:${path}`
    this.#handle = handle
    this.size = size
    this.#mtimeMs = mtimeMs
  }

  read(start: number, end: number): Promise<Uint8Array> {
    return this.readInto(start, end, Buffer.allocUnsafe(end - start))
  }

  async readInto(start: number, end: number, target: Uint8Array): Promise<Uint8Array> {
    if (target.length < end - start)
      throw new RangeError(`readInto: ${end - start} bytes do not fit in ${target.length}`)
    const buffer = target.subarray(0, end - start)
    let filled = 0
    while (filled < buffer.length) {
      const { bytesRead } = await this.#handle.read(buffer, filled, buffer.length - filled, start + filled)
      if (bytesRead === 0) throw new Error(`${this.identity} shrank while it was uploaded`)
      filled += bytesRead
    }
    return buffer
  }

  head(length: number): Promise<Uint8Array> {
    return this.read(0, Math.min(length, this.size))
  }

  fingerprint(): Promise<string | undefined> {
    return edgeFingerprint(this, this.#mtimeMs)
  }

  async restart(): Promise<void> {}

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#handle.close()
  }
}

/**
 * Opens a file (path or `file:` URL) as an upload source; close it when done.
 * @example
 * const source = await openFileSource('clip.mp4')
 * try { await client.uploadMedia(source) } finally { await source.close() }
 */
export async function openFileSource(path: string | URL): Promise<ByteSource> {
  const absolute = resolve(typeof path === 'string' ? path : fileURLToPath(path))
  const handle = await open(absolute, 'r')
  try {
    const stats = await handle.stat()
    if (!stats.isFile()) throw new Error(`${absolute} is not a regular file`)
    return new FileSource(absolute, handle, stats.size, stats.mtimeMs)
  } catch (error) {
    await handle.close()
    throw error
  }
}
