/**
 * Recipe A of ../shared/spec/real-clients.md §b.1 for an unchanged twitter-api-v2: an agent that
 * keeps every URL as the library builds it (`https://upload.x.com/1.1/…`, `https://api.x.com/2/…`)
 * and only sends the bytes, as plain HTTP, to a loopback port. The library always calls
 * `https.request`, and Node accepts a non-TLS agent there only when its `protocol` is `https:`.
 * The server therefore sees `Host: upload.x.com` / `api.x.com` and OAuth 1.0a signatures over
 * `https://upload.x.com/…`, which it checks against X's public base URLs.
 */
import http from 'node:http'
import net from 'node:net'
import type { Duplex } from 'node:stream'

/** An `http.Agent` whose every connection goes to `127.0.0.1:port`, whatever host the URL names. */
export class LoopbackAgent extends http.Agent {
  readonly #port: number

  /** @param port the birdhouse (or proxy) port on 127.0.0.1 */
  constructor(port: number, options: http.AgentOptions = { keepAlive: true }) {
    super(options)
    this.#port = port
    // Read by Node's `https.request` to accept this agent for https: URLs.
    ;(this as unknown as { protocol: string }).protocol = 'https:'
  }

  override createConnection(): Duplex {
    return net.connect(this.#port, '127.0.0.1')
  }
}

/** The port of a base URL such as `http://127.0.0.1:41234`. */
export function portOf(baseUrl: string): number {
  return Number(new URL(baseUrl).port)
}
