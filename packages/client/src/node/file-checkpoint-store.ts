/**
 * Checkpoints as files, so an upload resumes after the process died: one JSON file per key (named
 * by the key's SHA-256) in a directory, replaced atomically (write a temp file beside it, fsync,
 * rename over it) so a crash leaves the old record or the new one, never half of either.
 */
import { createHash, randomBytes } from 'node:crypto'
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { type CheckpointStore, isUploadCheckpoint, type UploadCheckpoint } from '../checkpoints/checkpoint-store.js'

/**
 * `$XDG_CACHE_HOME/birdhouse/uploads`, else `~/.cache/birdhouse/uploads` (what the CLI uses).
 * @example const store = new FileCheckpointStore(defaultCheckpointDirectory())
 */
export function defaultCheckpointDirectory(env: NodeJS.ProcessEnv = process.env): string {
  const cache =
    env.XDG_CACHE_HOME !== undefined && env.XDG_CACHE_HOME !== '' ? env.XDG_CACHE_HOME : join(homedir(), '.cache')
  return join(cache, 'birdhouse', 'uploads')
}

/**
 * A `CheckpointStore` in a directory (created on the first save), safe across process restarts.
 * @example
 * const store = new FileCheckpointStore()
 * await client.uploadMedia('clip.mp4', { resume: { store } }) // run it again after a crash: only missing segments are sent
 */
export class FileCheckpointStore implements CheckpointStore {
  /** The directory holding the files. */
  readonly directory: string

  /** A store in `directory` (default `defaultCheckpointDirectory()`); nothing is touched until a save. */
  constructor(directory: string = defaultCheckpointDirectory()) {
    this.directory = directory
  }

  /** The file of `key`. */
  pathOf(key: string): string {
    return join(this.directory, `${createHash('sha256').update(key).digest('hex').slice(0, 40)}.json`)
  }

  async load(key: string): Promise<UploadCheckpoint | undefined> {
    let text: string
    try {
      text = await readFile(this.pathOf(key), 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw error
    }
    try {
      const value: unknown = JSON.parse(text)
      return isUploadCheckpoint(value) ? value : undefined
    } catch {
      return undefined
    }
  }

  async save(key: string, checkpoint: UploadCheckpoint): Promise<void> {
    await mkdir(this.directory, { recursive: true, mode: 0o700 })
    const path = this.pathOf(key)
    const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
    const handle = await open(temp, 'w', 0o600)
    try {
      await handle.writeFile(JSON.stringify({ ...checkpoint, key }))
      await handle.sync()
    } finally {
      await handle.close()
    }
    try {
      await rename(temp, path)
    } catch (error) {
      await rm(temp, { force: true })
      throw error
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true })
  }
}
