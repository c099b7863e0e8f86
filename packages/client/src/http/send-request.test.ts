/** `sendRequest` over a scripted fetch (through `fetchTransport`): auth, 401 refresh, error mapping, timeouts and aborts. */
import { describe, expect, it } from 'vitest'
import type { Auth, AuthRequest } from '../auth/auth-request.js'
import { isNetworkError, isTimeoutError, isXApiError } from '../errors.js'
import { type HttpContext, rateLimitResetAtMs, sendRequest } from './send-request.js'
import { fetchTransport } from './transport.js'

type Call = { url: string; init: RequestInit }

function context(
  answers: ((call: Call) => Promise<Response>)[],
  auth?: Auth,
): HttpContext & { calls: Call[]; seen: AuthRequest[] } {
  const calls: Call[] = []
  const seen: AuthRequest[] = []
  return {
    calls,
    seen,
    auth: auth ?? {
      authorize: async (request) => {
        seen.push(request)
        return 'Bearer t'
      },
    },
    userAgent: 'test-agent',
    requestTimeoutMs: 1000,
    transport: fetchTransport(async (input, init) => {
      const call = { url: String(input), init: init ?? {} }
      calls.push(call)
      const answer = answers[calls.length - 1] ?? answers.at(-1)
      if (answer === undefined) throw new Error('no answer scripted')
      return answer(call)
    }),
  }
}

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}) =>
  async () =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } })

describe('sendRequest', () => {
  it('sends the Authorization and User-Agent headers and hands urlencoded parameters to the signer', async () => {
    const http = context([json(200, { ok: true })])
    const response = await sendRequest(http, {
      method: 'POST',
      url: 'https://upload.x.com/1.1/media/upload.json',
      body: { kind: 'form', fields: { command: 'INIT', total_bytes: '10' } },
    })
    expect(response.body).toEqual({ ok: true })
    expect(http.calls[0]?.init.headers).toEqual({
      authorization: 'Bearer t',
      'user-agent': 'test-agent',
      'content-type': 'application/x-www-form-urlencoded',
    })
    expect(http.seen[0]?.bodyParams).toEqual({ command: 'INIT', total_bytes: '10' })
    expect(http.calls[0]?.init.body).toBe('command=INIT&total_bytes=10')
  })

  it('asks the Auth once after a 401 and sends again when it says a fresh header may help', async () => {
    let header = 'Bearer old'
    const rejected: string[] = []
    const auth: Auth = {
      authorize: async () => header,
      onUnauthorized: async (value) => {
        rejected.push(value)
        header = 'Bearer new'
        return true
      },
    }
    const http = context(
      [json(401, { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' }), json(200, {})],
      auth,
    )
    await sendRequest(http, { method: 'GET', url: 'https://api.x.com/2/media/upload?media_id=1' })
    expect(rejected).toEqual(['Bearer old'])
    expect(http.calls[1]?.init.headers).toMatchObject({ authorization: 'Bearer new' })
  })

  it('turns an error answer into an XApiError with its catalogue code and rate-limit reset', async () => {
    const http = context([
      json(
        429,
        { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 },
        { 'x-rate-limit-reset': '1900000000' },
      ),
    ])
    const failure = await sendRequest(http, { method: 'POST', url: 'https://api.x.com/2/tweets', mediaId: '5' }).catch(
      (e: unknown) => e,
    )
    expect(isXApiError(failure, 'RATE_LIMITED')).toBe(true)
    expect(failure).toMatchObject({
      status: 429,
      rateLimitResetAtMs: 1_900_000_000_000,
      mediaId: '5',
      problem: 'about:blank',
    })
  })

  it('turns a failed fetch into a NetworkError and a silent server into a TimeoutError', async () => {
    const refused = context([() => Promise.reject(new TypeError('fetch failed'))])
    expect(
      isNetworkError(await sendRequest(refused, { method: 'GET', url: 'http://x/' }).catch((e: unknown) => e)),
    ).toBe(true)
    const silent = context([
      (call) =>
        new Promise((_resolve, reject) =>
          call.init.signal?.addEventListener('abort', () => reject(call.init.signal?.reason)),
        ),
    ])
    silent.requestTimeoutMs = 10
    const failure = await sendRequest(silent, { method: 'GET', url: 'http://x/' }).catch((e: unknown) => e)
    expect(isTimeoutError(failure) && failure.kind).toBe('request')
  })

  it("rejects with the caller's abort reason", async () => {
    const http = context([
      (call) =>
        new Promise((_resolve, reject) =>
          call.init.signal?.addEventListener('abort', () => reject(call.init.signal?.reason)),
        ),
    ])
    const controller = new AbortController()
    const pending = sendRequest(http, { method: 'GET', url: 'http://x/', signal: controller.signal })
    const reason = new Error('stop')
    setTimeout(() => controller.abort(reason), 1)
    await expect(pending).rejects.toBe(reason)
  })

  it('reads x-rate-limit-reset, else retry-after in seconds or as a date', () => {
    expect(rateLimitResetAtMs(new Headers({ 'x-rate-limit-reset': '100' }))).toBe(100_000)
    expect(rateLimitResetAtMs(new Headers({ 'retry-after': '7' }), 1000)).toBe(8000)
    expect(rateLimitResetAtMs(new Headers({ 'retry-after': 'Thu, 01 Jan 1970 00:00:09 GMT' }))).toBe(9000)
    expect(rateLimitResetAtMs(new Headers())).toBeUndefined()
  })
})
