/**
 * Client benchmark (`npm run bench:client`): the same 100 MB MP4 uploaded to the same birdhouse
 * server by @birdhouse/client, twitter-api-v2 1.28 (`v2.uploadMedia` and `v1.uploadMedia`) and
 * tweepy 4.12 (`API.media_upload`, chunked), each in a process of its own (client-runner.js,
 * client-tweepy.py), through a TCP proxy adding 25 ms each way (latency-proxy.js). It reports the
 * wall time of each client's upload call (which waits for processing, as each client does by
 * default), its transfer phase (INIT arriving to FINALIZE answered, timed by upload-timer.js
 * between the proxy and the server), its peak RSS (the process's VmHWM), and the SDK's speed-up
 * over each, and writes them to its section of docs/benchmarks.md. Each round also runs the SDK
 * straight to the server (no proxy): the speed-up no client could beat here.
 *
 * The file is a 3 s H.264 clip padded with a top-level `free` box of random bytes to 100,000,000
 * bytes, so the upload is 100 MB while processing (which transcodes the clip) stays short and the
 * same for every client; that processing time is measured once without the proxy and reported.
 *
 * Env: BENCH_ROUNDS (default 3) rounds, the client order rotating each round; BENCH_BYTES (default
 * 100,000,000) file size; BENCH_DELAY_MS (default 25) delay per direction; BENCH_CLIENTS, a comma
 * list, to run some clients only.
 */
import { execFileSync, spawn } from 'node:child_process'
import { once } from 'node:events'
import { readFileSync, rmSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import os from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startBirdhouse } from './birdhouse-process.js'
import { buildClientSection, writeClientSection } from './client-report.js'
import { makePaddedMp4, measureProcessing, measureRoundTripMs } from './client-setup.js'
import { openLatencyProxy } from './latency-proxy.js'
import { openUploadTimer } from './upload-timer.js'

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const FILE_BYTES = Number(process.env.BENCH_BYTES ?? 100_000_000)
const DELAY_MS = Number(process.env.BENCH_DELAY_MS ?? 25)
const RUN_TIMEOUT_MS = 15 * 60_000
const ADMIN_TOKEN = 'bench-client-admin-token-0123456789'
const repoRoot = fileURLToPath(new URL('..', import.meta.url))
const here = (file) => fileURLToPath(new URL(file, import.meta.url))

/** The contenders, in the report's order; `sdk` first, as the reference. */
const CLIENTS = [
  { id: 'sdk', command: process.execPath, args: [here('./client-runner.js'), 'sdk'] },
  { id: 'twitter-api-v2-v2', command: process.execPath, args: [here('./client-runner.js'), 'twitter-api-v2-v2'] },
  { id: 'twitter-api-v2-v1', command: process.execPath, args: [here('./client-runner.js'), 'twitter-api-v2-v1'] },
  { id: 'tweepy', command: '/usr/bin/python3', args: [here('./client-tweepy.py')] },
]

function log(message) {
  console.log(`[bench:client] ${message}`)
}

async function createApp(server) {
  const response = await fetch(`${server.url}/admin/apps`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'bench', redirect_uris: ['http://127.0.0.1:9/cb'], permission: 'read-write' }),
  })
  if (response.status !== 201) throw new Error(`POST /admin/apps: ${response.status} ${await response.text()}`)
  const { data } = await response.json()
  return { ...data, bearer_token: server.token }
}

/** Why a client cannot run here, or undefined. */
async function unavailableReason(client) {
  if (client.id === 'tweepy') {
    try {
      execFileSync('/usr/bin/python3', ['-c', 'import tweepy'], { stdio: 'ignore' })
    } catch {
      return '/usr/bin/python3 cannot import tweepy (apt-get install -y python3-tweepy)'
    }
  }
  if (client.id === 'sdk') {
    const { sdkUnavailableReason } = await import('./client-sdk.js')
    return await sdkUnavailableReason()
  }
  return undefined
}

