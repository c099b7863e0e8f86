/**
 * The server's secret key: it seals OAuth 1.0a secrets at rest and signs consent-page cookies.
 * `BIRDHOUSE_SECRET_KEY` wins; otherwise the key lives in `<dataDir>/secret.key` (mode 0600,
 * 32 random bytes as base64url), created on first use. Every node of a cluster needs the same key,
 * so clusters set the variable (or share the file).
 */
import { randomBytes } from 'node:crypto'
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Config } from '../config.js'

/** File name of the generated key inside the data directory. */
export const SECRET_KEY_FILE = 'secret.key'

/** Shortest key accepted (the config enforces the same for BIRDHOUSE_SECRET_KEY). */
export const MIN_SECRET_KEY_CHARS = 32

/** Reads `<dataDir>/secret.key`, creating it (0600, 32 random bytes base64url) when it does not exist. */
export async function loadOrCreateSecretKey(dataDir: string): Promise<string> {
  const path = join(dataDir, SECRET_KEY_FILE)
  const existing = await readKey(path)
  if (existing !== undefined) return existing
  await mkdir(dataDir, { recursive: true })
  const key = randomBytes(32).toString('base64url')
  // Written whole to a temp file, then linked into place: `link` fails when the name exists, so two
  // processes starting at once agree on one key and neither reads a half-written file.
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`
  await writeFile(temp, `${key}\n`, { mode: 0o600, flag: 'wx' })
  try {
    await link(temp, path)
    return key
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    const raced = await readKey(path)
    if (raced === undefined) throw error
    return raced
  } finally {
    await rm(temp, { force: true })
  }
}

/** The configured key, else the data directory's key file (created when missing). */
export async function resolveSecretKey(config: Pick<Config, 'secretKey' | 'dataDir'>): Promise<string> {
  return config.secretKey ?? (await loadOrCreateSecretKey(config.dataDir))
}

async function readKey(path: string): Promise<string | undefined> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
  const key = text.trim()
  if (key.length < MIN_SECRET_KEY_CHARS) {
    throw new Error(`${path}: expected a key of at least ${MIN_SECRET_KEY_CHARS} characters`)
  }
  return key
}
