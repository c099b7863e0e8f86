/** `FileTokenStore` in one process: file format and mode, serialised updates, lock breaking. */
import { spawnSync } from 'node:child_process'
import { mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Tokens } from '../auth/tokens.js'
import { FileTokenStore } from './token-store.js'

let dir: string
let path: string

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'birdhouse-tokens-'))
  path = join(dir, 'nested', 'tokens.json')
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const tokens: Tokens = { accessToken: 'a0', refreshToken: 'r0', expiresAtMs: 1_000, scope: 'media.write' }

function lockOwner(pid: number): string {
  return JSON.stringify({ pid, host: hostname(), acquiredAtMs: 0, nonce: 'x' })
}

describe('FileTokenStore', () => {
  it('reads nothing before a save, then the saved tokens and client from a private file', async () => {
    const store = new FileTokenStore(path)
    expect(await store.read()).toBeUndefined()
    await store.save(tokens, { clientId: 'id', tokenUrl: 'http://127.0.0.1:1/2/oauth2/token' })
    expect(await store.read()).toEqual(tokens)
    expect(await store.readFile()).toMatchObject({ version: 1, client: { clientId: 'id' } })
    expect((await stat(path)).mode & 0o777).toBe(0o600)
    expect((await stat(join(dir, 'nested'))).mode & 0o777).toBe(0o700)
    expect(await readFile(`${path}.lock`).catch(() => 'gone')).toBe('gone')
  })

  it('runs updates from two instances one at a time, each seeing the previous result', async () => {
    await new FileTokenStore(path).save({ accessToken: '0' })
    const stores = [new FileTokenStore(path), new FileTokenStore(path)]
    const increment = (store: FileTokenStore) =>
      store.update(async (current) => {
        const value = Number(current?.accessToken)
        await new Promise((resolve) => setTimeout(resolve, 2))
        return { accessToken: String(value + 1) }
      })
    await Promise.all(Array.from({ length: 20 }, (_, i) => increment(stores[i % 2] as FileTokenStore)))
    expect(await stores[0]?.read()).toEqual({ accessToken: '20' })
  })

  it('keeps the file and releases the lock when the update function throws', async () => {
    const store = new FileTokenStore(path)
    await store.save(tokens)
    await expect(store.update(async () => Promise.reject(new Error('refused')))).rejects.toThrow('refused')
    expect(await store.read()).toEqual(tokens)
    expect(await store.update(async () => ({ accessToken: 'a1' }))).toEqual({ accessToken: 'a1' })
  })

  it('breaks a lock left by a dead process at once', async () => {
    const store = new FileTokenStore(path, { timeoutMs: 1_000 })
    await store.save(tokens)
    const dead = spawnSync(process.execPath, ['-e', '']).pid
    await writeFile(`${path}.lock`, lockOwner(dead))
    expect(await store.update(async () => ({ accessToken: 'a1' }))).toEqual({ accessToken: 'a1' })
  })

  it('waits for a live lock and gives up with TOKEN_STORE_LOCKED', async () => {
    const store = new FileTokenStore(path, { timeoutMs: 200 })
    await store.save(tokens)
    await writeFile(`${path}.lock`, lockOwner(process.pid))
    await expect(store.update(async () => ({ accessToken: 'a1' }))).rejects.toMatchObject({
      code: 'TOKEN_STORE_LOCKED',
    })
    expect(await readFile(`${path}.lock`, 'utf8')).toBe(lockOwner(process.pid))
  })

  it('breaks a live owner’s lock once it has not been touched for staleMs', async () => {
    const store = new FileTokenStore(path, { staleMs: 1_000, timeoutMs: 2_000 })
    await store.save(tokens)
    await writeFile(`${path}.lock`, lockOwner(process.pid))
    const old = new Date(Date.now() - 5_000)
    await utimes(`${path}.lock`, old, old)
    expect(await store.update(async () => ({ accessToken: 'a1' }))).toEqual({ accessToken: 'a1' })
  })

  it('refuses a file that is not a token file with TOKEN_STORE_CORRUPT', async () => {
    const store = new FileTokenStore(path)
    await store.save(tokens)
    await writeFile(path, '{"version":1}')
    await expect(store.read()).rejects.toMatchObject({ code: 'TOKEN_STORE_CORRUPT' })
    await writeFile(path, 'not json')
    await expect(store.read()).rejects.toMatchObject({ code: 'TOKEN_STORE_CORRUPT' })
  })
})
