/**
 * An exclusive lock between processes: a lock file created with O_CREAT|O_EXCL, holding the owner's
 * pid, host and start time. While held, its mtime is touched every third of `staleMs`, so a slow
 * holder is never taken for a dead one. A lock is broken when its owner is a dead process on this
 * host, or its mtime is older than `staleMs` (an owner on another host sharing the directory, or a
 * pid reused). Breaking renames the lock aside first and checks that what it moved is the lock it
 * judged stale, so two breakers cannot remove a lock a third process just took.
 */
import { randomBytes } from 'node:crypto'
import { link, open, readFile, rename, stat, unlink, utimes } from 'node:fs/promises'
import { hostname } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import { TokenStoreError } from './token-store-error.js'

/** Timing of `acquireFileLock`. */
export interface FileLockOptions {
  /** A lock not touched for this long is broken; default 30 000 ms. */
  staleMs?: number
  /** Give up waiting after this; default 60 000 ms. */
  timeoutMs?: number
  /** Pause between attempts (plus up to as much jitter); default 25 ms. */
  retryMs?: number
}

/** Releases a held lock. */
export type ReleaseLock = () => Promise<void>

interface LockOwner {
  pid: number
  host: string
  acquiredAtMs: number
  nonce: string
}

/**
 * Takes the lock file `lockPath`, waiting while another live owner holds it.
 * @example const release = await acquireFileLock(`${path}.lock`); try { … } finally { await release() }
 */
export async function acquireFileLock(lockPath: string, options: FileLockOptions = {}): Promise<ReleaseLock> {
  const staleMs = options.staleMs ?? 30_000
  const retryMs = options.retryMs ?? 25
  const deadline = Date.now() + (options.timeoutMs ?? 60_000)
  for (;;) {
    const owner: LockOwner = {
      pid: process.pid,
      host: hostname(),
      acquiredAtMs: Date.now(),
      nonce: randomBytes(8).toString('hex'),
    }
    if (await tryCreate(lockPath, owner)) return holding(lockPath, owner, staleMs)
    if (await breakIfStale(lockPath, staleMs)) continue
    if (Date.now() > deadline) {
      throw new TokenStoreError('TOKEN_STORE_LOCKED', `${lockPath} is held by another process; gave up waiting`)
    }
    await sleep(retryMs + Math.random() * retryMs)
  }
}

async function tryCreate(lockPath: string, owner: LockOwner): Promise<boolean> {
  let handle: Awaited<ReturnType<typeof open>>
  try {
    handle = await open(lockPath, 'wx', 0o600)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  }
  try {
    await handle.writeFile(JSON.stringify(owner))
  } finally {
    await handle.close()
  }
  return true
}

function holding(lockPath: string, owner: LockOwner, staleMs: number): ReleaseLock {
  const heartbeat = setInterval(
    () => {
      const now = new Date()
      utimes(lockPath, now, now).catch(() => {})
    },
    Math.max(staleMs / 3, 10),
  )
  heartbeat.unref()
  let released = false
  return async () => {
    if (released) return
    released = true
    clearInterval(heartbeat)
    // Only remove the lock if it is still ours (it may have been broken as stale meanwhile).
    if ((await readOwner(lockPath))?.nonce === owner.nonce) await unlink(lockPath).catch(ignoreMissing)
  }
}

async function breakIfStale(lockPath: string, staleMs: number): Promise<boolean> {
  const seen = await inspect(lockPath)
  if (seen === undefined) return true
  if (!isStale(seen, staleMs)) return false
  const aside = `${lockPath}.stale-${process.pid}-${randomBytes(4).toString('hex')}`
  try {
    await rename(lockPath, aside)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true
    throw error
  }
  const moved = await readFile(aside, 'utf8').catch(() => '')
  if (moved !== seen.text) {
    // A new owner took the lock between our look and the rename: put its lock back.
    await link(aside, lockPath).catch(() => {})
  }
  await unlink(aside).catch(ignoreMissing)
  return true
}

interface SeenLock {
  text: string
  owner: LockOwner | undefined
  mtimeMs: number
}

async function inspect(lockPath: string): Promise<SeenLock | undefined> {
  try {
    const info = await stat(lockPath)
    const text = await readFile(lockPath, 'utf8')
    return { text, owner: parseOwner(text), mtimeMs: info.mtimeMs }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

function isStale(seen: SeenLock, staleMs: number): boolean {
  if (Date.now() - seen.mtimeMs > staleMs) return true
  const owner = seen.owner
  // A half-written lock (created, content not yet written) is young and alive.
  if (owner === undefined || owner.host !== hostname()) return false
  return !isAlive(owner.pid)
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

async function readOwner(lockPath: string): Promise<LockOwner | undefined> {
  return parseOwner(await readFile(lockPath, 'utf8').catch(() => ''))
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockOwner>
    if (typeof value.pid === 'number' && typeof value.nonce === 'string' && typeof value.host === 'string') {
      return value as LockOwner
    }
  } catch {
    // Empty or half-written.
  }
  return undefined
}

function ignoreMissing(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
}
