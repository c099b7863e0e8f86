/**
 * The web origin of the browser test: serves a page and its assets from memory and forwards the
 * API paths (`/1.1/`, `/2/`, `/media/`, `/oauth2/`, `/i/`) to a birdhouse server, so the page's
 * SDK calls are same-origin and need no CORS, as they would behind a site's own reverse proxy.
 * Request bodies are streamed through; the Host header is rewritten to the upstream's.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'

/** A file served by path. */
export interface StaticAsset {
  contentType: string
  body: string | Uint8Array
}

/** A running origin. */
export interface SameOriginServer {
  /** e.g. http://127.0.0.1:41235 */
  readonly url: string
  close(): Promise<void>
}

const API_PREFIXES = ['/1.1/', '/2/', '/media/', '/oauth2/', '/i/']

/** Starts an origin serving `assets` and forwarding API paths to `127.0.0.1:upstreamPort`. */
export async function openSameOriginServer(
  assets: ReadonlyMap<string, StaticAsset>,
  upstreamPort: number,
): Promise<SameOriginServer> {
  const server = http.createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://origin').pathname
    if (API_PREFIXES.some((prefix) => path.startsWith(prefix))) {
      const upstream = http.request(
        {
          host: '127.0.0.1',
          port: upstreamPort,
          method: request.method,
          path: request.url,
          headers: { ...request.headers, host: `127.0.0.1:${upstreamPort}` },
        },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.rawHeaders)
          answer.pipe(response)
        },
      )
      upstream.on('error', () => response.destroy())
      request.pipe(upstream)
      return
    }
    const asset = assets.get(path)
    if (asset === undefined) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found')
      return
    }
    response.writeHead(200, { 'content-type': asset.contentType, 'cache-control': 'no-store' }).end(asset.body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
