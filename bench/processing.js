/**
 * Processing benchmark (`npm run bench:processing`). Encodes two 10 s 1280×720 clips of the same
 * picture with the system ffmpeg (a compliant H.264 High + AAC-LC MP4, and a VP9 + Opus WebM),
 * starts the built birdhouse server (SQLite + disk in a temp dir, in-process workers) as a child
 * process, uploads each clip over HTTP (v2 `initialize` / `{id}/append` / `{id}/finalize`) and
 * polls STATUS every 20 ms until `succeeded`. The figure is FINALIZE sent → `succeeded` seen.
 *
 * The baseline is the bare ffmpeg command doing the same work, run in the same session: the
 * arguments come from the built server's own `buildRemuxArgs` / `buildTranscodeArgs`, so both sides
 * write the same outputs; the baseline skips probing, the poster frame, publishing to the blob
 * store, the metadata writes and STATUS polling, which is what the ratio prices.
 *
 * Env: BENCH_ROUNDS (default 3) rounds per clip, birdhouse and baseline alternating.
 */
import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import os from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { startBirdhouse, stop } from './birdhouse-process.js'

const run = promisify(execFile)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const SEGMENT_BYTES = 5_000_000
const POLL_MS = 20
const HEADING = '## Processing (`npm run bench:processing`)'
const TARGETS = { remuxSecs: 2, transcodeRatio: 1.2 }
const repoRoot = fileURLToPath(new URL('..', import.meta.url))
const dist = (path) => join(repoRoot, 'packages/server/dist', path)

const { resolveMediaTools } = await import(dist('processing/binaries.js'))
const { probeMedia } = await import(dist('processing/probe.js'))
const { buildVideoPlan } = await import(dist('processing/video-plan.js'))
const { buildRemuxArgs, buildTranscodeArgs } = await import(dist('processing/transcode.js'))

function log(message) {
  console.log(`[bench:processing] ${message}`)
}

// ---- fixtures ---------------------------------------------------------------------------------

const SOURCE = ['-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30', '-f', 'lavfi', '-i', 'sine=sample_rate=48000']
const H264 = ['-c:v', 'libx264', '-preset', 'medium', '-profile:v', 'high', '-pix_fmt', 'yuv420p', '-b:v', '5M']
const AAC = ['-c:a', 'aac', '-b:a', '128k']
const VP9 = [
  '-c:v',
  'libvpx-vp9',
  '-deadline',
  'good',
  '-cpu-used',
  '4',
  '-row-mt',
  '1',
  '-b:v',
  '3M',
  '-c:a',
  'libopus',
]

async function encode(ffmpeg, dir, name, args) {
  const path = join(dir, name)
  await run(ffmpeg, ['-hide_banner', '-v', 'error', '-y', ...SOURCE, '-t', '10', ...args, path])
  return path
}

// ---- the birdhouse server -----------------------------------------------------------------------

async function call(server, method, path, body, headers = {}) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${server.token}`, ...headers },
    ...(body === undefined ? {} : { body }),
  })
  const text = await res.text()
  if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${text}`)
  return text === '' ? {} : JSON.parse(text)
}

/** Uploads a file; resolves to the media id, FINALIZE not yet sent. */
async function uploadUntilFinalize(server, bytes, mediaType) {
  const init = await call(
    server,
    'POST',
    '/2/media/upload/initialize',
    JSON.stringify({ media_type: mediaType, total_bytes: bytes.length, media_category: 'tweet_video' }),
    { 'content-type': 'application/json' },
  )
  const id = init.data.id
  for (let index = 0; index * SEGMENT_BYTES < bytes.length; index++) {
    const form = new FormData()
    form.set('segment_index', String(index))
    form.set('media', new Blob([bytes.subarray(index * SEGMENT_BYTES, (index + 1) * SEGMENT_BYTES)]), 'blob')
    await call(server, 'POST', `/2/media/upload/${id}/append`, form)
  }
  return id
}

