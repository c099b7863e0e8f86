/** The secret key file: created once with mode 0600, reused after, refused when too short. */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadOrCreateSecretKey, resolveSecretKey } from './secret-key.js'

let dir: string

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'birdhouse-key-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('loadOrCreateSecretKey', () => {
  it('creates a 0600 file with 32 random bytes as base64url, then reuses it', async () => {
    const key = await loadOrCreateSecretKey(join(dir, 'data'))
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/)
    const file = join(dir, 'data', 'secret.key')
    expect((await stat(file)).mode & 0o777).toBe(0o600)
    expect((await readFile(file, 'utf8')).trim()).toBe(key)
    expect(await loadOrCreateSecretKey(join(dir, 'data'))).toBe(key)
  })

  it('agrees on one key when several processes start at once', async () => {
    const keys = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateSecretKey(dir)))
    expect(new Set(keys).size).toBe(1)
  })

  it('refuses a key file shorter than 32 characters', async () => {
    await writeFile(join(dir, 'secret.key'), 'short\n')
    await expect(loadOrCreateSecretKey(dir)).rejects.toThrow(/at least 32 characters/)
  })
})

describe('resolveSecretKey', () => {
  it('prefers BIRDHOUSE_SECRET_KEY and then creates no file', async () => {
    const key = 'k'.repeat(40)
    expect(await resolveSecretKey({ secretKey: key, dataDir: dir })).toBe(key)
    await expect(stat(join(dir, 'secret.key'))).rejects.toThrow()
  })
})
