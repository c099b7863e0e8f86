/**
 * The errors the SDK throws, each with a stable `code` and, where one exists, a `cause` (ky's and
 * jose's model): `XApiError` for answers of the server (HTTP errors and failed processing),
 * `NetworkError` and `TimeoutError` for requests that got no answer, `PreflightError` for media
 * refused before anything was sent, and `SourceError` for input that is not what it claimed.
 * Aborting throws the signal's `reason` unchanged (an `AbortError` DOMException by default).
 */
import type { ErrorCode, ProcessingError } from '@birdhouse/protocol'

/** Details of an `XApiError`. */
export interface XApiErrorOptions {
  /** HTTP status of the answer (200 for a failure reported by STATUS). */
  status: number
  method: string
  url: string
  /** The parsed body (or its text when it was not JSON). */
  body: unknown
  /** The birdhouse catalogue code the answer matches, when it matches one. */
  code?: ErrorCode | undefined
  /** The problem `type` of a v2 error. */
  problem?: string | undefined
  /** X's `{code, name, message}` of a processing failure. */
  processingError?: ProcessingError | undefined
  /** When a 429 says the limit resets (`x-rate-limit-reset` or `retry-after`), epoch ms. */
  rateLimitResetAtMs?: number | undefined
  mediaId?: string | undefined
  cause?: unknown
}

/**
 * An error answer of X (or birdhouse): an HTTP error, or media whose processing failed.
 * @example
 * try { await client.uploadMedia(bytes) } catch (error) {
 *   if (isXApiError(error, 'MEDIA_TOO_LARGE')) console.error(error.message)
 *   if (isXApiError(error) && error.processingError) console.error(error.processingError.name)
 * }
 */
export class XApiError extends Error {
  override readonly name = 'XApiError'
  readonly status: number
  readonly method: string
  readonly url: string
  readonly body: unknown
  /** The catalogue code when the answer is recognised (docs/errors.md); undefined otherwise. */
  readonly code: ErrorCode | undefined
  readonly problem: string | undefined
  readonly processingError: ProcessingError | undefined
  readonly rateLimitResetAtMs: number | undefined
  readonly mediaId: string | undefined

  constructor(message: string, options: XApiErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.status = options.status
    this.method = options.method
    this.url = options.url
    this.body = options.body
    this.code = options.code
    this.problem = options.problem
    this.processingError = options.processingError
    this.rateLimitResetAtMs = options.rateLimitResetAtMs
    this.mediaId = options.mediaId
  }
}

/**
 * A request that got no HTTP answer (DNS, refused or reset connection, TLS failure).
 * @example if (isNetworkError(error)) console.error('offline?', error.cause)
 */
export class NetworkError extends Error {
  override readonly name = 'NetworkError'
  readonly code = 'NETWORK_ERROR'
  readonly method: string
  readonly url: string

  constructor(method: string, url: string, cause: unknown) {
    super(`${method} ${url} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause })
    this.method = method
    this.url = url
  }
}

/** What ran out of time. */
export type TimeoutKind = 'request' | 'processing'

/**
 * A request that took longer than `requestTimeoutMs`, or processing that outlasted `processingTimeoutMs`.
 * @example if (isTimeoutError(error) && error.kind === 'processing') console.error('still processing')
 */
export class TimeoutError extends Error {
  override readonly name = 'TimeoutError'
  readonly code = 'TIMEOUT'
  readonly kind: TimeoutKind
  readonly timeoutMs: number

  constructor(kind: TimeoutKind, timeoutMs: number, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause })
    this.kind = kind
    this.timeoutMs = timeoutMs
  }
}

/** Why media was refused before INIT; the codes the server would answer with where it has one. */
export type PreflightErrorCode =
  | 'MEDIA_TYPE_UNRECOGNIZED'
  | 'MEDIA_CATEGORY_INVALID'
  | 'MEDIA_TOO_LARGE'
  | 'MEDIA_EMPTY'
  | 'MEDIA_DURATION_INVALID'
  | 'POST_MEDIA_TOO_MANY'

/**
 * Media the SDK refused before sending anything: unknown type, a category that cannot take it,
 * bigger than the category allows (`CATEGORY_LIMITS`), a duration out of range.
 * @example if (isPreflightError(error, 'MEDIA_TOO_LARGE')) console.error(error.message)
 */
export class PreflightError extends Error {
  override readonly name = 'PreflightError'
  readonly code: PreflightErrorCode

  constructor(code: PreflightErrorCode, message: string) {
    super(message)
    this.code = code
  }
}

/**
 * An upload source that broke its promise: a stream shorter or longer than its declared `size`.
 * @example if (isSourceError(error)) console.error(error.message)
 */
export class SourceError extends Error {
  override readonly name = 'SourceError'
  readonly code = 'SOURCE_SIZE_MISMATCH'
}

/**
 * Whether `error` is an `XApiError`, optionally with catalogue code `code`.
 * @example if (isXApiError(error, 'MEDIA_EXPIRED')) startOver()
 */
export function isXApiError(error: unknown, code?: ErrorCode): error is XApiError {
  return error instanceof XApiError && (code === undefined || error.code === code)
}

/**
 * Whether `error` is a `NetworkError`.
 * @example if (isNetworkError(error)) retryLater()
 */
export function isNetworkError(error: unknown): error is NetworkError {
  return error instanceof NetworkError
}

/**
 * Whether `error` is a `TimeoutError`.
 * @example if (isTimeoutError(error)) console.error(`gave up after ${error.timeoutMs} ms`)
 */
export function isTimeoutError(error: unknown): error is TimeoutError {
  return error instanceof TimeoutError
}

/**
 * Whether `error` is a `PreflightError`, optionally with `code`.
 * @example if (isPreflightError(error)) console.error(error.code)
 */
export function isPreflightError(error: unknown, code?: PreflightErrorCode): error is PreflightError {
  return error instanceof PreflightError && (code === undefined || error.code === code)
}

/**
 * Whether `error` is a `SourceError`.
 * @example if (isSourceError(error)) console.error('the stream lied about its size')
 */
export function isSourceError(error: unknown): error is SourceError {
  return error instanceof SourceError
}
