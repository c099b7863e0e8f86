/**
 * A small HTTP proxy on 127.0.0.1 in front of a test server that can break requests on purpose:
 * reset the connection before forwarding (the server never saw it) or after (the server did the
 * work but the answer is lost), answer 503, answer 429 with `x-rate-limit-reset`, or hold a request
 * until the test releases it. It records every request, with the upload command and segment index
 * read from the query or the body, so tests count APPENDs exactly as the server receives them.
 */
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
  STATUS_CODES,
} from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

/** What to do to one request. */
export type Fault =
  | { kind: 'reset' }
  | { kind: 'reset-after' }
  | { kind: 'status'; status: number }
  | { kind: 'rate-limit'; resetEpochSecs: number }
  | { kind: 'hold'; until: Promise<unknown> }

/** One request the proxy saw. */
export interface SeenRequest {
  /** Arrival order, from 0. */
  seq: number
  method: string
  path: string
  /** INIT, APPEND, FINALIZE or STATUS (v2 dedicated endpoints included). */
  command: string | undefined
  segmentIndex: number | undefined
  fault: Fault['kind'] | undefined
  /** The status sent back, once answered (undefined for resets). */
  status?: number
}

/** A running proxy. */
export interface FaultProxy {
  url: string
  /** Every request, in arrival order. */
  readonly requests: SeenRequest[]
  /** Requests answered by the server, in completion order. */
  readonly completed: SeenRequest[]
  /** Most APPENDs in flight at once. */
  readonly maxConcurrentAppends: number
  /** Decides the fault of each request (default: none). */
  rule: (request: SeenRequest) => Fault | undefined
  /** Called when the server's answer to a request was passed on. */
  onComplete: (request: SeenRequest) => void
  /** APPENDs seen, optionally only from `seq` on. */
  appends(fromSeq?: number): SeenRequest[]
  close(): Promise<void>
}

function fieldOf(body: string, name: string): string | undefined {
  const multipart = new RegExp(`name="${name}"\\r\\n\\r\\n([^\\r]*)`).exec(body)?.[1]
  if (multipart !== undefined) return multipart
  if (body.includes('=') && !body.startsWith('{') && !body.startsWith('--')) {
    return new URLSearchParams(body).get(name) ?? undefined
  }
  return undefined
}

function describe(seq: number, request: IncomingMessage, body: Buffer): SeenRequest {
  const url = new URL(request.url ?? '/', 'http://proxy')
  const text = body.subarray(0, 4096).toString('latin1')
  const step = /^\/2\/media\/upload\/(?:\d+\/)?(initialize|append|finalize)$/.exec(url.pathname)?.[1]
  const command =
    url.searchParams.get('command') ??
    fieldOf(text, 'command') ??
    (step === undefined ? undefined : { initialize: 'INIT', append: 'APPEND', finalize: 'FINALIZE' }[step])
  const index = fieldOf(text, 'segment_index')
  return {
    seq,
    method: request.method ?? 'GET',
    path: url.pathname,
    command:
      command?.toUpperCase() ??
      (request.method === 'GET' && url.pathname.includes('/media/upload') ? 'STATUS' : undefined),
    segmentIndex: index === undefined ? undefined : Number(index),
    fault: undefined,
  }
}

/** Answers X's `about:blank` problem for `status`. */
function problem(response: ServerResponse, status: number, headers: Record<string, string>): void {
  const title = STATUS_CODES[status] ?? 'Error'
  response
    .writeHead(status, { 'content-type': 'application/problem+json', ...headers })
    .end(JSON.stringify({ title, detail: title, type: 'about:blank', status }))
}

async function readAll(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

/** Starts a proxy to `target` (an http://host:port URL). */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target)
  const sockets = new Set<Socket>()
  let inFlightAppends = 0
  let maxConcurrentAppends = 0
  const proxy: FaultProxy = {
    url: '',
    requests: [],
    completed: [],
    get maxConcurrentAppends() {
      return maxConcurrentAppends
    },
    rule: () => undefined,
    onComplete: () => {},
    appends: (fromSeq = 0) => proxy.requests.filter((r) => r.command === 'APPEND' && r.seq >= fromSeq),
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }

  function forward(
    request: IncomingMessage,
    body: Buffer,
  ): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const out = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: request.method,
          path: request.url,
          headers: request.headers,
        },
        (answer) => {
          readAll(answer).then(
            (bytes) => resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body: bytes }),
            reject,
          )
        },
      )
      out.on('error', reject)
      out.end(body)
    })
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readAll(request)
    const seen = describe(proxy.requests.length, request, body)
    proxy.requests.push(seen)
    const fault = proxy.rule(seen)
    seen.fault = fault?.kind
    const isAppend = seen.command === 'APPEND'
    if (isAppend) {
      inFlightAppends += 1
      maxConcurrentAppends = Math.max(maxConcurrentAppends, inFlightAppends)
    }
    try {
      if (fault?.kind === 'reset') return void request.socket.destroy()
      if (fault?.kind === 'status') return void problem(response, fault.status, {})
      if (fault?.kind === 'rate-limit')
        return void problem(response, 429, { 'x-rate-limit-reset': String(fault.resetEpochSecs) })
      if (fault?.kind === 'hold') await fault.until
      const answer = await forward(request, body)
      if (fault?.kind === 'reset-after') return void request.socket.destroy()
      response.writeHead(answer.status, answer.headers).end(answer.body)
      seen.status = answer.status
      proxy.completed.push(seen)
      proxy.onComplete(seen)
    } finally {
      if (isAppend) inFlightAppends -= 1
    }
  }

  const server = createServer((request, response) => {
    handle(request, response).catch(() => request.socket.destroy())
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return proxy
}