/** Runs one client in its own process and returns its JSON line. */
async function runClient(client, port, file, credentials) {
  const child = spawn(client.command, [...client.args, String(port), file], {
    env: { ...process.env, BENCH_CREDENTIALS: JSON.stringify(credentials), PYTHONWARNINGS: 'ignore' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => {
    stdout += chunk
  })
  child.stderr.on('data', (chunk) => {
    stderr += chunk
  })
  const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS)
  const [code] = await once(child, 'exit')
  clearTimeout(timer)
  const line = stdout.trim().split('\n').at(-1) ?? ''
  if (code !== 0 || !line.startsWith('{')) throw new Error(`${client.id} exited with ${code}:\n${stderr}${stdout}`)
  return JSON.parse(line)
}

/** STATUS of a media id, asked directly (not through the proxy) with the development token. */
async function processingState(server, mediaId) {
  const response = await fetch(`${server.url}/2/media/upload?command=STATUS&media_id=${mediaId}`, {
    headers: { authorization: `Bearer ${server.token}` },
  })
  const body = await response.json()
  return body.data?.processing_info?.state ?? `HTTP ${response.status}`
}

function versions() {
  const tav2 = JSON.parse(readFileSync(join(repoRoot, 'node_modules/twitter-api-v2/package.json'), 'utf8')).version
  let tweepy = 'not installed'
  try {
    tweepy = execFileSync('/usr/bin/python3', ['-c', 'import tweepy; print(tweepy.__version__)'], { encoding: 'utf8' })
  } catch {}
  const python = execFileSync('/usr/bin/python3', ['--version'], { encoding: 'utf8' }).trim()
  return { twitterApiV2: tav2, tweepy: tweepy.trim(), python, node: process.version }
}

async function main() {
  const startedAt = new Date()
  const load = [os.loadavg()[0]]
  const workDir = await mkdtemp(join(os.tmpdir(), 'birdhouse-bench-client-'))
  const wanted = process.env.BENCH_CLIENTS?.split(',')
  const clients = CLIENTS.filter((client) => wanted === undefined || wanted.includes(client.id))
  const server = await startBirdhouse(join(workDir, 'data'), { HOST: '127.0.0.1', BIRDHOUSE_ADMIN_TOKEN: ADMIN_TOKEN })
  const timer = await openUploadTimer(Number(new URL(server.url).port))
  const proxy = await openLatencyProxy({ targetPort: timer.port, delayMs: DELAY_MS })
  try {
    const file = join(workDir, 'bench.mp4')
    await makePaddedMp4(file, FILE_BYTES, workDir)
    const credentials = await createApp(server)
    const rttMs = await measureRoundTripMs(server.url, proxy.port)
    log(`round trip: ${rttMs.direct.toFixed(1)} ms direct, ${rttMs.proxied.toFixed(1)} ms through the proxy`)
    const processing = await measureProcessing(server, file)
    log(
      `server processing alone: ${processing.processingSecs.toFixed(2)} s (check_after_secs ${processing.checkAfterSecs})`,
    )
    const skipped = new Map()
    for (const client of clients) {
      const reason = await unavailableReason(client)
      if (reason !== undefined) skipped.set(client.id, reason)
    }
    for (const [id, reason] of skipped) log(`skipping ${id}: ${reason}`)
    const runnable = clients.filter((client) => !skipped.has(client.id))
    const runs = new Map(runnable.map((client) => [client.id, []]))
    const sdkDirect = []
    for (let round = 0; round < ROUNDS; round++) {
      const order = runnable.map((_, i) => runnable[(i + round) % runnable.length])
      for (const client of order) {
        execFileSync('sync')
        const result = await runClient(client, proxy.port, file, credentials)
        result.serverState = await processingState(server, result.mediaId)
        result.uploadSecs = timer.uploadSecs(result.mediaId)
        runs.get(client.id).push(result)
        log(
          `round ${round + 1} ${client.id}: ${(result.wallMs / 1000).toFixed(2)} s ` +
            `(INIT→FINALIZE ${result.uploadSecs?.toFixed(2)} s), ` +
            `peak RSS ${(result.peakRssKb / 1024).toFixed(0)} MB, media ${result.mediaId} ${result.serverState}`,
        )
        if (client.id === 'sdk') {
          // The same call straight to the server: no proxy, no latency. The SDK's time through the
          // proxy cannot be shorter, which bounds the speed-up it could show here.
          execFileSync('sync')
          const direct = await runClient(client, Number(new URL(server.url).port), file, credentials)
          direct.serverState = await processingState(server, direct.mediaId)
          sdkDirect.push(direct)
          log(
            `round ${round + 1} sdk with no latency: ${(direct.wallMs / 1000).toFixed(2)} s, media ${direct.serverState}`,
          )
        }
      }
    }
    load.push(os.loadavg()[0])
    const section = buildClientSection({
      startedAt,
      load,
      fileBytes: FILE_BYTES,
      delayMs: DELAY_MS,
      rttMs,
      processing,
      rounds: ROUNDS,
      runs,
      sdkDirect,
      skipped,
      versions: versions(),
    })
    log(`wrote ${writeClientSection(section)}`)
    console.log(section)
  } finally {
    await proxy.close()
    await timer.close()
    server.child.kill('SIGTERM')
    await once(server.child, 'exit')
    rmSync(workDir, { recursive: true, force: true })
  }
}

await main()
