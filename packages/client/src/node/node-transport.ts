/**
 * The Node transport: `node:http` / `node:https` with keep-alive agents. It writes each body run
 * to the socket as it is, so a segment goes out of the buffer it was read into: Node's `fetch`
 * copies a body (and a `FormData` part twice), which tripled the client's memory and CPU in
 * `npm run bench:client`. It also takes a custom CA, added to Node's roots, for servers behind a
 * private authority. Redirects are not followed: no upload endpoint redirects, and a redirected
 * POST would lose its body.
 */

import { X509Certificate } from 'node:crypto'
import { readFileSync } from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import tls from 'node:tls'
import {
  type BodyPart,
  bodyLength,
  type Transport,
  type TransportRequest,
  type TransportResponse,
} from '../http/transport.js'
import { nodeExtraCaCertificates, readClientEnv } from './client-env.js'

/** Options of `nodeTransport`. */
export interface NodeTransportOptions {
  /** PEM certificates trusted for https besides Node's roots (a private CA, a self-signed server). */
  ca?: string | Buffer | readonly (string | Buffer)[] | undefined
  /**
   * Sockets kept open per host; default unlimited (the upload's `parallel` bounds them). Below
   * `parallel`, requests queue for a socket, and an abort of a queued request takes effect only
   * once it gets one.
   */
  maxSockets?: number | undefined
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g

/** Throws unless `pem` holds at least one certificate and each parses (Node ignores a bad `ca` silently). */
function checkPemCertificates(pem: string | Buffer): void {
  const blocks = String(pem).match(PEM_CERTIFICATE) ?? []
  if (blocks.length === 0) throw new TypeError('ca: no PEM certificate (-----BEGIN CERTIFICATE-----) found')
  for (const block of blocks) {
    try {
      new X509Certificate(block)
    } catch (error) {
      throw new TypeError(`ca: a certificate does not parse: ${(error as Error).message}`, { cause: error })
    }
  }
}

/** Node's default trust store: its roots plus `NODE_EXTRA_CA_CERTS` (a `ca` option replaces the store). */
function defaultRoots(): string[] {
  const getCACertificates = (tls as { getCACertificates?: (kind: string) => string[] }).getCACertificates
  if (getCACertificates !== undefined) return getCACertificates('default')
  return [...tls.rootCertificates, ...nodeExtraCaCertificates()]
}

function headersOf(incoming: http.IncomingHttpHeaders): Headers {
  const headers = new Headers()
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined) continue
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one)
  }
  return headers
}

function writeBody(outgoing: http.ClientRequest, parts: readonly BodyPart[]): void {
  // Each write queues the run itself (no copy); the socket drains them in order.
  for (const part of parts) outgoing.write(part)
  outgoing.end()
}

/**
 * A transport over `node:http` and `node:https`; the Node `createClient`'s default.
 * @example
 * const client = createClient({ auth, transport: nodeTransport({ ca: readFileSync('ca.pem') }) })
 */
export function nodeTransport(options: NodeTransportOptions = {}): Transport {
  const extraCa = options.ca === undefined ? [] : Array.isArray(options.ca) ? options.ca : [options.ca]
  for (const pem of extraCa) checkPemCertificates(pem)
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? Number.POSITIVE_INFINITY }
  const httpAgent = new http.Agent(agentOptions)
  const httpsAgent = new https.Agent({
    ...agentOptions,
    ...(extraCa.length === 0 ? {} : { ca: [...defaultRoots(), ...extraCa] }),
  })
  return (request: TransportRequest) =>
    new Promise((resolve, reject) => {
      const url = new URL(request.url)
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        reject(new TypeError(`${request.url}: only http and https URLs can be requested`))
        return
      }
      if (request.signal.aborted) {
        reject(request.signal.reason)
        return
      }
      const secure = url.protocol === 'https:'
      const headers: Record<string, string | number> = { ...request.headers }
      if (request.body !== undefined) headers['content-length'] = bodyLength(request.body)
      const outgoing = (secure ? https : http).request(url, {
        method: request.method,
        headers,
        agent: secure ? httpsAgent : httpAgent,
      })
      // The promise settles on the request's 'close', after its writes are done or cancelled, so
      // the caller may refill the body's buffers at once (even when the server answered early).
      let outcome: { ok: true; response: TransportResponse } | { ok: false; error: unknown } | undefined
      const fail = (error: unknown) => {
        outcome ??= { ok: false, error: request.signal.aborted ? request.signal.reason : error }
      }
      const onAbort = () => outgoing.destroy(request.signal.reason)
      request.signal.addEventListener('abort', onAbort, { once: true })
      outgoing.on('error', fail)
      outgoing.on('close', () => {
        request.signal.removeEventListener('abort', onAbort)
        if (outcome === undefined)
          fail(new Error(`${request.method} ${request.url}: the connection closed before the answer`))
        if (outcome?.ok === true) resolve(outcome.response)
        else reject(outcome?.error)
      })
      outgoing.on('response', (incoming) => {
        const chunks: Buffer[] = []
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
        incoming.on('error', fail)
        incoming.on('end', () => {
          // Answered before the body was all sent (a 413, a 401): stop sending, so 'close' follows
          // now instead of when the server gives up on the rest.
          if (!outgoing.writableFinished) outgoing.destroy()
          try {
            const response = {
              status: incoming.statusCode ?? 0,
              headers: headersOf(incoming.headers),
              text: Buffer.concat(chunks).toString('utf8'),
            }
            outcome ??= { ok: true, response }
          } catch (error) {
            // A header `Headers` refuses (Node's lenient parser lets a NUL through): no answer to give.
            fail(error)
          }
        })
      })
      if (request.body === undefined) outgoing.end()
      else writeBody(outgoing, request.body)
    })
}

/**
 * `nodeTransport` trusting the PEM file `BIRDHOUSE_CA_FILE` names (if any) in `env`; a file that
 * cannot be read or holds no certificate throws an error naming the variable and the path.
 * @example const transport = nodeTransportFromEnv() // share it with oauth2User({ transport })
 */
export function nodeTransportFromEnv(env: NodeJS.ProcessEnv = process.env): Transport {
  const { caFile } = readClientEnv(env)
  if (caFile === undefined) return nodeTransport()
  try {
    return nodeTransport({ ca: readFileSync(caFile) })
  } catch (error) {
    throw new Error(`BIRDHOUSE_CA_FILE ${caFile}: ${(error as Error).message}`, { cause: error })
  }
}
