/**
 * Ingest benchmark (`npm run bench:ingest`). Starts the built birdhouse server (SQLite + disk in a
 * temp dir) and a baseline server (this file, forked with `baseline-server`) as child processes,
 * uploads the same file to both through the v2 dedicated endpoints (INITIALIZE, APPEND in
 * 5,000,000-byte multipart segments, FINALIZE) with 1 and 4 requests in flight, and writes the
 * figures to its own section of docs/benchmarks.md.
 *
 * The baseline parses each multipart APPEND with @fastify/busboy and pipes the file part into a
 * file of its own (no fsync unless BENCH_BASELINE_FSYNC=1), so the ratio prices what birdhouse adds:
 * auth, staging, fsync + rename, the metadata transaction. Segment bodies are a few pre-built
 * buffers written in slices with backpressure; the client never holds the file.
 *
 * Env: BENCH_SKIP_4G=1 skips the 4 GiB run; BENCH_BASELINE_FSYNC=1 makes the baseline fsync each
 * segment; BENCH_ROUNDS (default 3) sets the rounds per comparison; BENCH_SMALL_BYTES / BENCH_LARGE_BYTES
 * override 1 GiB / 4 GiB (for trying the script out).
 */
import { execFileSync, fork } from 'node:child_process'
import { randomFillSync } from 'node:crypto'
import { once } from 'node:events'
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import http from 'node:http'
import os from 'node:os'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { fileURLToPath } from 'node:url'
import { startBirdhouse, stop } from './birdhouse-process.js'

const GiB = 1024 ** 3
const MB = 1e6
const SEGMENT_BYTES = 5_000_000
const SLICE_BYTES = 256 * 1024
const SMALL_BYTES = Number(process.env.BENCH_SMALL_BYTES ?? GiB)
const LARGE_BYTES = Number(process.env.BENCH_LARGE_BYTES ?? 4 * GiB)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const MIN_FREE_BYTES = 10e9
const BOUNDARY = 'birdhouse-bench-7f3a9c2e1d'
const HEADING = '## Ingest (`npm run bench:ingest`)'
const TARGETS = { ratio: 0.85, finalizeSecs: 0.2, peakRssMb: 150 }
const repoRoot = fileURLToPath(new URL('..', import.meta.url))

// ---- baseline server (child process) ----------------------------------------------------------

async function runBaselineServer(dir) {
  const { Busboy } = await import('@fastify/busboy')
  const flush = process.env.BENCH_BASELINE_FSYNC === '1'
  let nextId = 1
  let nextFile = 0
  const reply = (res, status, body) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
  }
  const append = (req, res) => {
    const busboy = Busboy({ headers: req.headers })
    const writes = []
    let index = 'x'
    busboy.on('field', (name, value) => {
      if (name === 'segment_index') index = value
    })
    busboy.on('file', (name, stream) => {
      if (name !== 'media') return stream.resume()
      const file = createWriteStream(join(dir, `${nextFile++}-${index}`), { flush })
      writes.push(pipeline(stream, file))
    })
    busboy.on('finish', () =>
      Promise.all(writes).then(
        () => reply(res, 200, { data: { expires_at: Math.floor(Date.now() / 1000) + 86_400 } }),
        (error) => reply(res, 500, { detail: String(error) }),
      ),
    )
    busboy.on('error', (error) => reply(res, 400, { detail: String(error) }))
    req.pipe(busboy)
  }
  const server = http.createServer((req, res) => {
    if (req.url.endsWith('/append')) return append(req, res)
    req.resume()
    req.on('end', () => {
      if (req.url.endsWith('/initialize')) reply(res, 200, { data: { id: String(nextId++) } })
      else reply(res, 200, { data: { processing_info: { state: 'succeeded' } } })
    })
  })
  server.keepAliveTimeout = 60_000
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }))
}

// ---- child processes and memory --------------------------------------------------------------

