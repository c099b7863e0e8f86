/**
 * A small HTTP proxy in front of a birdhouse server that records every v2 APPEND (media id,
 * segment index from the multipart body, status) and can freeze: once `haltAfterAcks` APPENDs were
 * acknowledged to the client, later APPENDs and the answers of those still in flight are held
 * (never delivered), and `onHalt` runs. A client killed then has exactly that many acknowledged
 * segments, which makes resume tests deterministic.
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

/** One APPEND that went through the proxy. */
export interface AppendRecord {
  mediaId: string
  segmentIndex: number
  /** HTTP status, or 0 when the answer was held. */
  status: number
}

/** A running proxy. */
export interface CountingProxy {
  readonly url: string
  /** APPENDs seen since the last `reset()`. */
  readonly appends: AppendRecord[]
  /** APPENDs answered 2xx to the client since the last `reset()`. */
  acked(): AppendRecord[]
  /** Holds APPEND traffic once `count` were acknowledged, then calls `onHalt`. */
  haltAfterAcks(count: number, onHalt: () => void): void
  /** Forgets records and any halt, delivering nothing that was held. */
  reset(): void
  close(): Promise<void>
}

const APPEND_PATH = /^\/2\/media\/upload\/(\d+)\/append$/
const SEGMENT_INDEX = /name="segment_index"\r\n\r\n(\d+)\r\n/

/** Starts a proxy to `target` (e.g. `http://127.0.0.1:41234`) on a free loopback port. */
export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const upstream = new URL(target)
  const sockets = new Set<Socket>()
  let appends: AppendRecord[] = []
  let halt: { after: number; onHalt: () => void; halted: boolean } | undefined

  const acked = () => appends.filter((record) => record.status >= 200 && record.status < 300)
  const holding = () => halt?.halted === true

  const server = createServer(async (incoming: IncomingMessage, outgoing: ServerResponse) => {
    const body = await readAll(incoming)
    const path = new URL(incoming.url ?? '/', 'http://proxy').pathname
    const appendOf = incoming.method === 'POST' ? APPEND_PATH.exec(path) : null
    if (appendOf !== null && holding()) return // held: never forwarded, never answered
    const answer = await forward(upstream, incoming, body)
    if (appendOf !== null) {
      if (holding()) return
      const segmentIndex = Number(SEGMENT_INDEX.exec(body.toString('latin1'))?.[1] ?? Number.NaN)
      appends.push({ mediaId: appendOf[1] as string, segmentIndex, status: answer.status })
      if (halt !== undefined && acked().length >= halt.after) {
        halt.halted = true
        setImmediate(halt.onHalt)
      }
    }
    outgoing.writeHead(answer.status, answer.headers)
    outgoing.end(answer.body)
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    get appends() {
      return appends
    },
    acked,
    haltAfterAcks(count, onHalt) {
      halt = { after: count, onHalt, halted: false }
    },
    reset() {
      appends = []
      halt = undefined
    },
    async close() {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

interface Answer {
  status: number
  headers: Record<string, string | string[]>
  body: Buffer
}

function forward(upstream: URL, incoming: IncomingMessage, body: Buffer): Promise<Answer> {
  return new Promise<Answer>((resolve, reject) => {
    const headers = { ...incoming.headers, host: upstream.host, 'content-length': String(body.length) }
    delete headers['transfer-encoding']
    const request = httpRequest(
      { host: upstream.hostname, port: upstream.port, path: incoming.url, method: incoming.method, headers },
      async (response) => {
        const answerHeaders: Record<string, string | string[]> = {}
        for (const [name, value] of Object.entries(response.headers)) {
          if (value !== undefined && name !== 'transfer-encoding' && name !== 'connection') answerHeaders[name] = value
        }
        const answerBody = await readAll(response)
        answerHeaders['content-length'] = String(answerBody.length)
        resolve({ status: response.statusCode ?? 502, headers: answerHeaders, body: answerBody })
      },
    )
    request.on('error', reject)
    request.end(body)
  })
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}
