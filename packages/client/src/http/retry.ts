/**
 * Retries with exponential backoff and full jitter (a random wait between 0 and
 * `min(maxDelayMs, baseDelayMs × 2^attempt)`, AWS Architecture Blog "Exponential Backoff And
 * Jitter"). Network errors, request timeouts, 5xx and 429 are retried; every other 4xx is final,
 * and so is a certificate the client does not trust (sending again cannot change it).
 * A 429 that says when its window resets (`x-rate-limit-reset`, X's epoch seconds, spec §11.2; or
 * `retry-after`) is retried just after the reset, unless that is further away than
 * `maxRateLimitWaitMs`.
 */
import { isNetworkError, isTimeoutError, isXApiError } from '../errors.js'
import { sleep } from './sleep.js'

/** How requests are retried. */
export interface RetryOptions {
  /** Attempts after the first; default 5. */
  retries?: number
  /** Backoff ceiling of the first retry, ms; doubles per retry; default 500. */
  baseDelayMs?: number
  /** Largest backoff ceiling, ms; default 30 000. */
  maxDelayMs?: number
  /** Longest wait for a rate-limit reset before giving up, ms; default 900 000 (X's 15-minute window). */
  maxRateLimitWaitMs?: number
}

/** `RetryOptions` with every default applied. */
export type RetryPolicy = Readonly<Required<RetryOptions>>

/** The defaults. */
export const DEFAULT_RETRY: RetryPolicy = {
  retries: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRateLimitWaitMs: 900_000,
}

/** Fills in defaults. */
export function resolveRetry(...layers: (RetryOptions | undefined)[]): RetryPolicy {
  return Object.assign({}, DEFAULT_RETRY, ...layers.map((layer) => definedOnly(layer ?? {})))
}

function definedOnly(options: RetryOptions): RetryOptions {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined))
}

/**
 * OpenSSL's and Node's codes for a server certificate that is not trusted or does not match (a
 * wrong CA, a self-signed or expired certificate, a CA without `CA:TRUE`, another host's name), and
 * for https spoken to a server that does not speak TLS.
 */
const CERTIFICATE_ERROR_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_CHAIN_TOO_LONG',
  'INVALID_CA',
  'INVALID_PURPOSE',
  'PATH_LENGTH_EXCEEDED',
  'HOSTNAME_MISMATCH',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'ERROR_IN_CERT_NOT_BEFORE_FIELD',
  'ERROR_IN_CERT_NOT_AFTER_FIELD',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  // https spoken to a plain-http port: no retry will change the port.
  'ERR_SSL_WRONG_VERSION_NUMBER',
])

/** Whether `error` or one of its causes is a certificate failure. */
export function isCertificateError(error: unknown): boolean {
  for (let cause = error, depth = 0; cause !== undefined && cause !== null && depth < 8; depth++) {
    const code = (cause as { code?: unknown }).code
    if (typeof code === 'string' && CERTIFICATE_ERROR_CODES.has(code)) return true
    cause = (cause as { cause?: unknown }).cause
  }
  return false
}

/** Whether a failed request may succeed when sent again. */
export function isRetryable(error: unknown): boolean {
  if (isNetworkError(error)) return !isCertificateError(error)
  if (isTimeoutError(error)) return error.kind === 'request'
  if (isXApiError(error)) return error.processingError === undefined && (error.status >= 500 || error.status === 429)
  return false
}

/**
 * Milliseconds to wait before retrying after `error`, the `attempt`-th failure (0-based); undefined
 * when the request must not be retried.
 */
export function retryDelayMs(
  error: unknown,
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
  nowMs: number = Date.now(),
): number | undefined {
  if (attempt >= policy.retries || !isRetryable(error)) return undefined
  const backoff = Math.floor(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt))
  if (isXApiError(error) && error.status === 429 && error.rateLimitResetAtMs !== undefined) {
    const untilReset = error.rateLimitResetAtMs - nowMs
    if (untilReset > policy.maxRateLimitWaitMs) return undefined
    // A little jitter after the reset, so that parallel segments do not all return at once.
    if (untilReset > 0) return untilReset + Math.floor(random() * Math.min(1000, policy.baseDelayMs))
  }
  return backoff
}

/** Options of `withRetry`. */
export interface WithRetryOptions {
  policy: RetryPolicy
  signal?: AbortSignal | undefined
  /** Narrows what is retried (e.g. only 429 and 503 for non-idempotent posts); default everything retryable. */
  retryable?: (error: unknown) => boolean
  /** Called before each wait. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void
}

/** Runs `run` until it resolves, it fails with a final error, or the retries are used up. */
export async function withRetry<T>(run: (attempt: number) => Promise<T>, options: WithRetryOptions): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await run(attempt)
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason
      const allowed = options.retryable?.(error) ?? true
      const delayMs = allowed ? retryDelayMs(error, attempt, options.policy) : undefined
      if (delayMs === undefined) throw error
      options.onRetry?.(error, attempt, delayMs)
      await sleep(delayMs, options.signal)
    }
  }
}
