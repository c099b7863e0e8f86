/** The `npm run bench:client` section of docs/benchmarks.md: built from the runs, written in place. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const HEADING = '## Client uploads (`npm run bench:client`)'
const TARGET_SPEEDUP = 3
const repoRoot = fileURLToPath(new URL('..', import.meta.url))

/** What each contender is, for the table. */
function describeClient(id, versions) {
  switch (id) {
    case 'sdk':
      return { name: '@birdhouse/client', call: '`uploadMedia(path)`', wire: 'v2, 4 MiB × 4 in flight' }
    case 'twitter-api-v2-v2':
      return {
        name: `twitter-api-v2 ${versions.twitterApiV2}`,
        call: '`v2.uploadMedia(buffer)`',
        wire: 'v2, 1 MiB × 1',
      }
    case 'twitter-api-v2-v1':
      return {
        name: `twitter-api-v2 ${versions.twitterApiV2}`,
        call: '`v1.uploadMedia(path)`',
        wire: 'v1.1, 1 MiB × 3',
      }
    default:
      return {
        name: `tweepy ${versions.tweepy}`,
        call: '`API.media_upload(path, chunked=True)`',
        wire: 'v1.1, 1 MiB × 1',
      }
  }
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

function summarize(results) {
  const secs = results.map((r) => r.wallMs / 1000)
  return {
    medianSecs: median(secs),
    minSecs: Math.min(...secs),
    maxSecs: Math.max(...secs),
    uploadMedianSecs: median(results.map((r) => r.uploadSecs ?? Number.NaN)),
    peakRssMb: Math.max(...results.map((r) => r.peakRssKb)) / 1024,
    states: [...new Set(results.map((r) => r.serverState))].join(', '),
  }
}

function table(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => String(row[c]).length)))
  const line = (row) => `| ${row.map((cell, c) => String(cell).padEnd(widths[c])).join(' | ')} |`
  return [line(rows[0]), line(widths.map((w) => '-'.repeat(w))), ...rows.slice(1).map(line)].join('\n')
}

function verdict(speedup, ceiling) {
  if (speedup >= TARGET_SPEEDUP) return 'met'
  if (ceiling !== undefined && ceiling < TARGET_SPEEDUP)
    return `**not met**: out of reach here (ceiling < ${TARGET_SPEEDUP}×)`
  return '**not met**'
}

/** Markdown of the section. */
export function buildClientSection(report) {
  const { fileBytes, delayMs, rttMs, processing, rounds, runs, sdkDirect, skipped, versions } = report
  const directSecs = sdkDirect.length > 0 ? median(sdkDirect.map((r) => r.wallMs / 1000)) : undefined
  const sdk = runs.has('sdk') && runs.get('sdk').length > 0 ? summarize(runs.get('sdk')) : undefined
  const rows = [
    ['client', 'call', 'wire', 'wall s (median, range)', 'INIT→FINALIZE s', 'MB/s', 'peak RSS MB', 'SDK speed-up'],
  ]
  const verdicts = []
  for (const [id, results] of runs) {
    const s = summarize(results)
    const { name, call, wire } = describeClient(id, versions)
    const speedup = sdk === undefined || id === 'sdk' ? undefined : s.medianSecs / sdk.medianSecs
    const uploadSpeedup = speedup === undefined ? undefined : s.uploadMedianSecs / sdk.uploadMedianSecs
    const range = results.length > 1 ? ` (${s.minSecs.toFixed(2)}–${s.maxSecs.toFixed(2)})` : ''
    rows.push([
      name,
      call,
      wire,
      `${s.medianSecs.toFixed(2)}${range}`,
      s.uploadMedianSecs.toFixed(2),
      (fileBytes / 1e6 / s.uploadMedianSecs).toFixed(1),
      s.peakRssMb.toFixed(0),
      speedup === undefined ? '—' : `${speedup.toFixed(2)}× (transfer ${uploadSpeedup.toFixed(2)}×)`,
    ])
    if (speedup !== undefined) {
      // The SDK's own upload with no latency at all: its wall time through the proxy can only be longer.
      const ceiling = directSecs === undefined ? undefined : s.medianSecs / directSecs
      verdicts.push([
        `SDK ≥ ${TARGET_SPEEDUP}× faster than ${name} ${call}`,
        `${speedup.toFixed(2)}×`,
        ceiling === undefined ? '—' : `${ceiling.toFixed(2)}×`,
        `${uploadSpeedup.toFixed(2)}×`,
        verdict(speedup, ceiling),
      ])
    }
  }
  const cpus = os.cpus()
  const lines = [
    HEADING,
    '',
    `Run ${report.startedAt.toISOString()} on ${cpus.length} CPUs (${cpus[0]?.model ?? 'unknown'}), ` +
      `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB RAM, Node ${versions.node}, ${versions.python}, Linux ${os.release()}. ` +
      `Load average (1 min) ${report.load[0].toFixed(2)} at start, ${report.load[1].toFixed(2)} at end.`,
    '',
    `The same ${fileBytes.toLocaleString('en-US')}-byte MP4 (a 3 s 640×360 clip padded with a \`free\` box of random`,
    'bytes) to one built birdhouse server (SQLite + disk blob store, log level warn) through a TCP proxy that',
    `delays every chunk ${delayMs} ms in each direction: a small request took ${rttMs.proxied.toFixed(1)} ms through it and`,
    `${rttMs.direct.toFixed(1)} ms directly. Each client runs unchanged in a process of its own; wall time is its own upload`,
    'call, from start to media id, which includes the processing wait every one of them does by default.',
    'INIT→FINALIZE is the transfer alone, timed between the proxy and the server from the arrival of INIT to the',
    "end of the FINALIZE answer (median); MB/s is over that phase. Peak RSS is the client process's VmHWM at the end.",
    `${rounds} round(s), the client order rotating each round; the speed-up is the client's median over the SDK's,`,
    'for wall time and (in brackets) for the transfer. twitter-api-v2 reaches the proxy through an `httpAgent` and tweepy through a',
    'requests transport adapter (real-clients.md §b); both sign OAuth 1.0a, the SDK sends a bearer token.',
    '',
    `Processing of this file on the server alone (uploaded directly, STATUS polled every 100 ms) took ` +
      `${processing.processingSecs.toFixed(2)} s; the server answers FINALIZE with \`check_after_secs\` ${processing.checkAfterSecs}.`,
    '',
    table(rows),
    '',
  ]
  for (const [id, reason] of skipped) lines.push(`Not run: ${id}: ${reason}.`, '')
  if (verdicts.length > 0) {
    const header = ['target', 'wall time', 'ceiling (SDK with no latency)', 'transfer', 'verdict']
    lines.push(
      table([header, ...verdicts]),
      '',
      'Every client waits for processing after FINALIZE, and X answers FINALIZE with `check_after_secs` ≥ 1',
      '(x-media-api.md §14 case 22), so about a second of every wall time is neither transfer nor anything a',
      'client can shorten. The ceiling is the speed-up the SDK would show if its requests crossed no proxy at',
      `all: the client's median wall time over the SDK's uploading straight to the server (median ${directSecs === undefined ? '—' : `${directSecs.toFixed(2)} s`},`,
      "the processing wait included). Where even that is under the target, the server's ingest and the",
      'processing wait, not the client, bound the ratio on this machine.',
      '',
    )
  }
  return lines.join('\n')
}

/** Replaces this benchmark's section of docs/benchmarks.md (up to the next `## `), keeping the rest. */
export function writeClientSection(section) {
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
  writeFileSync(path, `${lines.slice(0, start).join('\n')}\n${section}${rest}`)
  return path
}
