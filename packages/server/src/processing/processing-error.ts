/**
 * The one error processing throws. `reason` tells the worker what to do: fail the media with
 * `failure` (`invalid-media`, `unsupported-media`, `timeout`) or retry later (`failed`: our disk,
 * descriptors or binaries, not the uploader's bytes). `failure` is X's STATUS `error{code,name,message}`
 * (spec §3.5) and `stderr` is the tool's output, for debug logs only.
 */
import type { ProcessingFailure } from '../stores/metadata-store.js'

/** Why processing failed. */
export type ProcessingErrorReason = 'invalid-media' | 'unsupported-media' | 'timeout' | 'failed'

/** X's failure for bytes ffmpeg cannot read (spec §3.5). */
export const invalidMediaFailure: ProcessingFailure = {
  code: 1,
  name: 'InvalidMedia',
  message: 'Unsupported video format',
}

/** X's other captured InvalidMedia message (spec §3.5), for failures that are not about a format. */
export const fileInvalidFailure: ProcessingFailure = { code: 1, name: 'InvalidMedia', message: 'file is invalid' }

/** Builds X's code 3 `UnsupportedMedia` failure (spec §3.5). */
export function unsupportedMediaFailure(message: string): ProcessingFailure {
  return { code: 3, name: 'UnsupportedMedia', message }
}

/** Options of `ProcessingError`. */
export interface ProcessingErrorOptions {
  /** What STATUS reports; default `invalidMediaFailure` for `invalid-media`, else `fileInvalidFailure`. */
  failure?: ProcessingFailure
  /** The tool's stderr (tail), for debug logs; default empty. */
  stderr?: string
  cause?: unknown
}

/** A processing step that failed; `failure` is what STATUS reports if the worker gives up. */
export class ProcessingError extends Error {
  readonly reason: ProcessingErrorReason
  readonly failure: ProcessingFailure
  readonly stderr: string

  constructor(reason: ProcessingErrorReason, message: string, options: ProcessingErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'ProcessingError'
    this.reason = reason
    this.failure = options.failure ?? (reason === 'invalid-media' ? invalidMediaFailure : fileInvalidFailure)
    this.stderr = options.stderr ?? ''
  }
}

/** True for a `ProcessingError` (or a subclass such as `MediaProbeError`). */
export function isProcessingError(error: unknown): error is ProcessingError {
  return error instanceof ProcessingError
}