/** FINALIZE, then STATUS every `POLL_MS` until `succeeded`; resolves to seconds from FINALIZE sent. */
async function finalizeAndWait(server, id) {
  const started = performance.now()
  await call(server, 'POST', `/2/media/upload/${id}/finalize`)
  for (;;) {
    const status = await call(server, 'GET', `/2/media/upload?command=STATUS&media_id=${id}`)
    const state = status.data?.processing_info?.state
    if (state === 'succeeded') return (performance.now() - started) / 1000
    if (state === 'failed') throw new Error(`processing failed: ${JSON.stringify(status.data.processing_info)}`)
    await new Promise((resolve) => setTimeout(resolve, POLL_MS))
  }
}

// ---- the bare ffmpeg baseline -------------------------------------------------------------------

async function bareFfmpeg(tools, input, outDir) {
  const plan = buildVideoPlan(await probeMedia([input], { ffprobePath: tools.ffprobePath }))
  const sizes = plan.kind === 'remux' ? [{ width: plan.sourceWidth, height: plan.sourceHeight }] : plan.rungs
  rmSync(outDir, { recursive: true, force: true })
  mkdirSync(outDir, { recursive: true })
  const paths = sizes.map(({ width, height }) => join(outDir, `${width}x${height}.mp4`))
  const output = plan.kind === 'remux' ? buildRemuxArgs(plan, paths) : buildTranscodeArgs(plan, paths, 'veryfast')
  const args = ['-hide_banner', '-nostdin', '-y', '-v', 'error', '-i', `file:${input}`, ...output]
  const started = performance.now()
  await run(tools.ffmpegPath, args)
  return { secs: (performance.now() - started) / 1000, plan }
}

// ---- report -----------------------------------------------------------------------------------

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
const range = (values) => `${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}`
const verdict = (ok) => (ok ? 'met' : '**not met**')

function describePlan(plan) {
  if (plan.kind === 'remux') return `remux (${plan.sourceWidth}×${plan.sourceHeight}, streams copied)`
  return `transcode (${plan.reasons.join(', ')}) → ${plan.rungs.map((r) => `${r.width}×${r.height}`).join(', ')}`
}

function buildSection(results, context) {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU'
  const rows = results.map(
    (r) =>
      `| ${r.label} | ${(r.bytes / 1e6).toFixed(1)} MB | ${describePlan(r.plan)} | ${median(r.birdhouse).toFixed(2)} (${range(r.birdhouse)}) | ${median(r.bare).toFixed(2)} (${range(r.bare)}) | ${(median(r.birdhouse) / median(r.bare)).toFixed(2)} |`,
  )
  const [remux, transcode] = results
  const remuxSecs = median(remux.birdhouse)
  const ratio = median(transcode.birdhouse) / median(transcode.bare)
  return [
    HEADING,
    '',
    `Run ${context.startedAt.toISOString()} on ${os.cpus().length} CPUs (${cpu}), ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB RAM,`,
    `Node ${process.version}, ${os.type()} ${os.release()}, ${context.ffmpegVersion}; data in ${os.tmpdir()}.`,
    `Load average (1 min) ${context.loads.join(' at start, ')} at end: other work on the machine shares its CPUs,`,
    'so compare the ranges, not only the medians.',
    '',
    'Clips: 10 s of ffmpeg `testsrc2` at 1280×720, 30 fps, with a 48 kHz sine tone, encoded once per run:',
    'a compliant MP4 (H.264 High 5 Mbit/s, yuv420p, AAC-LC 128 kbit/s) and a WebM of the same picture',
    '(VP9 3 Mbit/s + Opus). Birdhouse: the built server, SQLite + disk blob store, 2 in-process workers,',
    'log level warn, rate limits off; each clip is uploaded over HTTP in 5,000,000-byte multipart APPENDs',
    `(\`tweet_video\`), and the time runs from sending FINALIZE until a STATUS (polled every ${POLL_MS} ms)`,
    'says `succeeded`: probe, remux or transcode, poster frame, publishing to the blob store (fsync +',
    'rename), the metadata commit and releasing the segments. Baseline: the bare ffmpeg command writing the',
    'same outputs from the same file (arguments from the server’s own `buildRemuxArgs` /',
    '`buildTranscodeArgs`, x264 `veryfast`), without probe, poster or storage. Seconds are the median of',
    `${ROUNDS} rounds (range in brackets), birdhouse and baseline alternating.`,
    '',
    '| clip | size | what processing does | birdhouse FINALIZE → succeeded, s | bare ffmpeg, s | ratio |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
    '| target | measured | |',
    '|---|---|---|',
    `| compliant 10 s 720p MP4: FINALIZE → succeeded ≤ ${TARGETS.remuxSecs} s | ${remuxSecs.toFixed(2)} s | ${verdict(remuxSecs <= TARGETS.remuxSecs)} |`,
    `| VP9 WebM → ladder: ≤ ${TARGETS.transcodeRatio} × bare ffmpeg | ${ratio.toFixed(2)} × | ${verdict(ratio <= TARGETS.transcodeRatio)} |`,
    '',
  ].join('\n')
}

