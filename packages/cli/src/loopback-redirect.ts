/**
 * The redirect target of `birdhouse login`: a temporary HTTP server on 127.0.0.1 that waits for
 * the authorization server to send the browser back with `?state=…&code=…` (RFC 8252 §7.3,
 * loopback redirection for native apps). A request whose `state` differs is answered 400 and
 * ignored (it is not this login's redirect); `?error=…` ends the wait with that error.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { CliError } from './cli-error.js'

/** Where to listen. */
export interface LoopbackOptions {
  /** Port on 127.0.0.1; default 0 (any free port). Ignored when `redirectUri` names one. */
  port?: number
  /** A registered loopback redirect URI to listen on, e.g. `http://127.0.0.1:3000/callback`. */
  redirectUri?: string
}

/** A listening redirect target. */
export interface LoopbackRedirect {
  /** `http://127.0.0.1:<port>/callback`, or the given redirect URI. */
  readonly redirectUri: string
  /** Resolves to the code of the first redirect carrying `state`. */
  waitForCode(state: string, signal: AbortSignal): Promise<string>
  close(): Promise<void>
}

const PAGE = (message: string) => `<!doctype html><meta charset="utf-8"><title>birdhouse</title><p>${message}</p>`

/**
 * Starts the redirect target.
 * @example const redirect = await openLoopbackRedirect({ port: 3000 }); console.log(redirect.redirectUri)
 */
export async function openLoopbackRedirect(options: LoopbackOptions = {}): Promise<LoopbackRedirect> {
  const target = parseTarget(options)
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new CliError('unavailable', `cannot listen on ${target.host}:${target.port}: ${error.code ?? error.message}`),
      ),
    )
    server.listen(target.port, target.host, resolve)
  })
  const port = (server.address() as AddressInfo).port
  const redirectUri = options.redirectUri ?? `http://${target.host}:${port}${target.path}`
  return {
    redirectUri,
    waitForCode: (state, signal) => waitForCode(server, target.path, state, signal),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

function parseTarget(options: LoopbackOptions): { host: string; port: number; path: string } {
  if (options.redirectUri === undefined) return { host: '127.0.0.1', port: options.port ?? 0, path: '/callback' }
  const url = URL.canParse(options.redirectUri) ? new URL(options.redirectUri) : undefined
  if (url?.protocol !== 'http:' || !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
    throw new CliError('usage', `--redirect-uri must be an http:// loopback URL (127.0.0.1, localhost or [::1])`)
  }
  const host = url.hostname === '[::1]' ? '::1' : url.hostname
  return { host, port: url.port === '' ? 80 : Number(url.port), path: url.pathname }
}

function waitForCode(server: Server, path: string, state: string, signal: AbortSignal): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const onRequest = (request: IncomingMessage, response: ServerResponse) => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1')
      if (url.pathname !== path) return answer(response, 404, 'Not found.')
      if (url.searchParams.get('state') !== state) {
        return answer(response, 400, 'This is not the login birdhouse is waiting for (state mismatch).')
      }
      const error = url.searchParams.get('error')
      const code = url.searchParams.get('code')
      if (error !== null) {
        answer(response, 200, 'Authorization was not granted. You can close this tab.')
        const description = url.searchParams.get('error_description')
        return finish(() =>
          reject(new CliError('auth', `authorization failed: ${error}${description ? ` (${description})` : ''}`)),
        )
      }
      if (code === null) return answer(response, 400, 'The redirect carries no code.')
      answer(response, 200, 'birdhouse is authorized. You can close this tab.')
      finish(() => resolve(code))
    }
    const onAbort = () => finish(() => reject(signal.reason))
    const finish = (settle: () => void) => {
      server.off('request', onRequest)
      signal.removeEventListener('abort', onAbort)
      settle()
    }
    if (signal.aborted) return onAbort()
    server.on('request', onRequest)
    signal.addEventListener('abort', onAbort, { once: true })
  })
}

function answer(response: ServerResponse, status: number, message: string): void {
  response.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'close',
  })
  response.end(PAGE(message))
}
