/** v2 command style: `POST /2/media/upload` with `command`, and `GET /2/media/upload` STATUS (spec §4, cases 28–35). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  form,
  invalidRequestProblem,
  jpegBytes,
  json,
  mediaTypeOf,
  mp4Bytes,
  multipart,
  normalisedBody,
  openRouteHarness,
  type RouteHarness,
} from '../test-support/route-harness.js'

const UPLOAD = '/2/media/upload'
let h: RouteHarness

beforeEach(async () => {
  h = await openRouteHarness()
})
afterEach(async () => {
  await h.close()
})

/** INIT + one APPEND of `bytes`; resolves to the media id. */
async function upload(bytes: Buffer, fields: Record<string, string>): Promise<string> {
  const init = await h.send(
    'POST',
    UPLOAD,
    multipart({ command: 'INIT', total_bytes: String(bytes.length), ...fields }),
  )
  expect(init.statusCode).toBe(202)
  const id = (init.json() as { data: { id: string } }).data.id
  const body = multipart({ command: 'APPEND', media_id: id, segment_index: '0' }, { name: 'media', bytes })
  const appended = await h.send('POST', UPLOAD, body)
  expect([appended.statusCode, appended.body]).toEqual([204, ''])
  return id
}

describe('v2 command-style INIT', () => {
  it('answers 202 with data.id, media_key 13_ for amplify_video and a 15-day window', async () => {
    const fields = { command: 'INIT', media_type: 'video/mp4', total_bytes: '1048576', media_category: 'amplify_video' }
    const response = await h.send('POST', UPLOAD, multipart(fields))
    expect(response.statusCode).toBe(202)
    expect(mediaTypeOf(response)).toBe('application/json')
    const { data } = response.json() as { data: { id: string; media_key: string; expires_after_secs: number } }
    expect(Object.keys(data)).toEqual(['id', 'media_key', 'expires_after_secs'])
    expect(data.id).toMatch(/^\d{19}$/)
    expect(data.media_key).toBe(`13_${data.id}`)
    // X's doc shows 1295999 (a second already elapsed); a frozen clock gives the full 1296000. Either is X's window.
    expect([1_295_999, 1_296_000]).toContain(data.expires_after_secs)
  })

  it.each([
    ['the query string', () => h.send('POST', `${UPLOAD}?command=INIT&media_type=image%2Fjpeg&total_bytes=10`)],
    [
      'urlencoded fields',
      () => h.send('POST', UPLOAD, form({ command: 'INIT', media_type: 'image/jpeg', total_bytes: '10' })),
    ],
    [
      'a JSON object',
      () => h.send('POST', UPLOAD, json({ command: 'INIT', media_type: 'image/jpeg', total_bytes: 10 })),
    ],
  ])('takes INIT from %s; without a category an image is keyed 3_', async (_name, send) => {
    const response = await send()
    expect(response.statusCode).toBe(202)
    const { data } = response.json() as { data: { id: string } }
    expect(response.json()).toEqual({ data: { id: data.id, media_key: `3_${data.id}`, expires_after_secs: 86400 } })
  })

  it('refuses an unknown command with the invalid-request problem', async () => {
    const response = await h.send('POST', UPLOAD, form({ command: 'CREATE' }))
    expect(response.statusCode).toBe(400)
    expect(mediaTypeOf(response)).toBe('application/problem+json')
    expect(response.json()).toEqual(
      invalidRequestProblem('The `command` parameter must be one of INIT, APPEND, FINALIZE or STATUS.', {
        command: ['CREATE'],
      }),
    )
  })
})

describe('v2 command-style FINALIZE', () => {
  it('answers 201 with pending processing_info for a categorised MP4', async () => {
    const mp4 = await mp4Bytes()
    const id = await upload(mp4, { media_type: 'video/mp4', media_category: 'tweet_video' })
    const response = await h.send('POST', UPLOAD, multipart({ command: 'FINALIZE', media_id: id }))
    expect(response.statusCode).toBe(201)
    expect(response.body).toBe(
      `{"data":{"id":"${id}","media_key":"7_${id}","size":${mp4.length},"expires_after_secs":86400,` +
        `"processing_info":{"state":"pending","check_after_secs":1}}}`,
    )
  })

  it('answers 201 with the image object and no processing_info for a JPEG finalized by query', async () => {
    const jpeg = await jpegBytes(6, 4)
    const id = await upload(jpeg, { media_type: 'image/jpeg' })
    const response = await h.send('POST', `${UPLOAD}?command=FINALIZE&media_id=${id}`)
    expect(response.statusCode).toBe(201)
    expect(response.json()).toEqual({
      data: {
        id,
        media_key: `3_${id}`,
        size: jpeg.length,
        expires_after_secs: 86400,
        image: { image_type: 'image/jpeg', w: 6, h: 4 },
      },
    })
  })

  it('refuses APPEND without media', async () => {
    const id = await upload(await jpegBytes(), { media_type: 'image/jpeg' })
    const response = await h.send('POST', UPLOAD, multipart({ command: 'APPEND', media_id: id, segment_index: '1' }))
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual(invalidRequestProblem('media parameter is missing.'))
  })
})

describe('v2 command-style STATUS', () => {
  it.each([
    ['with command=STATUS', (id: string) => `${UPLOAD}?command=STATUS&media_id=${id}`],
    ['without command', (id: string) => `${UPLOAD}?media_id=${id}`],
  ])('answers 200 %s for media in processing', async (_name, url) => {
    const mp4 = await mp4Bytes()
    const id = await upload(mp4, { media_type: 'video/mp4', media_category: 'tweet_video' })
    await h.send('POST', UPLOAD, form({ command: 'FINALIZE', media_id: id }))
    h.clock.advance(5_000)
    const response = await h.send('GET', url(id))
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({
      data: {
        id,
        media_key: `7_${id}`,
        size: mp4.length,
        expires_after_secs: 86395,
        processing_info: { state: 'pending', check_after_secs: 1 },
      },
    })
  })

  it('answers STATUS for an image with the captured "BadRequest: Not found" problem', async () => {
    const id = await upload(await jpegBytes(), { media_type: 'image/jpeg' })
    await h.send('POST', UPLOAD, form({ command: 'FINALIZE', media_id: id }))
    const response = await h.send('GET', `${UPLOAD}?command=STATUS&media_id=${id}`)
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual(invalidRequestProblem('BadRequest: Not found'))
  })

  it('refuses STATUS without media_id', async () => {
    const response = await h.send('GET', `${UPLOAD}?command=STATUS`)
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual(invalidRequestProblem('The `media_id` parameter is missing.', { media_id: [] }))
  })

  it('refuses a GET with a command other than STATUS', async () => {
    const response = await h.send('GET', `${UPLOAD}?command=INIT&media_id=1`)
    expect(response.statusCode).toBe(400)
    expect(normalisedBody(response)).toEqual(
      invalidRequestProblem('The `command` parameter must be one of INIT, APPEND, FINALIZE or STATUS.'),
    )
  })
})
