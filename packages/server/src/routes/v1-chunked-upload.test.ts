/** v1.1 chunked upload: INIT → APPEND → FINALIZE → STATUS on `/1.1/media/upload.json` (spec §3.2–§3.5, cases 14–27). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  form,
  jpegBytes,
  json,
  mp4Bytes,
  multipart,
  normalisedBody,
  openRouteHarness,
  type RouteHarness,
  v1Ids,
} from '../test-support/route-harness.js'

const UPLOAD = '/1.1/media/upload.json'
let h: RouteHarness

beforeEach(async () => {
  h = await openRouteHarness()
})
afterEach(async () => {
  await h.close()
})

async function init(fields: Record<string, string>): Promise<string> {
  const response = await h.send('POST', UPLOAD, form({ command: 'INIT', ...fields }))
  expect(response.statusCode).toBe(202)
  return v1Ids(response).mediaIdString ?? ''
}

function append(id: string, index: string, bytes: Buffer) {
  return h.send(
    'POST',
    UPLOAD,
    multipart({ command: 'APPEND', media_id: id, segment_index: index }, { name: 'media', bytes }),
  )
}

describe('v1.1 INIT', () => {
  it('answers 202 with ids and expiry, and no size (urlencoded)', async () => {
    const response = await h.send(
      'POST',
      UPLOAD,
      form({ command: 'INIT', total_bytes: '1577963', media_type: 'video/mp4' }),
    )
    expect(response.statusCode).toBe(202)
    expect(response.headers['content-type']).toBe('application/json;charset=utf-8')
    const { mediaId, mediaIdString } = v1Ids(response)
    expect(mediaId).toBe(mediaIdString)
    expect(response.body).toBe(`{"media_id":${mediaId},"media_id_string":"${mediaId}","expires_after_secs":86400}`)
  })

  it.each([
    [
      'the query string',
      () => h.send('POST', `${UPLOAD}?command=INIT&total_bytes=10&media_type=video%2Fmp4&media_category=TweetVideo`),
    ],
    [
      'multipart fields',
      () =>
        h.send(
          'POST',
          UPLOAD,
          multipart({ command: 'INIT', total_bytes: '10', media_type: 'video/mp4', media_category: 'tweet_video' }),
        ),
    ],
    [
      'a JSON object',
      () =>
        h.send(
          'POST',
          UPLOAD,
          json({ command: 'INIT', total_bytes: 10, media_type: 'video/mp4', media_category: 'tweet_video' }),
        ),
    ],
  ])('takes its parameters from %s and keys tweet_video as 7_', async (_name, send) => {
    const response = await send()
    expect(response.statusCode).toBe(202)
    const id = v1Ids(response).mediaIdString ?? ''
    expect(response.body).toBe(
      `{"media_id":${id},"media_id_string":"${id}","media_key":"7_${id}","expires_after_secs":86400}`,
    )
  })

  it('records additional_owners from csv, repeated fields and the query string', async () => {
    const body = multipart({ command: 'INIT', total_bytes: '10', media_type: 'image/png', additional_owners: '11,12' })
    const response = await h.send('POST', `${UPLOAD}?additional_owners=13&additional_owners=14`, body)
    const media = await h.stores.metadata.getMedia(v1Ids(response).mediaIdString ?? '')
    expect(media?.additionalOwners).toEqual(['13', '14', '11', '12'])
  })

  it('refuses an unknown command with code 44', async () => {
    const response = await h.send('POST', UPLOAD, form({ command: 'START' }))
    expect(response.statusCode).toBe(400)
    expect(normalisedBody(response)).toEqual({ errors: [{ code: 44, message: 'command parameter is invalid.' }] })
  })
})

describe('v1.1 APPEND and FINALIZE', () => {
  it('answers APPEND with an empty 204 for multipart, media_data and base64 parts', async () => {
    const jpeg = await jpegBytes(6, 4)
    const id = await init({ total_bytes: String(jpeg.length), media_type: 'image/jpeg' })
    const parts = [jpeg.subarray(0, 100), jpeg.subarray(100, 200), jpeg.subarray(200)]
    const responses = [
      await append(id, '0', parts[0] ?? Buffer.alloc(0)),
      await h.send(
        'POST',
        UPLOAD,
        form({
          command: 'APPEND',
          media_id: id,
          segment_index: '1',
          media_data: (parts[1] ?? Buffer.alloc(0)).toString('base64'),
        }),
      ),
      await h.send(
        'POST',
        UPLOAD,
        multipart(
          { command: 'APPEND', media_id: id, segment_index: '2' },
          { name: 'media', bytes: (parts[2] ?? Buffer.alloc(0)).toString('base64'), transferEncoding: 'base64' },
        ),
      ),
    ]
    expect(responses.map((r) => [r.statusCode, r.body])).toEqual([
      [204, ''],
      [204, ''],
      [204, ''],
    ])
    const finalized = await h.send('POST', UPLOAD, form({ command: 'FINALIZE', media_id: id }))
    expect(finalized.statusCode).toBe(201)
    expect(finalized.body).toBe(
      `{"media_id":${id},"media_id_string":"${id}","size":${jpeg.length},"expires_after_secs":86400,` +
        `"image":{"image_type":"image\\/jpeg","w":6,"h":4}}`,
    )
  })

  it('finalizes segments sent out of order and re-sent', async () => {
    const jpeg = await jpegBytes(6, 4)
    const id = await init({ total_bytes: String(jpeg.length), media_type: 'image/jpeg' })
    expect((await append(id, '1', jpeg.subarray(150))).statusCode).toBe(204)
    expect((await append(id, '0', Buffer.from('wrong bytes'))).statusCode).toBe(204)
    expect((await append(id, '0', jpeg.subarray(0, 150))).statusCode).toBe(204)
    const finalized = await h.send('POST', `${UPLOAD}?command=FINALIZE&media_id=${id}`)
    expect(finalized.statusCode).toBe(201)
    expect(JSON.parse(finalized.body)).toMatchObject({
      size: jpeg.length,
      image: { image_type: 'image/jpeg', w: 6, h: 4 },
    })
  })

  it('finalizes an MP4 without category synchronously with video_type and no processing_info', async () => {
    const mp4 = await mp4Bytes()
    const id = await init({ total_bytes: String(mp4.length), media_type: 'video/mp4' })
    await append(id, '0', mp4)
    const finalized = await h.send('POST', UPLOAD, form({ command: 'FINALIZE', media_id: id }))
    expect(finalized.statusCode).toBe(201)
    expect(finalized.body).toBe(
      `{"media_id":${id},"media_id_string":"${id}","size":${mp4.length},"expires_after_secs":86400,` +
        `"video":{"video_type":"video\\/mp4"}}`,
    )
  })

  it('answers a repeated FINALIZE with the same media', async () => {
    const jpeg = await jpegBytes()
    const id = await init({ total_bytes: String(jpeg.length), media_type: 'image/jpeg' })
    await append(id, '0', jpeg)
    const first = await h.send('POST', UPLOAD, form({ command: 'FINALIZE', media_id: id }))
    const second = await h.send('POST', UPLOAD, form({ command: 'FINALIZE', media_id: id }))
    expect([first.statusCode, second.statusCode]).toEqual([201, 201])
    expect(second.body).toBe(first.body)
  })

  it('refuses APPEND after FINALIZE', async () => {
    const jpeg = await jpegBytes()
    const id = await init({ total_bytes: String(jpeg.length), media_type: 'image/jpeg' })
    await append(id, '0', jpeg)
    await h.send('POST', UPLOAD, form({ command: 'FINALIZE', media_id: id }))
    const response = await append(id, '1', jpeg)
    expect(response.statusCode).toBe(400)
    expect(normalisedBody(response)).toEqual({
      request: '/1.1/media/upload.json',
      error: 'Media id <id> has already been finalized.',
    })
  })

  it('refuses FINALIZE when segments do not add up to total_bytes', async () => {
    const id = await init({ total_bytes: '1000', media_type: 'image/jpeg' })
    await append(id, '0', await jpegBytes())
    const response = await h.send('POST', UPLOAD, form({ command: 'FINALIZE', media_id: id }))
    expect(response.statusCode).toBe(400)
    expect(response.body).toBe(
      '{"request":"\\/1.1\\/media\\/upload.json","error":"Segments do not add up to provided total file size."}',
    )
  })

  it('refuses segment_index 1000 with the message clients quote', async () => {
    const id = await init({ total_bytes: '10', media_type: 'image/jpeg' })
    const response = await append(id, '1000', Buffer.from('x'))
    expect(response.statusCode).toBe(400)
    expect(normalisedBody(response)).toEqual({
      errors: [{ code: 44, message: 'SegmentIndex must be between 0 and 999.' }],
    })
  })
})

describe('v1.1 STATUS', () => {
  it('answers 404 code 34 for media without processing and for uploads not yet finalized', async () => {
    const jpeg = await jpegBytes()
    const id = await init({ total_bytes: String(jpeg.length), media_type: 'image/jpeg' })
    const before = await h.send('GET', `${UPLOAD}?command=STATUS&media_id=${id}`)
    await append(id, '0', jpeg)
    await h.send('POST', UPLOAD, form({ command: 'FINALIZE', media_id: id }))
    const after = await h.send('GET', `${UPLOAD}?command=STATUS&media_id=${id}`)
    for (const response of [before, after]) {
      expect(response.statusCode).toBe(404)
      expect(response.body).toBe('{"errors":[{"code":34,"message":"Sorry, that page does not exist."}]}')
    }
  })

  it('answers POST command=STATUS as X does: media parameter is missing', async () => {
    const response = await h.send('POST', UPLOAD, form({ command: 'STATUS', media_id: '1' }))
    expect(response.statusCode).toBe(400)
    expect(response.body).toBe('{"errors":[{"code":38,"message":"media parameter is missing."}]}')
  })
})
