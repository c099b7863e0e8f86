/**
 * The server's one error class. Everything that goes wrong on purpose throws an `ApiError` with a
 * catalogue code; the error handler renders it as X's v1.1 or v2 body.
 */
import type { ErrorCode, ErrorParams } from '@birdhouse/protocol'

/** Options of an `ApiError`. */
export interface ApiErrorOptions {
  /** Values for `{name}` placeholders of the catalogue message. */
  params?: ErrorParams
  /** Replaces the catalogue message (invalid-request `errors[0].message`, or `detail`). */
  message?: string
  /** invalid-request `parameters`: parameter name → offending values. */
  parameters?: Record<string, string[]>
  /** Type-specific problem members (`resource_type`…). */
  extra?: Record<string, string>
  /** The underlying failure, logged and never sent. */
  cause?: unknown
}

/** An error with a stable catalogue code. */
export class ApiError extends Error {
  readonly code: ErrorCode
  readonly params: ErrorParams
  readonly parameters: Record<string, string[]> | undefined
  readonly overrideMessage: string | undefined
  readonly extra: Record<string, string> | undefined

  constructor(code: ErrorCode, options: ApiErrorOptions = {}) {
    super(options.message ?? code, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'ApiError'
    this.code = code
    this.params = options.params ?? {}
    this.parameters = options.parameters
    this.overrideMessage = options.message
    this.extra = options.extra
  }
}

/** Tells whether a value is an `ApiError`, optionally of one code. */
export function isApiError(value: unknown, code?: ErrorCode): value is ApiError {
  return value instanceof ApiError && (code === undefined || value.code === code)
}
