/**
 * `nodeTransport` on real sockets: https through a private CA (from `BIRDHOUSE_CA_FILE`, from the
 * `ca` option, and refused without it), body buffers that may be refilled once a request settled
 * even when the server answered before reading the body, aborts, and `content-length`.
 */
import { execFile } from 'node:child_process'
import { randomFillSync } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type RequestListener,
  type Server,
} from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { bearer } from '../bearer.js'
import { isNetworkError } from '../errors.js'
import type { TransportRequest } from '../http/transport.js'
import { type MediaFixtures, mediaFixtures } from '../test-support/media-fixtures.js'
import { sha256, startTestServer, type TestServer } from '../test-support/test-server.js'
import { startTlsTerminator, type TlsTerminator } from '../test-support/tls-terminator.js'
import { createClient, type NodeClientOptions } from './node-client.js'
import { nodeTransport } from './node-transport.js'

const execFileAsync = promisify(execFile)

let server: TestServer
let media: MediaFixtures
let tls: TlsTerminator
let dir: string
let clipPath: string

beforeAll(async () => {
  ;[server, media, dir] = await Promise.all([
    startTestServer(),
    mediaFixtures(),
    mkdtemp(join(tmpdir(), 'birdhouse-node-transport-')),
  ])
  tls = await startTlsTerminator(server.url)
  clipPath = join(dir, 'clip.mp4')
  await writeFile(clipPath, media.mp4)
})
afterAll(async () => {
  await Promise.all([tls.close(), server.close(), rm(dir, { recursive: true, force: true })])
})

const rawServers: Server[] = []
afterEach(async () => {
  for (const raw of rawServers.splice(0)) {
    raw.closeAllConnections()
    await new Promise((resolve) => raw.close(resolve))
  }
})

