/**
 * Set-up and calibration for `npm run bench:client`: the padded MP4, the round trip with and
 * without the latency proxy, and the server's own processing time for the file (uploaded directly
 * with `fetch`, STATUS polled every 100 ms regardless of `check_after_secs`).
 */
import { execFileSync } from 'node:child_process'
import { randomFillSync } from 'node:crypto'
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'

const SEGMENT_BYTES = 4 * 1024 * 1024
const POLL_MS = 100
const FILL_BYTES = 4 * 1024 * 1024

/**
 * Writes `totalBytes` of MP4 to `path`: a 3 s 640×360 H.264/AAC clip followed by a top-level
 * `free` box of random bytes (ISO/IEC 14496-12 §8.1.2: readers skip it). Random filler keeps
 * anything on the path from compressing it.
 */
export async function makePaddedMp4(path, totalBytes, workDir) {
  const clip = join(workDir, 'clip.mp4')
  execFileSync('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-y'],
    ...['-f', 'lavfi', '-i', 'testsrc=size=640x360:rate=30', '-f', 'lavfi', '-i', 'sine=frequency=440'],
    ...['-t', '3', '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-c:a', 'aac'],
    ...['-movflags', '+faststart', clip],
  ])
  const head = readFileSync(clip)
  const padBytes = totalBytes - head.length
  if (padBytes < 8) throw new Error(`a ${head.length}-byte clip cannot be padded to ${totalBytes} bytes`)
  const fd = openSync(path, 'w')
  try {
    writeSync(fd, head)
    const header = Buffer.alloc(8)
    header.writeUInt32BE(padBytes, 0)
    header.write('free', 4, 'latin1')
    writeSync(fd, header)
    const fill = Buffer.alloc(FILL_BYTES)
    for (let left = padBytes - 8; left > 0; left -= FILL_BYTES) {
      randomFillSync(fill)
      writeSync(fd, fill, 0, Math.min(left, FILL_BYTES))
    }
  } finally {
    closeSync(fd)
  }
}

async function medianRequestMs(url, count = 21) {
  const times = []
  for (let i = 0; i < count; i++) {
    const started = performance.now()
    const response = await fetch(url)
    await response.arrayBuffer()
    times.push(performance.now() - started)
  }
  return times.sort((a, b) => a - b)[Math.floor(count / 2)]
}

/** Median time of a small request to the server, directly and through the proxy on `proxyPort`. */
export async function measureRoundTripMs(serverUrl, proxyPort) {
  const path = '/2/media/upload?command=STATUS&media_id=1'
  return {
    direct: await medianRequestMs(`${serverUrl}${path}`),
    proxied: await medianRequestMs(`http://127.0.0.1:${proxyPort}${path}`),
  }
}

async function call(server, method, path, body) {
  const headers = { authorization: `Bearer ${server.token}` }
  if (body !== undefined && !(body instanceof FormData)) headers['content-type'] = 'application/json'
  const payload = body === undefined || body instanceof FormData ? body : JSON.stringify(body)
  const response = await fetch(`${server.url}${path}`, { method, headers, body: payload })
  const text = await response.text()
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`)
  return text === '' ? undefined : JSON.parse(text)
}

/** Uploads `file` directly and times processing from the FINALIZE answer to `succeeded`. */
export async function measureProcessing(server, file) {
  const bytes = readFileSync(file)
  const init = await call(server, 'POST', '/2/media/upload/initialize', {
    media_type: 'video/mp4',
    total_bytes: bytes.length,
    media_category: 'tweet_video',
  })
  const id = init.data.id
  for (let index = 0, offset = 0; offset < bytes.length; index++, offset += SEGMENT_BYTES) {
    const form = new FormData()
    form.set('segment_index', String(index))
    form.set('media', new Blob([bytes.subarray(offset, offset + SEGMENT_BYTES)]), 'blob')
    await call(server, 'POST', `/2/media/upload/${id}/append`, form)
  }
  const finalized = await call(server, 'POST', `/2/media/upload/${id}/finalize`)
  const started = performance.now()
  const checkAfterSecs = finalized.data.processing_info?.check_after_secs
  for (;;) {
    const status = await call(server, 'GET', `/2/media/upload?command=STATUS&media_id=${id}`)
    const state = status.data.processing_info?.state
    if (state === 'succeeded' || state === 'failed' || state === undefined) {
      return { processingSecs: (performance.now() - started) / 1000, checkAfterSecs, state }
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS))
  }
}
