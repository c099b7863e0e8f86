/**
 * How API commands report a failure: one line on stderr (`title: detail` for X's problem bodies),
 * with `--json` also a JSON line on stdout, and an exit code per class of failure (exit-codes.ts;
 * the table in the README).
 */
import {
  isCreatePostError,
  isNetworkError,
  isOAuthClientError,
  isPreflightError,
  isTimeoutError,
  isXApiError,
  type XApiError,
} from '@birdhouse/client'
import { TokenStoreError } from '@birdhouse/client/node'
import { CommanderError } from 'commander'
import { CliError } from './cli-error.js'
import { EXIT } from './exit-codes.js'

/** Whether `error` is an abort (the signal's reason, an `AbortError` by default). */
export function isAbort(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'AbortError'
}

/** The exit code for `error`. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof CliError) return error.exitCode
  if (error instanceof CommanderError) return EXIT.usage
  if (isAbort(error)) return EXIT.aborted
  if (isCreatePostError(error)) return exitCodeFor(error.failed[0]?.error ?? error.cause)
  if (isXApiError(error)) return exitCodeForApiError(error)
  if (isTimeoutError(error)) return error.kind === 'processing' ? EXIT.processingFailed : EXIT.unavailable
  if (isNetworkError(error)) return EXIT.unavailable
  if (isPreflightError(error)) return EXIT.rejected
  if (isOAuthClientError(error)) return error.code === 'TOKEN_REQUEST_FAILED' ? EXIT.unavailable : EXIT.auth
  if (error instanceof TokenStoreError) return error.code === 'TOKEN_STORE_LOCKED' ? EXIT.unavailable : EXIT.auth
  return EXIT.internal
}

function exitCodeForApiError(error: XApiError): number {
  if (error.processingError !== undefined) return EXIT.processingFailed
  if (error.status === 401 || error.status === 403) return EXIT.auth
  if (error.status === 429 || error.status >= 500) return EXIT.unavailable
  if (error.status >= 400) return EXIT.rejected
  return EXIT.internal
}

/** One line saying what went wrong: `title: detail` for problem bodies, X's processing error, or the message. */
export function describeFailure(error: unknown): string {
  if (isXApiError(error)) {
    if (error.processingError !== undefined) {
      const { name, message } = error.processingError
      return `Processing failed${error.mediaId === undefined ? '' : ` for media ${error.mediaId}`}: ${name}: ${message}`
    }
    const body = error.body as { title?: unknown; detail?: unknown; errors?: { message?: unknown }[] } | undefined
    // invalid-request problems put the specific reason in errors[0].message, the detail is generic.
    const reason = Array.isArray(body?.errors) ? body.errors[0]?.message : undefined
    const detail = typeof reason === 'string' ? reason : body?.detail
    if (typeof body?.title === 'string' && typeof detail === 'string') return `${body.title}: ${detail}`
  }
  if (isAbort(error)) return 'aborted'
  if (isCreatePostError(error)) {
    if (error.code === 'POST_FAILED') return `the post was refused: ${describeFailure(error.cause)}`
    const failures = error.failed.map((item) => `media ${item.index + 1}: ${describeFailure(item.error)}`)
    const ready = error.mediaIds.length === 0 ? '' : `; uploaded and ready: ${error.mediaIds.join(', ')}`
    return `nothing was posted (${failures.join('; ')}${ready})`
  }
  return error instanceof Error ? error.message : String(error)
}

/** Prints `error` (and, with `json`, a JSON line) and exits with its code. */
export function failApi(error: unknown, json: boolean): never {
  const exitCode = exitCodeFor(error)
  const message = describeFailure(error)
  if (json) {
    const code = (error as { code?: unknown } | null)?.code
    const line = { event: 'error', exit_code: exitCode, message, ...(typeof code === 'string' ? { code } : {}) }
    process.stdout.write(`${JSON.stringify(line)}\n`)
  }
  console.error(`birdhouse: ${message}`)
  process.exit(exitCode)
}

/**
 * An `AbortSignal` that fires on the first SIGINT or SIGTERM; a second one exits at once with 130.
 * @example const signal = abortOnSignals(); await client.uploadMedia(path, { signal })
 */
export function abortOnSignals(): AbortSignal {
  const controller = new AbortController()
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(EXIT.aborted)
    controller.abort()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  return controller.signal
}
