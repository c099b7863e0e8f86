/** A failure the CLI itself detects (bad flags, a missing file, no credentials), with its exit class. */
import { EXIT } from './exit-codes.js'

/** Failure classes of `CliError`, named as in `EXIT`. */
export type CliErrorKind = 'usage' | 'auth' | 'unavailable' | 'rejected' | 'processingFailed' | 'aborted'

/** A failure found by the CLI, printed as its message and exiting with `EXIT[kind]`. */
export class CliError extends Error {
  override readonly name = 'CliError'
  readonly kind: CliErrorKind

  constructor(kind: CliErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.kind = kind
  }

  /** The exit code of this failure. */
  get exitCode(): number {
    return EXIT[this.kind]
  }
}
