/**
 * `FileTokenStore`: OAuth 2.0 tokens in a JSON file, safe when several processes refresh at once.
 * `update` takes an exclusive lock file (`<path>.lock`), re-reads the file inside it, runs the
 * caller's function and replaces the file atomically before releasing; so a second process that
 * wanted to refresh sees the first one's rotated pair and can use it instead of spending a dead
 * refresh token.
 */
import { mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { TokenStore } from '../auth/token-store.js'
import type { Tokens } from '../auth/tokens.js'
import { readTokenFile, type TokenClient, type TokenFile, writeTokenFile } from './token-store-file.js'
import { acquireFileLock, type FileLockOptions } from './token-store-lock.js'

export type { TokenClient, TokenFile } from './token-store-file.js'

/** Options of `FileTokenStore`. */
export type FileTokenStoreOptions = FileLockOptions

/**
 * Tokens in a file (mode 0600), updated under a cross-process lock.
 * @example
 * const store = new FileTokenStore(join(homedir(), '.config/birdhouse/tokens.json'))
 * const auth = oauth2User({ store, clientId, tokenUrl })
 */
export class FileTokenStore implements TokenStore {
  /** The token file. */
  readonly path: string
  readonly #lock: FileLockOptions

  constructor(path: string, options: FileTokenStoreOptions = {}) {
    this.path = path
    this.#lock = options
  }

  async read(): Promise<Tokens | undefined> {
    return (await readTokenFile(this.path))?.tokens
  }

  /** The whole file: tokens and the client they belong to. */
  readFile(): Promise<TokenFile | undefined> {
    return readTokenFile(this.path)
  }

  async update(fn: (current: Tokens | undefined) => Promise<Tokens>): Promise<Tokens> {
    return await this.#locked(async () => {
      const file = await readTokenFile(this.path)
      const next = await fn(file?.tokens)
      if (next !== file?.tokens) {
        await writeTokenFile(this.path, { ...file, version: 1, tokens: next })
      }
      return next
    })
  }

  /** Replaces tokens and client (after a login), under the lock. */
  async save(tokens: Tokens, client?: TokenClient): Promise<void> {
    await this.#locked(() =>
      writeTokenFile(this.path, { version: 1, tokens, ...(client === undefined ? {} : { client }) }),
    )
  }

  async #locked<T>(task: () => Promise<T>): Promise<T> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 })
    const release = await acquireFileLock(`${this.path}.lock`, this.#lock)
    try {
      return await task()
    } finally {
      await release()
    }
  }
}
