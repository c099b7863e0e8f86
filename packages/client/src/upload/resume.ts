/**
 * The checkpoint side of an upload. A stored checkpoint is used only when it describes the same
 * content (fingerprint and size), the same declaration (type, category), the same server and wire
 * style, and its upload window is still open with a margin; anything else is deleted and the upload
 * starts over. Saves are serialised, so a slow store never sees an older record after a newer one.
 */
import type { CheckpointStore, UploadCheckpoint } from '../checkpoints/checkpoint-store.js'
import { isXApiError } from '../errors.js'
import type { ByteSource } from '../sources/byte-source.js'
import type { UploadWire } from '../wire/upload-wire.js'
import type { MediaPlan } from './media-plan.js'
import type { ResumeOptions } from './upload-options.js'

/** A checkpoint whose window closes sooner than this is not resumed: the rest might not make it. */
export const RESUME_MARGIN_MS = 60_000

/** What a fresh upload records after INIT. */
export type CheckpointStart = Omit<UploadCheckpoint, 'version' | 'fingerprint' | 'ackedSegments'>

/** The checkpoint of one upload. */
export class ResumeSession {
  readonly key: string
  readonly #store: CheckpointStore
  readonly #fingerprint: string
  #current: UploadCheckpoint | undefined
  #saving: Promise<void> = Promise.resolve()

  constructor(store: CheckpointStore, key: string, fingerprint: string, loaded: UploadCheckpoint | undefined) {
    this.#store = store
    this.key = key
    this.#fingerprint = fingerprint
    this.#current = loaded
  }

  /** The checkpoint to continue from, if any. */
  get checkpoint(): UploadCheckpoint | undefined {
    return this.#current
  }

  /** Records a fresh upload. */
  async begin(start: CheckpointStart): Promise<void> {
    this.#current = { version: 1, fingerprint: this.#fingerprint, ackedSegments: [], ...start }
    await this.#save()
  }

  /** Records an acknowledged segment. */
  async ack(index: number): Promise<void> {
    const current = this.#current
    if (current === undefined || current.ackedSegments.includes(index)) return
    current.ackedSegments = [...current.ackedSegments, index].sort((a, b) => a - b)
    await this.#save()
  }

  /** Forgets the checkpoint (after FINALIZE, or to start over). */
  async discard(): Promise<void> {
    this.#current = undefined
    const pending = this.#saving
    this.#saving = pending.then(() => this.#store.delete(this.key))
    await this.#saving
  }

  #save(): Promise<void> {
    const snapshot = structuredClone(this.#current) as UploadCheckpoint
    this.#saving = this.#saving.then(() => this.#store.save(this.key, snapshot))
    return this.#saving
  }
}

function matches(
  checkpoint: UploadCheckpoint,
  fingerprint: string,
  plan: MediaPlan,
  wire: UploadWire,
  nowMs: number,
): boolean {
  return (
    checkpoint.fingerprint === fingerprint &&
    checkpoint.totalBytes === plan.totalBytes &&
    checkpoint.mediaType === plan.mediaType &&
    checkpoint.mediaCategory === plan.mediaCategory &&
    checkpoint.wireStyle === wire.style &&
    checkpoint.baseUrl === wire.baseUrl &&
    checkpoint.expiresAtMs - RESUME_MARGIN_MS > nowMs
  )
}

/**
 * Opens the resume side of an upload; undefined when resuming is off or the source has no
 * fingerprint (a stream without one, or a browser without WebCrypto).
 */
export async function openResume(
  options: ResumeOptions | undefined,
  source: ByteSource,
  plan: MediaPlan,
  wire: UploadWire,
  nowMs: number = Date.now(),
): Promise<ResumeSession | undefined> {
  if (options === undefined) return undefined
  const fingerprint = options.fingerprint ?? (await source.fingerprint())
  if (fingerprint === undefined) return undefined
  const key = options.key ?? `${wire.style} ${wire.baseUrl} ${source.identity ?? fingerprint}`
  const loaded = await options.store.load(key).catch(() => undefined)
  if (loaded !== undefined && !matches(loaded, fingerprint, plan, wire, nowMs)) {
    await options.store.delete(key)
    return new ResumeSession(options.store, key, fingerprint, undefined)
  }
  return new ResumeSession(options.store, key, fingerprint, loaded)
}

/** Whether the server refused to continue a checkpointed upload (unknown or expired media id). */
export function isRefusedResume(error: unknown): boolean {
  return (
    isXApiError(error) && (error.code === 'MEDIA_NOT_FOUND' || error.code === 'MEDIA_EXPIRED' || error.status === 404)
  )
}
