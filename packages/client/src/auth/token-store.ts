/**
 * Where OAuth 2.0 tokens live between requests and runs. Refresh tokens rotate (X, spec §12.1): a
 * store must let exactly one refresher at a time read the current pair and replace it, or a
 * rotated-away refresh token gets used and the grant is lost. `FileTokenStore` (the `node` entry)
 * does that across processes; `MemoryTokenStore` within one.
 */
import type { Tokens } from './tokens.js'

/** Where tokens live between runs; implementations must make `update` atomic across their users. */
export interface TokenStore {
  /** The stored tokens, or undefined when there are none. */
  read(): Promise<Tokens | undefined>
  /**
   * Runs `fn` on the tokens stored *now* (re-read under the store's lock) and stores what it
   * returns; returning `current` unchanged skips the write. Resolves to the stored tokens.
   */
  update(fn: (current: Tokens | undefined) => Promise<Tokens>): Promise<Tokens>
}

/**
 * A token store in memory, for one process (browsers, tests). Updates run one at a time.
 * @example const store = new MemoryTokenStore({ accessToken: 'a', refreshToken: 'r', expiresAtMs: Date.now() + 7_200_000 })
 */
export class MemoryTokenStore implements TokenStore {
  #tokens: Tokens | undefined
  #queue: Promise<unknown> = Promise.resolve()

  constructor(tokens?: Tokens) {
    this.#tokens = tokens
  }

  async read(): Promise<Tokens | undefined> {
    return this.#tokens
  }

  update(fn: (current: Tokens | undefined) => Promise<Tokens>): Promise<Tokens> {
    const run = this.#queue.then(async () => {
      this.#tokens = await fn(this.#tokens)
      return this.#tokens
    })
    this.#queue = run.catch(() => undefined)
    return run
  }
}
