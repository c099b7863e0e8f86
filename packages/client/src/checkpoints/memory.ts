/** Checkpoints in memory: resume within one process (after an abort or a network outage). */
import type { CheckpointStore, UploadCheckpoint } from './checkpoint-store.js'

/**
 * A `CheckpointStore` in a Map; records are copied in and out.
 * @example
 * const resume = { store: new MemoryCheckpointStore() }
 * await client.uploadMedia(file, { resume, signal }).catch(() => client.uploadMedia(file, { resume }))
 */
export class MemoryCheckpointStore implements CheckpointStore {
  readonly #records = new Map<string, string>()

  async load(key: string): Promise<UploadCheckpoint | undefined> {
    const json = this.#records.get(key)
    return json === undefined ? undefined : (JSON.parse(json) as UploadCheckpoint)
  }

  async save(key: string, checkpoint: UploadCheckpoint): Promise<void> {
    this.#records.set(key, JSON.stringify(checkpoint))
  }

  async delete(key: string): Promise<void> {
    this.#records.delete(key)
  }
}