async function startBaseline(dir) {
  const child = fork(fileURLToPath(import.meta.url), ['baseline-server', dir], { stdio: 'inherit' })
  const [message] = await once(child, 'message')
  return { child, url: `http://127.0.0.1:${message.port}`, token: 'none' }
}

function procStatusKb(pid, field) {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return match === null ? 0 : Number(match[1])
}

/** Tracks a process's peak RSS over one phase: VmHWM after resetting it, and VmRSS every 100 ms. */
function watchMemory(pid) {
  let hwmReset = true
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5')
  } catch {
    hwmReset = false
  }
  let sampledKb = procStatusKb(pid, 'VmRSS')
  const timer = setInterval(() => {
    sampledKb = Math.max(sampledKb, procStatusKb(pid, 'VmRSS'))
  }, 100)
  return () => {
    clearInterval(timer)
    const hwmKb = procStatusKb(pid, 'VmHWM')
    return { peakMb: (hwmReset ? Math.max(hwmKb, sampledKb) : sampledKb) / 1024, method: hwmReset ? 'VmHWM' : 'VmRSS' }
  }
}

// ---- client ----------------------------------------------------------------------------------

const pool = [0, 1, 2].map(() => randomFillSync(Buffer.alloc(SEGMENT_BYTES)))
const head = Buffer.from(pool[0])
head.fill(0, 0, 64)
head.write('\0\0\0\x18ftypisom', 0, 'latin1')

function send(agent, url, token, headers, chunks) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { authorization: `Bearer ${token}`, ...headers } })
    req.on('response', (res) => {
      const parts = []
      res.on('data', (part) => parts.push(part))
      res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(parts).toString() }))
      res.on('error', reject)
    })
    req.on('error', reject)
    writeSlices(req, chunks).catch((error) => req.destroy(error))
  })
}

async function writeSlices(req, chunks) {
  for (const chunk of chunks) {
    for (let at = 0; at < chunk.length; at += SLICE_BYTES) {
      if (!req.write(chunk.subarray(at, at + SLICE_BYTES))) await once(req, 'drain')
    }
  }
  req.end()
}