/** A bare node:http server on 127.0.0.1, closed after the test. */
async function listen(handler: RequestListener): Promise<{ url: string; raw: Server }> {
  const raw = createServer(handler)
  rawServers.push(raw)
  await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(raw.address() as AddressInfo).port}/`, raw }
}

function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => {}
  const promise = new Promise<T>((settle) => {
    resolve = settle
  })
  return { promise, resolve }
}

function post(url: string, body: TransportRequest['body'], signal = new AbortController().signal): TransportRequest {
  return { method: 'POST', url, headers: { 'content-type': 'application/octet-stream' }, body, signal }
}

const EIGHT_MIB = 8 * 1024 * 1024

describe('https with a private CA', () => {
  /** Uploads the clip by path (the file source reads into pooled buffers) through the TLS terminator. */
  function upload(options: Pick<NodeClientOptions, 'ca' | 'env'>) {
    const client = createClient({ apiBaseUrl: tls.url, auth: bearer(server.token), retry: { retries: 0 }, ...options })
    return client.uploadMedia(clipPath, { chunkBytes: 100_000, waitForProcessing: false })
  }

  it('trusts the CA in the file named by BIRDHOUSE_CA_FILE', async () => {
    const result = await upload({ env: { BIRDHOUSE_CA_FILE: tls.caPath } })
    expect((await server.storedUpload(result.mediaId)).sha256).toBe(sha256(media.mp4))
  })

  it('trusts the CA given as the ca option', async () => {
    const result = await upload({ env: {}, ca: await readFile(tls.caPath) })
    expect((await server.storedUpload(result.mediaId)).sha256).toBe(sha256(media.mp4))
  })

  it('refuses a CA that holds no certificate, naming where it came from (Node would ignore it silently)', async () => {
    const notPem = join(dir, 'not-a-certificate.pem')
    await writeFile(notPem, 'hello\n')
    expect(() => nodeTransport({ ca: 'hello' })).toThrow(/ca: no PEM certificate/)
    const broken = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'
    expect(() => nodeTransport({ ca: broken })).toThrow(/ca: a certificate does not parse/)
    expect(() => createClient({ auth: bearer('t'), env: { BIRDHOUSE_CA_FILE: notPem } })).toThrow(
      `BIRDHOUSE_CA_FILE ${notPem}: ca: no PEM certificate`,
    )
  })

  it('fails with a NetworkError when the CA is not trusted, at once (a certificate is not retried)', async () => {
    const requestsBefore = tls.connections
    const client = createClient({ apiBaseUrl: tls.url, auth: bearer(server.token), env: {}, retry: { baseDelayMs: 1 } })
    const retried = await client.uploadMedia(clipPath, { waitForProcessing: false }).catch((error: unknown) => error)
    expect(isNetworkError(retried)).toBe(true)
    expect(tls.connections - requestsBefore).toBe(1)
  })

  it("keeps trusting NODE_EXTRA_CA_CERTS when given a ca of its own (a ca replaces Node's store)", async () => {
    // Node reads NODE_EXTRA_CA_CERTS at start, so the check runs in a process of its own, on the build.
    const other = await startTlsTerminator(server.url)
    try {
      const transportModule = new URL('../../dist/node/node-transport.js', import.meta.url).href
      const script = `
        const { readFileSync } = await import('node:fs')
        const { nodeTransport } = await import(${JSON.stringify(transportModule)})
        const transport = nodeTransport({ ca: readFileSync(${JSON.stringify(other.caPath)}) })
        const signal = AbortSignal.timeout(10000)
        const statuses = []
        for (const url of ${JSON.stringify([`${tls.url}/2/users/me`, `${other.url}/2/users/me`])}) {
          statuses.push(await transport({ method: 'GET', url, headers: {}, signal }).then((r) => r.status, (e) => e.code))
        }
        console.log(JSON.stringify(statuses))`
      const { stdout } = await execFileAsync(process.execPath, ['--input-type=module', '-e', script], {
        env: { ...process.env, NODE_EXTRA_CA_CERTS: tls.caPath },
      })
      // Both answer (401: no token), neither fails the handshake.
      expect(JSON.parse(stdout)).toEqual([401, 401])
    } finally {
      await other.close()
    }
  })

  it('fails with a NetworkError when the CA is not trusted', async () => {
    const failure = await upload({ env: {} }).catch((error: unknown) => error)
    expect(isNetworkError(failure)).toBe(true)
    // Refused by certificate verification, not by anything else on the way.
    expect(isNetworkError(failure) && failure.cause).toMatchObject({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' })
  })
})

describe('body buffers', () => {
  it('may be refilled once the request settled, even when the server answered before reading the body', async () => {
    // After an answer that came before the body was all sent (a 413 here), the transport stops
    // sending and settles on the request's 'close', which Node emits only once no queued write can
    // reach the socket any more. So the server reads a prefix of the original bytes, cut short,
    // and never bytes written into the buffer after the promise settled (settling on the
    // response's 'end' instead makes this server hash 0xee bytes).
    const received: Buffer[] = []
    const bodyGone = deferred()
    const { url } = await listen((request, response) => {
      response.writeHead(413, { 'content-type': 'text/plain' }).end('too large')
      // Reads slowly, so the client is still writing when the answer arrives.
      request.on('data', (chunk: Buffer) => {
        received.push(chunk)
        request.pause()
        setTimeout(() => request.resume(), 1)
      })
      // Node's server emits neither 'end' nor 'close' on a request whose answer is already sent
      // when its socket goes, so watch the socket, then take what the request still buffers.
      request.socket.on('close', () => {
        const drain = () => (request.readableLength > 0 ? setImmediate(drain) : bodyGone.resolve())
        drain()
      })
    })
    const bytes = randomFillSync(new Uint8Array(EIGHT_MIB))
    const original = bytes.slice()
    const response = await nodeTransport()(post(url, [bytes]))
    bytes.fill(0xee)
    expect(response).toMatchObject({ status: 413, text: 'too large' })
    await bodyGone.promise
    const got = Buffer.concat(received)
    expect(got.length).toBeLessThan(EIGHT_MIB)
    expect(sha256(got)).toBe(sha256(original.subarray(0, got.length)))
  })
})

describe('abort', () => {
  /**
   * A server that never answers. `firstBytes` resolves once the body started arriving, `bodyDone`
   * once it all arrived, `closed` once the connection is gone; `readOn` resumes a paused read (a
   * paused socket would not notice the client hanging up).
   */
  async function silentServer(options: { pauseAfterFirstBytes: boolean }) {
    const firstBytes = deferred()
    const bodyDone = deferred()
    const closed = deferred()
    const requests: IncomingMessage[] = []
    let receivedBytes = 0
    let connections = 0
    const { url, raw } = await listen((request) => {
      requests.push(request)
      request.socket.once('close', () => closed.resolve())
      request.on('data', (chunk: Buffer) => {
        // Pausing at the first chunk, the client cannot finish a body larger than the socket buffers.
        if (options.pauseAfterFirstBytes && receivedBytes === 0) request.pause()
        receivedBytes += chunk.length
        firstBytes.resolve()
      })
      request.on('end', () => bodyDone.resolve())
    })
    raw.on('connection', () => {
      connections += 1
    })
    return {
      url,
      firstBytes: firstBytes.promise,
      bodyDone: bodyDone.promise,
      closed: closed.promise,
      receivedBytes: () => receivedBytes,
      connections: () => connections,
      readOn: () => {
        for (const request of requests) request.resume()
      },
    }
  }

  it("rejects mid-body with the signal's reason and closes the connection", async () => {
    const silent = await silentServer({ pauseAfterFirstBytes: true })
    const controller = new AbortController()
    const reason = new Error('user cancelled')
    const sent = nodeTransport()(post(silent.url, ['head', new Uint8Array(EIGHT_MIB)], controller.signal))
    await silent.firstBytes
    const receivedBeforeAbort = silent.receivedBytes()
    controller.abort(reason)
    await expect(sent).rejects.toBe(reason)
    // Reading on, the server finds the connection closed before the body's end: had the request
    // been left running, the rest of the body would arrive and the socket stay open (a timeout).
    silent.readOn()
    await silent.closed
    expect(receivedBeforeAbort).toBeGreaterThan(0)
    expect(silent.receivedBytes()).toBeLessThan(EIGHT_MIB)
  })

  it("rejects while waiting for the answer with the signal's reason and closes the connection", async () => {
    const silent = await silentServer({ pauseAfterFirstBytes: false })
    const controller = new AbortController()
    const reason = new DOMException('gave up', 'AbortError')
    const sent = nodeTransport()(post(silent.url, [new Uint8Array(1024)], controller.signal))
    await silent.bodyDone
    controller.abort(reason)
    await expect(sent).rejects.toBe(reason)
    await silent.closed
  })

  it('rejects at once, without connecting, when the signal is already aborted', async () => {
    const silent = await silentServer({ pauseAfterFirstBytes: false })
    const reason = new Error('too late')
    await expect(nodeTransport()(post(silent.url, ['x'], AbortSignal.abort(reason)))).rejects.toBe(reason)
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(silent.connections()).toBe(0)
  })
})

describe('content-length', () => {
  async function echoServer() {
    const seen = deferred<{ headers: IncomingHttpHeaders; body: Buffer }>()
    const { url } = await listen(async (request, response) => {
      const chunks: Buffer[] = []
      for await (const chunk of request) chunks.push(chunk as Buffer)
      seen.resolve({ headers: request.headers, body: Buffer.concat(chunks) })
      response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('ok ✓')
    })
    return { url, seen: seen.promise }
  }

  it('counts the UTF-8 bytes of text runs and the bytes of byte runs', async () => {
    const echo = await echoServer()
    const parts = ['naïve café ✓ 🐦\r\n', Uint8Array.of(0, 13, 10, 255), '日本語', new Uint8Array(0), 'end']
    const expected = Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : part)))
    // The text is multi-byte: counting UTF-16 code units would come out short.
    expect(expected.length).toBeGreaterThan(parts.reduce((sum, part) => sum + part.length, 0))
    const response = await nodeTransport()(post(echo.url, parts))
    expect(response).toMatchObject({ status: 200, text: 'ok ✓' })
    const { headers, body } = await echo.seen
    expect(headers['content-length']).toBe(String(expected.length))
    expect(headers['transfer-encoding']).toBeUndefined()
    expect(body.equals(expected)).toBe(true)
  })

  it('sends neither a length nor a body for a request without one', async () => {
    const echo = await echoServer()
    const response = await nodeTransport()({
      method: 'GET',
      url: echo.url,
      headers: {},
      signal: AbortSignal.timeout(5000),
    })
    expect(response.status).toBe(200)
    const { headers, body } = await echo.seen
    expect(headers['content-length']).toBeUndefined()
    expect(headers['transfer-encoding']).toBeUndefined()
    expect(body.length).toBe(0)
  })
})
