/** Validation of blob keys shared by every backend. */
import { ApiError } from '../../errors.js'

const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/

/** Throws `BLOB_KEY_INVALID` unless `key` is a relative `/`-path of safe segments (no `..`, no leading dot). */
export function assertBlobKey(key: string): void {
  const ok = key.length > 0 && key.length <= 1024 && key.split('/').every((segment) => SEGMENT.test(segment))
  if (!ok) throw new ApiError('BLOB_KEY_INVALID', { params: { key } })
}

/** Throws `BLOB_KEY_INVALID` unless `prefix` is a valid key, optionally followed by one `/`. */
export function assertBlobPrefix(prefix: string): void {
  assertBlobKey(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix)
}
