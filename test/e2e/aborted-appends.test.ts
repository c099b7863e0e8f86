/**
 * Clients that hang up mid-APPEND, against the built server: right after the media part's
 * headers (when the server is opening the segment's file), and a little way into its bytes. The
 * server must stay up, leave no half-written segment counted, and take the same segment indexes
 * afterwards.
 */
import net from 'node:net'
import { describe, expect, it } from 'vitest'
import { useBirdhouse } from './harness.js'

const server = useBirdhouse({ env: { BIRDHOUSE_WORKERS: '0', BIRDHOUSE_RATE_LIMITS: 'off' } })
const BOUNDARY = 'birdhouseAbortedAppend'

async function api(path: string, init: RequestInit = {}): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${server().url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${server().token}`, ...init.headers },
  })
  const text = await response.text()
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) }
}

/** Sends the start of an APPEND declaring 5 MB, with `mediaBytes` of the media part, and hangs up. */
async function hangUpDuringAppend(mediaId: string, index: number, mediaBytes: number): Promise<void> {
  const head =
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="segment_index"\r\n\r\n${index}\r\n` +
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="media"; filename="m"\r\n` +
    'Content-Type: application/octet-stream\r\n\r\n'
  const url = new URL(server().url)
  const socket = net.connect(Number(url.port), url.hostname)
  await new Promise((resolve) => socket.once('connect', resolve))
  socket.write(
    `POST /2/media/upload/${mediaId}/append HTTP/1.1\r\nHost: ${url.host}\r\n` +
      `Authorization: Bearer ${server().token}\r\n` +
      `Content-Type: multipart/form-data; boundary=${BOUNDARY}\r\nContent-Length: 5000000\r\n\r\n${head}` +
      'x'.repeat(mediaBytes),
  )
  socket.destroy()
}

describe('APPENDs cut off by the client', () => {
  it('leave the server up, count nothing, and the indexes can be sent again', async () => {
    const init = await api('/2/media/upload/initialize', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ media_type: 'video/mp4', total_bytes: 10_000_000, media_category: 'tweet_video' }),
    })
    expect(init.status).toBe(200)
    const mediaId = (init.body as { data: { id: string } }).data.id
    for (let round = 0; round < 20; round++) {
      await hangUpDuringAppend(mediaId, round % 2, round % 4 < 2 ? 0 : 100_000)
    }
    // Still up, and nothing of the cut-off bodies was taken as a segment: FINALIZE finds none.
    const finalize = await api(`/2/media/upload/${mediaId}/finalize`, { method: 'POST' })
    expect(finalize.status).toBe(400)
    expect(JSON.stringify(finalize.body)).toMatch(/segment/i)
    const form = new FormData()
    form.set('segment_index', '0')
    form.set('media', new Blob([new Uint8Array(1000)]), 'm')
    const append = await api(`/2/media/upload/${mediaId}/append`, { method: 'POST', body: form })
    expect(append.status).toBeLessThan(300)
  })
})
