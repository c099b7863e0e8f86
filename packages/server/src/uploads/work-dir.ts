/**
 * Work directories of processing jobs: `<root>/<media id>.<worker id>`, one per attempt, removed when
 * the attempt ends. A worker that dies leaves its directory behind; the worker that takes the job
 * next removes it (it holds the lease, so the owner of that directory has lost it), and each worker
 * sweeps directories older than a day at start for jobs that were finished on another node.
 */
import { mkdir, readdir, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'

/** A work directory of one attempt. */
export interface WorkDir {
  path: string
  /** Deletes the directory and everything in it; never throws. */
  remove(): Promise<void>
}

const STALE_MS = 24 * 60 * 60 * 1000

/** Creates this attempt's empty work directory, deleting those earlier attempts at the media left. */
export async function openWorkDir(root: string, mediaId: string, workerId: string): Promise<WorkDir> {
  await mkdir(root, { recursive: true })
  for (const entry of await readdir(root)) {
    if (entry.startsWith(`${mediaId}.`)) await rm(join(root, entry), { recursive: true, force: true })
  }
  const path = join(root, `${mediaId}.${workerId}`)
  await mkdir(path)
  return { path, remove: () => rm(path, { recursive: true, force: true }).catch(() => {}) }
}

/** Deletes work directories last changed before `nowMs` − 1 day; resolves to how many. */
export async function sweepWorkDirs(root: string, nowMs: number): Promise<number> {
  const entries = await readdir(root).catch(() => [])
  let removed = 0
  for (const entry of entries) {
    const path = join(root, entry)
    const info = await stat(path).catch(() => undefined)
    if (info === undefined || info.mtimeMs >= nowMs - STALE_MS) continue
    await rm(path, { recursive: true, force: true })
    removed += 1
  }
  return removed
}
