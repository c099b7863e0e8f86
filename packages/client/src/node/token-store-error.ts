/** Failures of `FileTokenStore`, with stable codes. */

/** `TOKEN_STORE_LOCKED`: another process held the lock past the wait; `TOKEN_STORE_CORRUPT`: the file is not a token file. */
export type TokenStoreErrorCode = 'TOKEN_STORE_LOCKED' | 'TOKEN_STORE_CORRUPT'

/** A token file could not be locked or read. */
export class TokenStoreError extends Error {
  readonly code: TokenStoreErrorCode

  constructor(code: TokenStoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'TokenStoreError'
    this.code = code
  }
}
