/**
 * Asynchronous processing seen through STATUS, with one real worker running ffprobe (spec §8.6,
 * cases 22–26, 32). Polling is bounded; the manual clock only moves when a test moves it.
 */
import type { LightMyRequestResponse } from 'fastify'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  corruptMp4Bytes,
  form,
  json,
  mp4Bytes,
  multipart,
  openRouteHarness,
  pollUntilTerminal,
  processingState,
  type RouteHarness,
} from '../test-support/route-harness.js'

const V1 = '/1.1/media/upload.json'
let h: RouteHarness

beforeEach(async () => {
  h = await openRouteHarness({ processing: true })
})
afterEach(async () => {
  await h.close()
})

/** v1.1 INIT + APPEND + FINALIZE; resolves to the id and the FINALIZE response. */
async function uploadV1(bytes: Buffer, category: string): Promise<{ id: string; finalized: LightMyRequestResponse }> {
  const init = await h.send(
    'POST',
    V1,
    form({ command: 'INIT', media_type: 'video/mp4', total_bytes: String(bytes.length), media_category: category }),
  )
  const id = (init.json() as { media_id_string: string }).media_id_string
  await h.send('POST', V1, multipart({ command: 'APPEND', media_id: id, segment_index: '0' }, { name: 'media', bytes }))
  return { id, finalized: await h.send('POST', V1, form({ command: 'FINALIZE', media_id: id })) }
}

/** Every STATUS seen before the terminal one reports a polling interval: 1 while pending, 1–10 s while running. */
function expectCheckAfterWhileRunning(responses: readonly LightMyRequestResponse[]): void {
  for (const response of responses.slice(0, -1)) {
    const body = response.json() as { processing_info?: object; data?: { processing_info?: object } }
    const info = (body.data ?? body).processing_info as { state: string; check_after_secs: number }
    expect(Number.isInteger(info.check_after_secs)).toBe(true)
    expect(info.check_after_secs).toBeGreaterThanOrEqual(1)
    expect(info.check_after_secs).toBeLessThanOrEqual(info.state === 'pending' ? 1 : 10)
  }
}

describe('processing of a real MP4', () => {
  it('goes pending → succeeded on v1.1 and reports the video once done', async () => {
    const mp4 = await mp4Bytes()
    const { id, finalized } = await uploadV1(mp4, 'tweet_video')
    expect(finalized.statusCode).toBe(201)
    expect(finalized.body).toBe(
      `{"media_id":${id},"media_id_string":"${id}","media_key":"7_${id}","size":${mp4.length},` +
        `"expires_after_secs":86400,"processing_info":{"state":"pending","check_after_secs":1}}`,
    )
    h.clock.advance(5_000)
    const responses = await pollUntilTerminal(h, `${V1}?command=STATUS&media_id=${id}`)
    expectCheckAfterWhileRunning(responses)
    const last = responses[responses.length - 1]
    expect(last?.statusCode).toBe(200)
    expect(last?.body).toBe(
      `{"media_id":${id},"media_id_string":"${id}","media_key":"7_${id}","size":${mp4.length},` +
        `"expires_after_secs":86395,"video":{"video_type":"video\\/mp4"},` +
        `"processing_info":{"state":"succeeded","progress_percent":100}}`,
    )
  })

  it('goes pending → succeeded on the v2 dedicated endpoints', async () => {
    const mp4 = await mp4Bytes()
    const init = await h.send(
      'POST',
      '/2/media/upload/initialize',
      json({ media_type: 'video/mp4', total_bytes: mp4.length, media_category: 'amplify_video' }),
    )
    const id = (init.json() as { data: { id: string } }).data.id
    await h.send('POST', `/2/media/upload/${id}/append`, json({ media: mp4.toString('base64'), segment_index: 0 }))
    const finalized = await h.send('POST', `/2/media/upload/${id}/finalize`)
    expect(processingState(finalized)).toBe('pending')
    const responses = await pollUntilTerminal(h, `/2/media/upload?command=STATUS&media_id=${id}`)
    expectCheckAfterWhileRunning(responses)
    expect(responses[responses.length - 1]?.json()).toEqual({
      data: {
        id,
        media_key: `13_${id}`,
        size: mp4.length,
        expires_after_secs: 86400,
        video: { video_type: 'video/mp4' },
        processing_info: { state: 'succeeded', progress_percent: 100 },
      },
    })
  })
})

describe('processing failures', () => {
  it('fails bytes that sniff as MP4 but do not decode with InvalidMedia (code 1)', async () => {
    const corrupt = corruptMp4Bytes()
    const { id, finalized } = await uploadV1(corrupt, 'tweet_video')
    expect(processingState(finalized)).toBe('pending')
    const responses = await pollUntilTerminal(h, `${V1}?command=STATUS&media_id=${id}`)
    const last = responses[responses.length - 1]
    expect(last?.statusCode).toBe(200)
    expect(last?.json()).toEqual({
      media_id: expect.any(Number),
      media_id_string: id,
      media_key: `7_${id}`,
      size: corrupt.length,
      expires_after_secs: 86400,
      processing_info: {
        state: 'failed',
        progress_percent: 100,
        error: { code: 1, name: 'InvalidMedia', message: 'Unsupported video format' },
      },
    })
  })

  it('fails a dm_video longer than 140 s with UnsupportedMedia (code 3) in X wording', async () => {
    const long = await mp4Bytes({ seconds: 141, size: '32x32', fps: 1 })
    const { id } = await uploadV1(long, 'dm_video')
    const responses = await pollUntilTerminal(h, `/2/media/upload?media_id=${id}`)
    expect(responses[responses.length - 1]?.json()).toMatchObject({
      data: {
        processing_info: {
          state: 'failed',
          error: {
            code: 3,
            name: 'UnsupportedMedia',
            message: 'Duration 2.minutes+21.seconds exceeds max duration of 2.minutes+20.seconds',
          },
        },
      },
    })
  })
})