/** Replaces this benchmark's section of docs/benchmarks.md (up to the next `## `), keeping the rest. */
function writeSection(section) {
  const path = join(repoRoot, 'docs/benchmarks.md')
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

// ---- main -------------------------------------------------------------------------------------

async function main() {
  const startedAt = new Date()
  const loads = [os.loadavg()[0].toFixed(2)]
  const root = await mkdtemp(join(os.tmpdir(), 'birdhouse-bench-processing-'))
  let server
  try {
    const tools = await resolveMediaTools()
    const ffmpegVersion = (await run(tools.ffmpegPath, ['-version'])).stdout.split('\n')[0].split(' Copyright')[0]
    log(`encoding the clips with ${ffmpegVersion}`)
    const clips = [
      {
        label: 'compliant MP4',
        type: 'video/mp4',
        path: await encode(tools.ffmpegPath, root, 'clip.mp4', [...H264, ...AAC]),
      },
      { label: 'VP9 WebM', type: 'video/webm', path: await encode(tools.ffmpegPath, root, 'clip.webm', VP9) },
    ]
    // STATUS is polled every 20 ms, far past X's limits; this benchmark is about processing.
    server = await startBirdhouse(join(root, 'data'), { BIRDHOUSE_RATE_LIMITS: 'off' })
    log(`birdhouse ${server.url} (pid ${server.child.pid}), temp ${root}`)
    const results = []
    for (const clip of clips) {
      const bytes = readFileSync(clip.path)
      const result = { label: clip.label, bytes: bytes.length, birdhouse: [], bare: [], plan: undefined }
      for (let round = 0; round < ROUNDS; round++) {
        for (const side of round % 2 === 0 ? ['bare', 'birdhouse'] : ['birdhouse', 'bare']) {
          if (side === 'bare') {
            const { secs, plan } = await bareFfmpeg(tools, clip.path, join(root, 'bare'))
            result.plan = plan
            result.bare.push(secs)
          } else {
            const id = await uploadUntilFinalize(server, bytes, clip.type)
            result.birdhouse.push(await finalizeAndWait(server, id))
          }
          log(`${clip.label}, round ${round + 1}, ${side}: ${result[side].at(-1).toFixed(2)} s`)
        }
      }
      results.push(result)
    }
    await stop(server.child)
    loads.push(os.loadavg()[0].toFixed(2))
    const section = buildSection(results, { startedAt, loads, ffmpegVersion })
    console.log(`\n${section}`)
    log(`wrote ${writeSection(section)}`)
  } finally {
    if (server !== undefined && server.child.exitCode === null) server.child.kill('SIGKILL')
    rmSync(root, { recursive: true, force: true })
  }
}

await main()