async function postJson(agent, server, path, body) {
  const text = JSON.stringify(body)
  const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }
  const res = await send(agent, `${server.url}${path}`, server.token, headers, [Buffer.from(text)])
  if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${res.text}`)
  return JSON.parse(res.text)
}

async function appendSegment(agent, server, id, index, sizeBytes) {
  const data = (index === 0 ? head : pool[index % pool.length]).subarray(0, sizeBytes)
  const preamble = Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="segment_index"\r\n\r\n${index}\r\n` +
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="media"; filename="blob"\r\n` +
      'Content-Type: application/octet-stream\r\n\r\n',
  )
  const epilogue = Buffer.from(`\r\n--${BOUNDARY}--\r\n`)
  const headers = {
    'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
    'content-length': preamble.length + data.length + epilogue.length,
  }
  const started = performance.now()
  const res = await send(agent, `${server.url}/2/media/upload/${id}/append`, server.token, headers, [
    preamble,
    data,
    epilogue,
  ])
  if (res.status !== 200) throw new Error(`APPEND ${index} answered ${res.status}: ${res.text}`)
  return performance.now() - started
}

/** One whole upload; throughput counts INITIALIZE through the last APPEND, FINALIZE is timed apart. */
async function upload(server, totalBytes, inFlight) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: inFlight })
  const memory = server.child.pid === undefined ? undefined : watchMemory(server.child.pid)
  const started = performance.now()
  const init = await postJson(agent, server, '/2/media/upload/initialize', {
    media_type: 'video/mp4',
    total_bytes: totalBytes,
  })
  const id = init.data.id
  const segments = Math.ceil(totalBytes / SEGMENT_BYTES)
  const latenciesMs = []
  let next = 0
  const worker = async () => {
    while (next < segments) {
      const index = next++
      const size = Math.min(SEGMENT_BYTES, totalBytes - index * SEGMENT_BYTES)
      latenciesMs.push(await appendSegment(agent, server, id, index, size))
    }
  }
  await Promise.all(Array.from({ length: inFlight }, worker))
  const appendSecs = (performance.now() - started) / 1000
  const finalizeStarted = performance.now()
  await postJson(agent, server, `/2/media/upload/${id}/finalize`, {})
  const finalizeSecs = (performance.now() - finalizeStarted) / 1000
  agent.destroy()
  return { mbPerSec: totalBytes / MB / appendSecs, latenciesMs, finalizeSecs, memory: memory?.() }
}

/** Folds repeated uploads into one figure each: median MB/s (with range), pooled percentiles, worst rest. */
function summarize(runs) {
  const sorted = (values) => [...values].sort((a, b) => a - b)
  const latencies = sorted(runs.flatMap((r) => r.latenciesMs))
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)]
  const speeds = sorted(runs.map((r) => r.mbPerSec))
  const mid = speeds.length >> 1
  return {
    mbPerSec: speeds.length % 2 === 1 ? speeds[mid] : (speeds[mid - 1] + speeds[mid]) / 2,
    minMbPerSec: speeds[0],
    maxMbPerSec: speeds[speeds.length - 1],
    p50Ms: pct(50),
    p99Ms: pct(99),
    finalizeSecs: Math.max(...runs.map((r) => r.finalizeSecs)),
    peakMb: Math.max(...runs.map((r) => r.memory.peakMb)),
  }
}

// ---- report ----------------------------------------------------------------------------------

const size = (bytes) => (bytes % GiB === 0 ? `${bytes / GiB} GiB` : `${(bytes / MB).toFixed(0)} MB`)
const fixed = (value, digits) => (value === undefined ? '—' : value.toFixed(digits))
const speed = (s) =>
  s === undefined
    ? '—'
    : s.minMbPerSec === s.maxMbPerSec
      ? fixed(s.mbPerSec, 1)
      : `${fixed(s.mbPerSec, 1)} (${fixed(s.minMbPerSec, 0)}–${fixed(s.maxMbPerSec, 0)})`
const verdict = (ok) => (ok ? 'met' : '**not met**')

function buildSection(results, large, largeNote, startedAt, loads) {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU'
  const rows = results.map(({ bytes, inFlight, bh, base }) => {
    const ratio = base === undefined ? undefined : bh.mbPerSec / base.mbPerSec
    return `| ${size(bytes)} | ${inFlight} | ${speed(bh)} | ${speed(base)} | ${fixed(ratio, 2)} | ${fixed(bh.p50Ms, 1)} | ${fixed(bh.p99Ms, 1)} | ${fixed(base?.p50Ms, 1)} | ${fixed(bh.finalizeSecs, 3)} | ${fixed(bh.peakMb, 0)} |`
  })
  const four = results.find((r) => r.bytes === SMALL_BYTES && r.inFlight === 4)
  const ratio = four.bh.mbPerSec / four.base.mbPerSec
  const finalizeSecs = Math.max(...results.filter((r) => r.bytes === SMALL_BYTES).map((r) => r.bh.finalizeSecs))
  const peakMb = Math.max(...results.map((r) => r.bh.peakMb))
  return [
    HEADING,
    '',
    `Run ${startedAt.toISOString()} on ${os.cpus().length} CPUs (${cpu}), ${(os.totalmem() / GiB).toFixed(1)} GiB RAM,`,
    `Node ${process.version}, ${os.type()} ${os.release()}; data in ${os.tmpdir()}. Load average (1 min) ${loads.join(' at start, ')} at end:`,
    'other work on the machine shares its CPUs and disk, so compare the ranges, not only the medians.',
    '',
    'Birdhouse: the built server, SQLite + disk blob store (fsync + rename per segment), log level warn.',
    'Baseline: a Node `http` server that parses each APPEND with `@fastify/busboy` and pipes the file part',
    `to a file of its own (${process.env.BENCH_BASELINE_FSYNC === '1' ? 'fsynced' : 'no fsync'}). Client: \`http\` keep-alive agents, streamed multipart`,
    `bodies of ${SEGMENT_BYTES.toLocaleString('en')}-byte segments through v2 \`initialize\` / \`{id}/append\` / \`{id}/finalize\`.`,
    'MB/s is 10⁶ bytes per second from INITIALIZE to the last APPEND response, the median of',
    `${ROUNDS} rounds (range in brackets; the two servers alternate, order flipped each round); the ratio`,
    'is of medians. APPEND percentiles pool all rounds; FINALIZE is timed apart, the slowest round shown.',
    'Peak RSS is the birdhouse process over that upload (VmHWM reset per upload via `/proc/<pid>/clear_refs`,',
    'and VmRSS sampled every 100 ms). `sync` runs between uploads.',
    '',
    '| upload | in flight | birdhouse MB/s | baseline MB/s | ratio | APPEND p50 ms | APPEND p99 ms | baseline p50 ms | FINALIZE s | peak RSS MB |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `The baseline server's own peak RSS, for scale: ${results
      .filter((r) => r.base !== undefined)
      .map((r) => `${r.base.peakMb.toFixed(0)} MB (${r.inFlight} in flight)`)
      .join(', ')}. ${largeNote ?? ''}`,
    '',
    '| target | measured | |',
    '|---|---|---|',
    `| ratio ≥ ${TARGETS.ratio} with 4 in flight (${size(SMALL_BYTES)}) | ${ratio.toFixed(2)} | ${verdict(ratio >= TARGETS.ratio)} |`,
    `| FINALIZE of ${size(SMALL_BYTES)} ≤ ${TARGETS.finalizeSecs} s (slowest run) | ${finalizeSecs.toFixed(3)} s | ${verdict(finalizeSecs <= TARGETS.finalizeSecs)} |`,
    `| peak RSS ≤ ${TARGETS.peakRssMb} MB (all runs${large ? `, ${size(LARGE_BYTES)} included` : ''}) | ${peakMb.toFixed(0)} MB | ${verdict(peakMb <= TARGETS.peakRssMb)} |`,
    '',
  ]
    .filter((line, i, all) => !(line === '' && all[i - 1] === ''))
    .join('\n')
}

/** Replaces this benchmark's section of docs/benchmarks.md (up to the next `## `), keeping the rest. */
function writeSection(section) {
  const path = join(repoRoot, 'docs/benchmarks.md')
  mkdirSync(join(repoRoot, 'docs'), { recursive: true })
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n'
  const lines = text.split('\n')
  const start = lines.indexOf(HEADING)
  if (start === -1) {
    writeFileSync(path, `${text.trimEnd()}\n\n${section}`)
    return path
  }
  const after = lines.findIndex((line, i) => i > start && line.startsWith('## '))
  const rest = after === -1 ? '' : `\n${lines.slice(after).join('\n')}`
  const before = start === 0 ? '' : `${lines.slice(0, start).join('\n')}\n`
  writeFileSync(path, `${before}${section}${rest}`)
  return path
}

