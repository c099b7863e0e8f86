/** Limits, ownership and expiry across the upload styles: segment size, category caps, sniffed type, other users, time. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  form,
  invalidRequestProblem,
  json,
  mp4Bytes,
  multipart,
  normalisedBody,
  openRouteHarness,
  pngBytes,
  type RouteHarness,
} from '../test-support/route-harness.js'

const V1 = '/1.1/media/upload.json'
const MiB = 1024 * 1024
let h: RouteHarness

beforeEach(async () => {
  h = await openRouteHarness({ env: { BIRDHOUSE_MAX_SEGMENT_BYTES: '1024' } })
})
afterEach(async () => {
  await h.close()
})

async function initialize(body: Record<string, unknown>, token = h.token): Promise<string> {
  const response = await h.send('POST', '/2/media/upload/initialize', json(body), token)
  expect(response.statusCode).toBe(200)
  return (response.json() as { data: { id: string } }).data.id
}

const appendV2 = (id: string, index: number, bytes: Buffer) =>
  h.send('POST', `/2/media/upload/${id}/append`, multipart({ segment_index: String(index) }, { name: 'media', bytes }))
const appendV1 = (id: string, index: number, bytes: Buffer) =>
  h.send(
    'POST',
    V1,
    multipart({ command: 'APPEND', media_id: id, segment_index: String(index) }, { name: 'media', bytes }),
  )

describe('segment size', () => {
  it('accepts a segment of exactly the maximum', async () => {
    const id = await initialize({ media_type: 'video/mp4', total_bytes: 1024 })
    expect((await appendV2(id, 0, Buffer.alloc(1024))).statusCode).toBe(200)
  })

  it('refuses a segment one byte over the maximum in every style, keeping nothing', async () => {
    const id = await initialize({ media_type: 'video/mp4', total_bytes: 2048 })
    const command = (index: number) =>
      h.send(
        'POST',
        '/2/media/upload',
        multipart(
          { command: 'APPEND', media_id: id, segment_index: String(index) },
          { name: 'media', bytes: Buffer.alloc(1025) },
        ),
      )
    const responses = [
      await appendV2(id, 0, Buffer.alloc(1025)),
      await command(1),
      await appendV1(id, 2, Buffer.alloc(1025)),
    ]
    expect(responses.map((r) => r.statusCode)).toEqual([400, 400, 400])
    expect(responses[0]?.json()).toEqual(invalidRequestProblem('Segment is larger than the maximum of 1024 bytes.'))
    expect(responses[1]?.json()).toEqual(invalidRequestProblem('Segment is larger than the maximum of 1024 bytes.'))
    expect(responses[2]?.json()).toEqual({ request: V1, error: 'Segment is larger than the maximum of 1024 bytes.' })
    expect(await h.stores.metadata.listSegments(id)).toEqual([])
    expect(await h.stores.blobs.list('')).toEqual([])
  })

  it('refuses an oversized JSON base64 segment', async () => {
    const id = await initialize({ media_type: 'video/mp4', total_bytes: 2048 })
    const body = json({ media: Buffer.alloc(2000).toString('base64'), segment_index: 0 })
    const response = await h.send('POST', `/2/media/upload/${id}/append`, body)
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual(invalidRequestProblem('Segment is larger than the maximum of 1024 bytes.'))
  })
})

describe('category limits', () => {
  it('refuses total_bytes over the category cap at INIT', async () => {
    const fields = {
      command: 'INIT',
      media_type: 'image/png',
      total_bytes: String(5 * MiB + 1),
      media_category: 'tweet_image',
    }
    const v1 = await h.send('POST', V1, form(fields))
    const v2 = await h.send(
      'POST',
      '/2/media/upload/initialize',
      json({ media_type: 'image/gif', total_bytes: 15 * MiB + 1, media_category: 'tweet_gif' }),
    )
    expect([v1.statusCode, v2.statusCode]).toEqual([400, 400])
    expect(v1.json()).toEqual({ request: V1, error: 'File size exceeds 5242880 bytes for media category tweet_image.' })
    expect(v2.json()).toEqual(
      invalidRequestProblem('File size exceeds 15728640 bytes for media category tweet_gif.', {
        total_bytes: ['15728641'],
      }),
    )
  })

  it('refuses appends that take the upload past the category cap', async () => {
    const big = await openRouteHarness()
    try {
      const init = await big.send(
        'POST',
        '/2/media/upload/initialize',
        json({ media_type: 'image/png', total_bytes: 10, media_category: 'tweet_image' }),
      )
      const id = (init.json() as { data: { id: string } }).data.id
      const append = (index: number, size: number) =>
        big.send(
          'POST',
          `/2/media/upload/${id}/append`,
          multipart({ segment_index: String(index) }, { name: 'media', bytes: Buffer.alloc(size) }),
        )
      expect((await append(0, 5 * MiB)).statusCode).toBe(200)
      const over = await append(1, 1)
      expect(over.statusCode).toBe(400)
      expect(over.json()).toEqual(
        invalidRequestProblem('File size exceeds 5242880 bytes for media category tweet_image.'),
      )
      expect((await big.stores.metadata.listSegments(id)).map((s) => s.index)).toEqual([0])
    } finally {
      await big.close()
    }
  })
})

describe('sniffed type', () => {
  it('refuses FINALIZE when the bytes are not what INIT declared', async () => {
    const png = await pngBytes()
    const id = await initialize({ media_type: 'video/mp4', total_bytes: png.length })
    await appendV2(id, 0, png)
    const v2 = await h.send('POST', `/2/media/upload/${id}/finalize`)
    const v1 = await h.send('POST', V1, form({ command: 'FINALIZE', media_id: id }))
    expect([v2.statusCode, v1.statusCode]).toEqual([400, 400])
    expect(v2.json()).toEqual(invalidRequestProblem('media type unrecognized.'))
    expect(v1.body).toBe('{"request":"\\/1.1\\/media\\/upload.json","error":"media type unrecognized."}')
  })

  it('refuses a video category for image bytes', async () => {
    const png = await pngBytes()
    const id = await initialize({ media_type: 'image/png', total_bytes: png.length, media_category: 'tweet_video' })
    await appendV2(id, 0, png)
    const response = await h.send('POST', `/2/media/upload/${id}/finalize`)
    expect(response.json()).toEqual(invalidRequestProblem('media type unrecognized.'))
  })
})

describe('ownership', () => {
  it("answers MEDIA_NOT_FOUND for another user's media on every step", async () => {
    const id = await initialize({ media_type: 'video/mp4', total_bytes: 10, media_category: 'tweet_video' })
    const as = h.otherToken
    const responses = [
      await h.send(
        'POST',
        `/2/media/upload/${id}/append`,
        multipart({ segment_index: '0' }, { name: 'media', bytes: 'x' }),
        as,
      ),
      await h.send('POST', `/2/media/upload/${id}/finalize`, undefined, as),
      await h.send('GET', `/2/media/upload?media_id=${id}`, undefined, as),
      await h.send('POST', '/2/media/upload', form({ command: 'FINALIZE', media_id: id }), as),
    ]
    for (const response of responses) {
      expect(response.statusCode).toBe(400)
      expect(normalisedBody(response)).toEqual(invalidRequestProblem('BadRequest: Not found', { media_id: ['<id>'] }))
    }
    const v1 = await h.send('GET', `${V1}?command=STATUS&media_id=${id}`, undefined, as)
    expect(v1.statusCode).toBe(400)
    expect(v1.json()).toEqual({ request: V1, error: `Invalid mediaId ${id}.` })
  })
})

describe('expiry', () => {
  it('refuses an upload once its window has passed', async () => {
    const id = await initialize({ media_type: 'video/mp4', total_bytes: 10 })
    h.clock.advance(86_400_000)
    const append = await appendV2(id, 0, Buffer.from('x'))
    const v1 = await h.send('POST', V1, form({ command: 'FINALIZE', media_id: id }))
    expect(append.statusCode).toBe(400)
    expect(append.json()).toEqual(invalidRequestProblem(`Media id ${id} has expired.`, { media_id: [id] }))
    expect(v1.json()).toEqual({ request: V1, error: `Media id ${id} has expired.` })
  })

  it('counts STATUS expiry down and refuses the media once it has expired', async () => {
    const mp4 = await mp4Bytes()
    const init = await h.send(
      'POST',
      '/2/media/upload',
      json({ media: mp4.toString('base64'), media_category: 'tweet_video' }),
    )
    const id = (init.json() as { data: { id: string } }).data.id
    h.clock.advance(86_399_000)
    const last = await h.send('GET', `/2/media/upload?media_id=${id}`)
    expect(last.json()).toMatchObject({ data: { expires_after_secs: 1 } })
    h.clock.advance(1_000)
    const expired = await h.send('GET', `/2/media/upload?media_id=${id}`)
    expect(expired.statusCode).toBe(400)
    expect(expired.json()).toEqual(invalidRequestProblem(`Media id ${id} has expired.`, { media_id: [id] }))
  })
})
