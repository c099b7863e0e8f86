/** Checkpoints in Web Storage (`localStorage`), so a browser upload resumes after a reload. */
import { type CheckpointStore, isUploadCheckpoint, type UploadCheckpoint } from './checkpoint-store.js'

/** The part of the Web Storage API the store uses. */
export type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>

/**
 * A `CheckpointStore` over `localStorage` (or any `Storage`), one JSON item per key under a prefix.
 * @example
 * const store = new WebStorageCheckpointStore(window.localStorage)
 * await client.uploadMedia(fileInput.files[0], { resume: { store } })
 */
export class WebStorageCheckpointStore implements CheckpointStore {
  readonly #storage: KeyValueStorage
  readonly #prefix: string

  /** `prefix` namespaces the items; default `birdhouse-upload:`. */
  constructor(storage: KeyValueStorage, prefix = 'birdhouse-upload:') {
    this.#storage = storage
    this.#prefix = prefix
  }

  async load(key: string): Promise<UploadCheckpoint | undefined> {
    const json = this.#storage.getItem(this.#prefix + key)
    if (json === null) return undefined
    try {
      const value: unknown = JSON.parse(json)
      return isUploadCheckpoint(value) ? value : undefined
    } catch {
      return undefined
    }
  }

  async save(key: string, checkpoint: UploadCheckpoint): Promise<void> {
    this.#storage.setItem(this.#prefix + key, JSON.stringify(checkpoint))
  }

  async delete(key: string): Promise<void> {
    this.#storage.removeItem(this.#prefix + key)
  }
}
