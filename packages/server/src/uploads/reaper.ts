/**
 * Reclaims what expired: uploads not finalized in time and media past its expiry lose their bytes
 * (the metadata row stays, marked `expired`, so a late request gets `MEDIA_EXPIRED` rather than a
 * confusing not-found), and staged bodies a crash left behind are deleted after an hour. Safe to run
 * on every node at once: `expireMedia` is a compare-and-set.
 */
import type { Clock } from '../clock.js'
import { type Logger, silentLogger } from '../logger.js'
import type { BlobStore } from '../stores/blob-store.js'
import type { MetadataStore } from '../stores/metadata-store.js'

const BATCH = 100
const STALE_STAGING_MS = 60 * 60 * 1000

/** What one sweep removed. */
export interface SweepResult {
  expiredMedia: number
  removedStaging: number
}

/** Deletes expired uploads and stale staging objects. */
export class Reaper {
  readonly #store: MetadataStore
  readonly #blobs: BlobStore
  readonly #clock: Clock
  readonly #logger: Logger
  #timer: NodeJS.Timeout | undefined
  #running: Promise<unknown> | undefined

  constructor(options: { store: MetadataStore; blobs: BlobStore; clock: Clock; logger?: Logger }) {
    this.#store = options.store
    this.#blobs = options.blobs
    this.#clock = options.clock
    this.#logger = options.logger ?? silentLogger
  }

  /** Sweeps every `intervalMs` until `stop`. */
  start(intervalMs: number): void {
    this.#timer = setInterval(() => {
      if (this.#running !== undefined) return
      this.#running = this.sweep()
        .catch((error: unknown) => this.#logger.error({ err: error }, 'reaper sweep failed'))
        .finally(() => {
          this.#running = undefined
        })
    }, intervalMs)
    this.#timer.unref()
  }

  /** Stops the timer and waits for a sweep in progress. */
  async stop(): Promise<void> {
    clearInterval(this.#timer)
    await this.#running
  }

  /** One pass over expired media and stale staging objects. */
  async sweep(): Promise<SweepResult> {
    const now = this.#clock.now()
    let expiredMedia = 0
    for (;;) {
      const batch = await this.#store.listExpiredMedia(now, BATCH)
      for (const media of batch) {
        if ((await this.#store.expireMedia(media.id, now)) === null) continue
        await this.#blobs.removePrefix(`uploads/${media.id}/`)
        // Served files (photo sizes made at FINALIZE, processing output) go with the upload.
        await this.#blobs.removePrefix(`media/${media.id}/`)
        expiredMedia += 1
      }
      if (batch.length < BATCH) break
    }
    let removedStaging = 0
    for (const key of await this.#blobs.list('staging/')) {
      const stagedAt = Number(/^staging\/(\d+)-/.exec(key)?.[1] ?? 0)
      if (stagedAt < now - STALE_STAGING_MS) {
        await this.#blobs.remove(key)
        removedStaging += 1
      }
    }
    if (expiredMedia + removedStaging > 0) this.#logger.info({ expiredMedia, removedStaging }, 'reaper sweep')
    return { expiredMedia, removedStaging }
  }
}
