/**
 * Waiting for X to process media (spec §8.6). The wait before every STATUS, the first one too, is
 * X's `check_after_secs`; without it, a backoff of 1, 2, 4… up to 30 s. `failed`, or an `error`
 * object in any state (X was seen sending `in_progress` with an `error` at 99 %, spec §3.5, which
 * makes tweepy 4.12 loop forever), is a failure; unknown states count as still working. An overall
 * deadline bounds the whole wait.
 */
import { TimeoutError, XApiError } from '../errors.js'
import { type RetryPolicy, withRetry } from '../http/retry.js'
import { sleep as defaultSleep } from '../http/sleep.js'
import type { UploadWire } from '../wire/upload-wire.js'
import type { ProcessingStatus, UploadAnswer } from '../wire/uploaded-media.js'

/** Longest backoff between polls when X gives no `check_after_secs`. */
const MAX_FALLBACK_DELAY_MS = 30_000

/** Options of `waitForProcessing`. */
export interface ProcessingWaitOptions {
  /** Overall deadline, ms from now. */
  timeoutMs: number
  /** Retry policy of the STATUS requests. */
  policy: RetryPolicy
  signal?: AbortSignal | undefined
  /** Called with each status read. */
  onStatus?: ((status: ProcessingStatus) => void) | undefined
  /** Replaces the delay (tests observe the waits without spending them). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  now?: () => number
}

/** Whether media in this state is done (succeeded, failed, or has nothing to process). */
export function isProcessingSettled(status: ProcessingStatus | undefined): boolean {
  return status === undefined || status.state === 'succeeded' || isProcessingFailure(status)
}

function isProcessingFailure(status: ProcessingStatus): boolean {
  return status.state === 'failed' || status.error !== undefined
}

/** The `XApiError` of failed processing, carrying X's `{code, name, message}`. */
export function processingFailure(answer: UploadAnswer): XApiError {
  const status = answer.media.processing
  const error = status?.error ?? { code: 0, name: 'ProcessingFailed', message: 'processing failed' }
  return new XApiError(`media ${answer.media.mediaId} failed processing: ${error.name}: ${error.message}`, {
    status: answer.status,
    method: answer.method,
    url: answer.url,
    body: { processing_info: status },
    processingError: error,
    mediaId: answer.media.mediaId,
  })
}

/** Delay before poll `poll` (0-based) when X suggests none. */
function fallbackDelayMs(poll: number): number {
  return Math.min(MAX_FALLBACK_DELAY_MS, 1000 * 2 ** poll)
}

/** Polls STATUS from `first` (FINALIZE's answer) until processing is done; resolves to the last answer. */
export async function waitForProcessing(
  wire: UploadWire,
  first: UploadAnswer,
  options: ProcessingWaitOptions,
): Promise<UploadAnswer> {
  const now = options.now ?? Date.now
  const sleep = options.sleep ?? defaultSleep
  const deadline = now() + options.timeoutMs
  const mediaId = first.media.mediaId
  let answer = first
  for (let poll = 0; ; poll++) {
    const status = answer.media.processing
    if (status === undefined || status.state === 'succeeded') return answer
    if (isProcessingFailure(status)) throw processingFailure(answer)
    const remainingMs = deadline - now()
    if (remainingMs <= 0) {
      const message = `media ${mediaId} was still ${status.state} after ${options.timeoutMs} ms`
      throw new TimeoutError('processing', options.timeoutMs, message)
    }
    const wantedMs = status.checkAfterSecs === undefined ? fallbackDelayMs(poll) : status.checkAfterSecs * 1000
    await sleep(Math.min(wantedMs, remainingMs), options.signal)
    answer = await withRetry(() => wire.status(mediaId, options.signal), {
      policy: options.policy,
      signal: options.signal,
    })
    if (answer.media.processing !== undefined) options.onStatus?.(answer.media.processing)
  }
}