// ---- main ------------------------------------------------------------------------------------

function log(message) {
  console.log(`[bench:ingest] ${message}`)
}

function describe(label, r) {
  const s = summarize([r])
  log(
    `${label}: ${s.mbPerSec.toFixed(1)} MB/s, APPEND p50 ${s.p50Ms.toFixed(1)} ms p99 ${s.p99Ms.toFixed(1)} ms, FINALIZE ${s.finalizeSecs.toFixed(3)} s, peak RSS ${s.peakMb.toFixed(0)} MB (${r.memory.method})`,
  )
}

async function main() {
  const startedAt = new Date()
  const loads = [os.loadavg()[0].toFixed(2)]
  const root = await mkdtemp(join(os.tmpdir(), 'birdhouse-bench-'))
  const children = []
  const cleanup = () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL')
    rmSync(root, { recursive: true, force: true })
  }
  process.once('SIGINT', () => {
    cleanup()
    process.exit(130)
  })
  try {
    const baseDir = join(root, 'baseline')
    mkdirSync(baseDir)
    const base = await startBaseline(baseDir)
    let bh = await startBirdhouse(join(root, 'birdhouse-1'))
    children.push(base.child, bh.child)
    log(`birdhouse ${bh.url} (pid ${bh.child.pid}), baseline ${base.url} (pid ${base.child.pid}), temp ${root}`)
    const free = statfsSync(root)
    const needBytes = (2 * ROUNDS + 2) * SMALL_BYTES
    if (free.bavail * free.bsize < needBytes) throw new Error(`need ${(needBytes / 1e9).toFixed(1)} GB free in ${root}`)
    const clearBaseline = () => {
      rmSync(baseDir, { recursive: true, force: true })
      mkdirSync(baseDir)
    }
    await upload(bh, 10 * SEGMENT_BYTES, 2)
    await upload(base, 10 * SEGMENT_BYTES, 2)
    clearBaseline()
    const results = []
    for (const inFlight of [1, 4]) {
      const runs = { birdhouse: [], baseline: [] }
      for (let round = 0; round < ROUNDS; round++) {
        const order = round % 2 === 0 ? ['baseline', 'birdhouse'] : ['birdhouse', 'baseline']
        for (const name of order) {
          execFileSync('sync')
          const run = await upload(name === 'birdhouse' ? bh : base, SMALL_BYTES, inFlight)
          describe(`${name.padEnd(9)} ${size(SMALL_BYTES)}, ${inFlight} in flight, round ${round + 1}`, run)
          runs[name].push(run)
          if (name === 'baseline') clearBaseline()
        }
      }
      const [h, b] = [summarize(runs.birdhouse), summarize(runs.baseline)]
      log(
        `${inFlight} in flight: median ${h.mbPerSec.toFixed(1)} vs ${b.mbPerSec.toFixed(1)} MB/s, ratio ${(h.mbPerSec / b.mbPerSec).toFixed(2)}`,
      )
      results.push({ bytes: SMALL_BYTES, inFlight, bh: h, base: b })
    }
    await stop(bh.child)
    rmSync(join(root, 'birdhouse-1'), { recursive: true, force: true })
    execFileSync('sync')

    let largeNote
    const disk = statfsSync(root)
    const freeBytes = disk.bavail * disk.bsize
    if (process.env.BENCH_SKIP_4G === '1') largeNote = `The ${size(LARGE_BYTES)} run was skipped (BENCH_SKIP_4G=1).`
    else if (freeBytes < MIN_FREE_BYTES) {
      largeNote = `The ${size(LARGE_BYTES)} run was skipped: ${(freeBytes / 1e9).toFixed(1)} GB free in ${os.tmpdir()}, < 10 GB.`
    } else {
      bh = await startBirdhouse(join(root, 'birdhouse-2'))
      children.push(bh.child)
      const h = await upload(bh, LARGE_BYTES, 4)
      describe(`birdhouse ${size(LARGE_BYTES)}, 4 in flight`, h)
      results.push({ bytes: LARGE_BYTES, inFlight: 4, bh: summarize([h]), base: undefined })
      await stop(bh.child)
      largeNote = `The ${size(LARGE_BYTES)} run is birdhouse only, on a freshly started server.`
    }
    if (largeNote !== undefined) log(largeNote)
    await stop(base.child)
    loads.push(os.loadavg()[0].toFixed(2))
    const section = buildSection(results, results.length > 2, largeNote, startedAt, loads)
    console.log(`\n${section}`)
    log(`wrote ${writeSection(section)}`)
  } finally {
    cleanup()
  }
}

if (process.argv[2] === 'baseline-server') await runBaselineServer(process.argv[3])
else await main()
