import { describe, expect, it } from 'vitest'
import { NetworkError, TimeoutError, XApiError } from '../errors.js'
import { DEFAULT_RETRY, isRetryable, resolveRetry, retryDelayMs, withRetry } from './retry.js'

const apiError = (status: number, rateLimitResetAtMs?: number) =>
  new XApiError('x', { status, method: 'POST', url: 'http://x', body: undefined, rateLimitResetAtMs })
const network = new NetworkError('POST', 'http://x', new TypeError('fetch failed'))
const policy = resolveRetry({ baseDelayMs: 100, maxDelayMs: 1000, retries: 5, maxRateLimitWaitMs: 60_000 })

describe('isRetryable', () => {
  it('retries network errors, request timeouts, 5xx and 429', () => {
    expect(isRetryable(network)).toBe(true)
    expect(isRetryable(new TimeoutError('request', 1, 'slow'))).toBe(true)
    expect(isRetryable(apiError(500))).toBe(true)
    expect(isRetryable(apiError(503))).toBe(true)
    expect(isRetryable(apiError(429))).toBe(true)
  })

  it('does not retry a certificate the client does not trust, however deep the cause', () => {
    const tls = Object.assign(new Error('unable to verify the first certificate'), {
      code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    })
    expect(isRetryable(new NetworkError('POST', 'https://x', tls))).toBe(false)
    // fetch wraps the socket's error: TypeError('fetch failed', { cause })
    const viaFetch = new TypeError('fetch failed', { cause: tls })
    expect(isRetryable(new NetworkError('POST', 'https://x', viaFetch))).toBe(false)
    for (const code of ['INVALID_PURPOSE', 'SELF_SIGNED_CERT_IN_CHAIN', 'ERR_SSL_WRONG_VERSION_NUMBER']) {
      const error = Object.assign(new Error(code), { code })
      expect(isRetryable(new NetworkError('POST', 'https://x', error))).toBe(false)
    }
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })
    expect(isRetryable(new NetworkError('POST', 'https://x', refused))).toBe(true)
  })

  it('does not retry other 4xx, processing deadlines or unknown errors', () => {
    for (const status of [400, 401, 403, 404, 413]) expect(isRetryable(apiError(status))).toBe(false)
    expect(isRetryable(new TimeoutError('processing', 1, 'slow'))).toBe(false)
    expect(isRetryable(new Error('bug'))).toBe(false)
  })
})

describe('retryDelayMs', () => {
  it('draws a full-jitter delay under a doubling, capped ceiling', () => {
    expect(retryDelayMs(network, 0, policy, () => 0.999)).toBe(99)
    expect(retryDelayMs(network, 2, policy, () => 0.5)).toBe(200)
    expect(retryDelayMs(network, 4, policy, () => 0.999)).toBe(999)
    expect(retryDelayMs(network, 3, policy, () => 0)).toBe(0)
  })

  it('waits for the rate-limit reset of a 429', () => {
    expect(retryDelayMs(apiError(429, 50_000), 0, policy, () => 0, 20_000)).toBe(30_000)
  })

  it('gives up when the reset is further away than maxRateLimitWaitMs', () => {
    expect(retryDelayMs(apiError(429, 200_000), 0, policy, () => 0, 0)).toBeUndefined()
  })

  it('falls back to backoff when the reset has passed', () => {
    expect(retryDelayMs(apiError(429, 1000), 1, policy, () => 0.5, 5000)).toBe(100)
  })

  it('stops after `retries` failures and on final errors', () => {
    expect(retryDelayMs(network, 5, policy)).toBeUndefined()
    expect(retryDelayMs(apiError(400), 0, policy)).toBeUndefined()
  })
})

describe('withRetry', () => {
  it('resolves once an attempt succeeds', async () => {
    let attempts = 0
    const value = await withRetry(
      async () => {
        attempts += 1
        if (attempts < 3) throw network
        return 'ok'
      },
      { policy: resolveRetry({ baseDelayMs: 1 }) },
    )
    expect([value, attempts]).toEqual(['ok', 3])
  })

  it('rethrows a final error at once', async () => {
    let attempts = 0
    const run = async () => {
      attempts += 1
      throw apiError(403)
    }
    await expect(withRetry(run, { policy: DEFAULT_RETRY })).rejects.toMatchObject({ status: 403 })
    expect(attempts).toBe(1)
  })

  it('stops waiting when aborted', async () => {
    const controller = new AbortController()
    const run = async () => {
      controller.abort(new Error('stop'))
      throw network
    }
    await expect(withRetry(run, { policy: DEFAULT_RETRY, signal: controller.signal })).rejects.toThrow('stop')
  })
})
