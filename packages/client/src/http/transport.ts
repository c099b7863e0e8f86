/**
 * The one seam between the SDK and the network: a `Transport` sends a request whose body is a list
 * of byte runs sent back to back, with a `Content-Length`. Keeping the segment bytes a run of their
 * own (rather than a `FormData` or `Blob`) is what lets the Node transport write a segment straight
 * from the buffer it was read into, with no copy; `fetchTransport` is the portable one (browsers,
 * Deno, a caller's own `fetch`).
 */

/** One run of a request body: text (sent as UTF-8) or bytes. */
export type BodyPart = string | Uint8Array

/** A request as the transport sends it. */
export interface TransportRequest {
  method: 'GET' | 'POST'
  url: string
  /** Lower-case names; `content-length` is the transport's to set. */
  headers: Readonly<Record<string, string>>
  /** Sent back to back; undefined for no body. */
  body?: readonly BodyPart[] | undefined
  /** Aborts the exchange (the caller's abort, or its deadline). */
  signal: AbortSignal
}

/** The answer: status, headers and the whole body as text. */
export interface TransportResponse {
  status: number
  headers: Headers
  text: string
}

/**
 * Sends one request. Rejects (with anything) when no answer came: refused, reset, aborted. The
 * parts may be reused by the caller once the promise settles.
 * @example
 * const transport: Transport = async (request) => ({ status: 200, headers: new Headers(), text: '{}' })
 */
export type Transport = (request: TransportRequest) => Promise<TransportResponse>

/** Bytes of a body. */
export function bodyLength(parts: readonly BodyPart[]): number {
  const encoder = new TextEncoder()
  let length = 0
  for (const part of parts) length += typeof part === 'string' ? encoder.encode(part).length : part.byteLength
  return length
}

function fetchBody(parts: readonly BodyPart[] | undefined): BodyInit | undefined {
  if (parts === undefined) return undefined
  // One run goes as it is; several become a Blob (which copies them, so the caller may reuse its buffers).
  if (parts.length === 1 && typeof parts[0] === 'string') return parts[0]
  return new Blob(parts as (string | Uint8Array<ArrayBuffer>)[])
}

/**
 * A transport on `fetch` (default the global one): what the SDK uses in browsers.
 * @example const transport = fetchTransport(myInstrumentedFetch)
 */
export function fetchTransport(fetchFn: typeof fetch = (input, init) => globalThis.fetch(input, init)): Transport {
  return async (request) => {
    const body = fetchBody(request.body)
    const response = await fetchFn(request.url, {
      method: request.method,
      headers: { ...request.headers },
      signal: request.signal,
      ...(body === undefined ? {} : { body }),
    })
    return { status: response.status, headers: response.headers, text: await response.text() }
  }
}
