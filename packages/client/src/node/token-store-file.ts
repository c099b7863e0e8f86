/**
 * The token file: JSON `{ "version": 1, "tokens": {…}, "client": {…} }`, mode 0600, replaced
 * atomically (write a temp file beside it, fsync, rename over, fsync the directory) so a crash
 * leaves either the old pair or the new one, never half of either.
 */
import { randomBytes } from 'node:crypto'
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { Tokens } from '../auth/tokens.js'
import { TokenStoreError } from './token-store-error.js'

/** The OAuth client the tokens belong to, kept so a later run can refresh them. */
export interface TokenClient {
  clientId: string
  /** A confidential client's secret (the file is private to its owner, 0600). */
  clientSecret?: string
  tokenUrl: string
}

/** The content of a token file. */
export interface TokenFile {
  version: 1
  tokens: Tokens
  client?: TokenClient
}

/** Reads and checks a token file; undefined when it does not exist. */
export async function readTokenFile(path: string): Promise<TokenFile | undefined> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw new TokenStoreError('TOKEN_STORE_CORRUPT', `${path} is not JSON`, { cause: error })
  }
  if (!isTokenFile(parsed)) throw new TokenStoreError('TOKEN_STORE_CORRUPT', `${path} is not a birdhouse token file`)
  return parsed
}

function isTokenFile(value: unknown): value is TokenFile {
  const file = value as Partial<TokenFile> | null
  const tokens = file?.tokens as Partial<Tokens> | undefined
  const client = file?.client as Partial<TokenClient> | undefined
  return (
    file?.version === 1 &&
    typeof tokens?.accessToken === 'string' &&
    ['string', 'undefined'].includes(typeof tokens.refreshToken) &&
    ['number', 'undefined'].includes(typeof tokens.expiresAtMs) &&
    (client === undefined || (typeof client.clientId === 'string' && typeof client.tokenUrl === 'string'))
  )
}

/** Replaces the token file atomically with mode 0600, creating its directory (0700) if needed. */
export async function writeTokenFile(path: string, file: TokenFile): Promise<void> {
  const dir = dirname(path)
  await mkdir(dir, { recursive: true, mode: 0o700 })
  const temp = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`
  const handle = await open(temp, 'wx', 0o600)
  try {
    await handle.writeFile(`${JSON.stringify(file, null, 2)}\n`)
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
  await syncDirectory(dir)
}

/** Makes a rename in `dir` durable (POSIX: the directory entry lives in the directory). */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r')
  try {
    await handle.sync()
  } catch (error) {
    // Some file systems refuse fsync on a directory; the rename itself is still atomic.
    if (!['EINVAL', 'EISDIR', 'EPERM'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error
  } finally {
    await handle.close()
  }
}
