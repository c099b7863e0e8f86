/**
 * Writes a stream to an open file in blocks. A request body arrives in socket-sized chunks (about
 * 60 KB on loopback), and each `fs.write` costs the event loop a thread-pool round trip: written
 * one by one, six 100 MB uploads spent 0.55 s of the server's main thread in `writeBuffer`,
 * against 0.23–0.33 s in 256 KiB blocks (CPU profiles of the built server). Here chunks are copied
 * into one of two reused blocks of `blockBytes`, and a full block is written while the other
 * fills, so a 5 MB segment takes about twenty writes. Blocks come from a small shared pool and go
 * back to it when the writer is done, so they are not garbage either (a fresh pair per segment
 * raised the server's peak RSS in `npm run bench:ingest`). With `sync`, the file is fsynced before
 * the stream finishes; the file is closed when the stream ends or fails.
 */
import { type FileHandle, open } from 'node:fs/promises'
import { Writable } from 'node:stream'

/** Default block size. */
export const BLOCK_BYTES = 256 * 1024

/** Blocks kept for reuse, at most: enough for 8 concurrent writers (4 MiB of 256 KiB blocks). */
const POOL_LIMIT = 16

/** Free blocks by size. */
const pool = new Map<number, Buffer[]>()

function takeBlock(size: number): Buffer {
  return pool.get(size)?.pop() ?? Buffer.allocUnsafe(size)
}

function giveBlocks(size: number, blocks: readonly Buffer[]): void {
  const free = pool.get(size) ?? []
  pool.set(size, free)
  for (const block of blocks) if (free.length < POOL_LIMIT) free.push(block)
}

/** Options of `BlockFileWriter`. */
export interface BlockFileWriterOptions {
  /** Size of the two blocks; default 256 KiB. */
  blockBytes?: number
  /** fsync the file before 'finish'. */
  sync?: boolean
  /** Opens the file; default `open(path, 'wx')` (tests observe the handle through it). */
  open?: (path: string) => Promise<FileHandle>
}

async function writeFully(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  for (let offset = 0; offset < bytes.length; ) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset)
    offset += bytesWritten
  }
}

/**
 * A Writable into a new file at `path` (created exclusively, `wx`), in blocks through two reused
 * buffers. The file is opened in `_construct`, so whoever pipes into the writer is attached from
 * the start and sees an open failure as the stream's error.
 */
export class BlockFileWriter extends Writable {
  readonly #path: string
  readonly #blockBytes: number
  readonly #sync: boolean
  readonly #open: (path: string) => Promise<FileHandle>
  readonly #blocks: Buffer[] = []
  #handle: FileHandle | undefined
  #current = 0
  #filled = 0
  #destroyed = false
  /** The write of the other block, if one is in flight. */
  #inFlight: Promise<void> = Promise.resolve()

  constructor(path: string, options: BlockFileWriterOptions = {}) {
    super()
    this.#path = path
    this.#blockBytes = options.blockBytes ?? BLOCK_BYTES
    this.#sync = options.sync ?? false
    this.#open = options.open ?? ((path) => open(path, 'wx'))
  }

  override _construct(callback: (error?: Error | null) => void): void {
    this.#open(this.#path).then(
      (handle) => {
        this.#handle = handle
        callback()
      },
      (error: Error) => callback(error),
    )
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#take(chunk).then(() => callback(), callback)
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#finish().then(() => callback(), callback)
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // No write starts after this (`#flushBlock` checks); the ones started are settled before the
    // file is closed (no write lands on a reused descriptor) and before the blocks go back to the
    // pool (none is refilled while it is written).
    this.#destroyed = true
    this.#settle()
      .then(() => {
        giveBlocks(this.#blockBytes, this.#blocks.splice(0))
        return this.#handle?.close()
      })
      .then(
        () => callback(error),
        (closeError: unknown) => callback(error ?? (closeError as Error)),
      )
  }

  async #settle(): Promise<void> {
    for (let seen: Promise<void> | undefined; seen !== this.#inFlight; ) {
      seen = this.#inFlight
      await seen.catch(() => {})
    }
  }

  async #take(chunk: Buffer): Promise<void> {
    // Every byte is copied (the chunk is not kept past this call), a memcpy per 64 KB next to a
    // thread-pool round trip per write saved.
    for (let offset = 0; offset < chunk.length; ) {
      const copied = chunk.copy(this.#block(), this.#filled, offset)
      this.#filled += copied
      offset += copied
      if (this.#filled === this.#blockBytes) await this.#flushBlock()
    }
  }

  #block(): Buffer {
    this.#blocks[this.#current] ??= takeBlock(this.#blockBytes)
    return this.#blocks[this.#current] as Buffer
  }

  /** Starts writing the current block once the other one's write is done, and fills the other meanwhile. */
  async #flushBlock(): Promise<void> {
    await this.#inFlight
    if (this.#destroyed || this.#handle === undefined)
      throw new Error('BlockFileWriter: written after it was destroyed')
    const write = writeFully(this.#handle, this.#block().subarray(0, this.#filled))
    // Its failure surfaces at the next await of `#inFlight`, not as an unhandled rejection meanwhile.
    write.catch(() => {})
    this.#inFlight = write
    this.#current = 1 - this.#current
    this.#filled = 0
  }

  async #finish(): Promise<void> {
    if (this.#filled > 0) await this.#flushBlock()
    await this.#inFlight
    if (this.#sync) await this.#handle?.sync()
  }
}
