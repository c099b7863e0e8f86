/**
 * One HTTP exchange over the client's `Transport`: authorizes it (the `Auth` sees the urlencoded parameters that
 * OAuth 1.0a signs), bounds it by `requestTimeoutMs` and the caller's signal, reads the body, and
 * turns failures into the SDK's errors. After a 401 it asks the `Auth` once whether a fresh header
 * may help (a refreshed OAuth 2.0 token) and, if so, sends the request again.
 */
import type { Auth } from '../auth/auth-request.js'
import { recognizeError } from '../error-recognition.js'
import { NetworkError, TimeoutError, XApiError } from '../errors.js'
import { encodeMultipart, type MultipartFile } from './multipart.js'
import type { BodyPart, Transport } from './transport.js'

/** What every request of a client shares. */
export interface HttpContext {
  transport: Transport
  auth: Auth
  userAgent: string | undefined
  requestTimeoutMs: number
}

/** A request body: JSON, urlencoded (signed by OAuth 1.0a), or multipart (fields before the file). */
export type RequestBody =
  | { kind: 'json'; value: unknown }
  | { kind: 'form'; fields: Readonly<Record<string, string>> }
  | { kind: 'multipart'; fields: Readonly<Record<string, string>>; file: MultipartFile }

/** One request. */
export interface HttpRequest {
  method: 'GET' | 'POST'
  url: string
  body?: RequestBody
  signal?: AbortSignal | undefined
  /** Media the request is about, copied into errors. */
  mediaId?: string
}

/** A successful answer. */
export interface HttpResponse {
  status: number
  headers: Headers
  /** Parsed JSON; the text when it is not JSON; undefined when empty. */
  body: unknown
}

function encodeBody(body: RequestBody | undefined): { parts?: BodyPart[]; contentType?: string } {
  if (body === undefined) return {}
  switch (body.kind) {
    case 'json':
      return { parts: [JSON.stringify(body.value)], contentType: 'application/json' }
    case 'form':
      return { parts: [new URLSearchParams(body.fields).toString()], contentType: 'application/x-www-form-urlencoded' }
    case 'multipart':
      return encodeMultipart(body.fields, body.file)
  }
}

/** Epoch ms at which a 429 says to come back: `x-rate-limit-reset` (epoch s) or `retry-after` (s or date). */
export function rateLimitResetAtMs(headers: Headers, nowMs: number = Date.now()): number | undefined {
  const reset = headers.get('x-rate-limit-reset')
  if (reset !== null && /^\d+$/.test(reset.trim())) return Number(reset) * 1000
  const after = headers.get('retry-after')
  if (after === null) return undefined
  if (/^\d+$/.test(after.trim())) return nowMs + Number(after) * 1000
  const date = Date.parse(after)
  return Number.isNaN(date) ? undefined : date
}

function parseBody(text: string): unknown {
  if (text === '') return undefined
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

interface Exchange {
  response: { status: number; headers: Headers }
  body: unknown
  /** The Authorization header value sent. */
  authorization: string
}

async function exchange(context: HttpContext, request: HttpRequest): Promise<Exchange> {
  const { parts, contentType } = encodeBody(request.body)
  const authorization = await context.auth.authorize({
    method: request.method,
    url: request.url,
    ...(request.body?.kind === 'form' ? { bodyParams: request.body.fields } : {}),
  })
  const headers: Record<string, string> = { authorization }
  if (contentType !== undefined) headers['content-type'] = contentType
  if (context.userAgent !== undefined) headers['user-agent'] = context.userAgent
  const timeout = AbortSignal.timeout(context.requestTimeoutMs)
  const signal = request.signal === undefined ? timeout : AbortSignal.any([request.signal, timeout])
  try {
    const response = await context.transport({ method: request.method, url: request.url, headers, body: parts, signal })
    return { response, body: parseBody(response.text), authorization }
  } catch (error) {
    if (request.signal?.aborted) throw request.signal.reason
    if (timeout.aborted) {
      const message = `${request.method} ${request.url} got no answer within ${context.requestTimeoutMs} ms`
      throw new TimeoutError('request', context.requestTimeoutMs, message, error)
    }
    throw new NetworkError(request.method, request.url, error)
  }
}

/** Sends `request`; resolves to a 2xx answer, rejects with `XApiError`, `NetworkError`, `TimeoutError` or the abort reason. */
export async function sendRequest(context: HttpContext, request: HttpRequest): Promise<HttpResponse> {
  let { response, body, authorization } = await exchange(context, request)
  if (response.status === 401 && (await context.auth.onUnauthorized?.(authorization)) === true) {
    ;({ response, body } = await exchange(context, request))
  }
  if (response.status >= 200 && response.status < 300)
    return { status: response.status, headers: response.headers, body }
  const recognized = recognizeError(response.status, body)
  throw new XApiError(`${request.method} ${new URL(request.url).pathname}: ${recognized.message}`, {
    status: response.status,
    method: request.method,
    url: request.url,
    body,
    code: recognized.code,
    problem: recognized.problem,
    rateLimitResetAtMs: response.status === 429 ? rateLimitResetAtMs(response.headers) : undefined,
    mediaId: request.mediaId,
  })
}
