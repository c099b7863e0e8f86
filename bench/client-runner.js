/**
 * One upload for `npm run bench:client`, in a process of its own so that its peak RSS is its own:
 * `node bench/client-runner.js <client> <port> <file>`, credentials in BENCH_CREDENTIALS (JSON).
 * Prints one JSON line: media id, final processing state (`returned` when the client does not
 * expose it; every client here waits for processing before it returns), wall time of the upload call (the
 * client's own call, which waits for processing, from start to media id) and VmHWM at the end.
 *
 * Clients: `sdk` (@birdhouse/client defaults: v2 endpoints, 4 MiB segments, 4 in flight, bearer
 * token), `twitter-api-v2-v2` (`client.v2.uploadMedia(buffer)`: it takes only a Buffer, so the file
 * is read first, inside the timed call), `twitter-api-v2-v1` (`client.v1.uploadMedia(path)`,
 * 3 segments in flight). twitter-api-v2 is unchanged and reaches the port through an agent
 * (Recipe A of real-clients.md), signing OAuth 1.0a over https://upload.x.com and https://api.x.com.
 */
import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import http from 'node:http'
import net from 'node:net'

/** Connects every request to 127.0.0.1:port whatever its URL says; accepted by `https.request`. */
class LoopbackAgent extends http.Agent {
  #port
  constructor(port) {
    super({ keepAlive: true })
    this.#port = port
    this.protocol = 'https:'
  }
  createConnection() {
    return net.connect(this.#port, '127.0.0.1')
  }
}

function peakRssKb() {
  const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))
  return match === null ? 0 : Number(match[1])
}

async function twitterApiV2(port, credentials) {
  const { TwitterApi } = await import('twitter-api-v2')
  const oauth1 = {
    appKey: credentials.consumer_key,
    appSecret: credentials.consumer_secret,
    accessToken: credentials.access_token,
    accessSecret: credentials.access_token_secret,
  }
  return new TwitterApi(oauth1, { httpAgent: new LoopbackAgent(port) })
}

/** Each client's upload call; resolves to { mediaId, state }. */
const CLIENTS = {
  async sdk(port, file, credentials) {
    const { prepareSdkUpload } = await import('./client-sdk.js')
    return await prepareSdkUpload(`http://127.0.0.1:${port}`, file, credentials)
  },
  async 'twitter-api-v2-v2'(port, file, credentials) {
    const client = await twitterApiV2(port, credentials)
    return async () => {
      const buffer = await readFile(file)
      const mediaId = await client.v2.uploadMedia(buffer, { media_type: 'video/mp4', media_category: 'tweet_video' })
      return { mediaId, state: 'returned' }
    }
  },
  async 'twitter-api-v2-v1'(port, file, credentials) {
    const client = await twitterApiV2(port, credentials)
    return async () => {
      const mediaId = await client.v1.uploadMedia(file, { mimeType: 'video/mp4' })
      return { mediaId, state: 'returned' }
    }
  },
}

async function main() {
  const [name, port, file] = process.argv.slice(2)
  const prepare = CLIENTS[name]
  if (prepare === undefined) throw new Error(`unknown client ${name}`)
  const upload = await prepare(Number(port), file, JSON.parse(process.env.BENCH_CREDENTIALS ?? '{}'))
  const started = performance.now()
  const { mediaId, state } = await upload()
  const wallMs = performance.now() - started
  console.log(JSON.stringify({ mediaId, state, wallMs, peakRssKb: peakRssKb() }))
  process.exit(0)
}

await main()
