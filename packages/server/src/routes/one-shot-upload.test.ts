/** v2 one-shot upload: `POST /2/media/upload` without `command` (spec §5.5, cases 52–56). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  gifBytes,
  invalidRequestProblem,
  json,
  mediaTypeOf,
  mp4Bytes,
  multipart,
  openRouteHarness,
  pngBytes,
  type RequestBody,
  type RouteHarness,
} from '../test-support/route-harness.js'

const UPLOAD = '/2/media/upload'
const SRT = '1\n00:00:01,000 --> 00:00:02,000\nHello\n'
let h: RouteHarness
let png: Buffer

beforeEach(async () => {
  h = await openRouteHarness()
  png = await pngBytes(5, 3)
})
afterEach(async () => {
  await h.close()
})

const idOf = (body: unknown) => (body as { data: { id: string } }).data.id

describe('v2 one-shot upload', () => {
  it.each([
    ['multipart', () => multipart({ media_category: 'tweet_image' }, { name: 'media', bytes: png })],
    ['JSON base64', () => json({ media: png.toString('base64'), media_category: 'tweet_image' })],
    ['multipart media_data', () => multipart({ media_category: 'TWEET_IMAGE', media_data: png.toString('base64') })],
  ])('answers 200 with the image object for a PNG sent as %s', async (_name, body: () => RequestBody) => {
    const response = await h.send('POST', UPLOAD, body())
    expect(response.statusCode).toBe(200)
    expect(mediaTypeOf(response)).toBe('application/json')
    const id = idOf(response.json())
    expect(response.body).toBe(
      `{"data":{"id":"${id}","media_key":"3_${id}","size":${png.length},"expires_after_secs":86400,` +
        `"image":{"image_type":"image\\/png","w":5,"h":3}}}`,
    )
  })

  it('keys subtitles as 18_ and reports no image or processing', async () => {
    const response = await h.send(
      'POST',
      UPLOAD,
      multipart({ media_category: 'subtitles' }, { name: 'media', bytes: SRT }),
    )
    expect(response.statusCode).toBe(200)
    const id = idOf(response.json())
    expect(response.json()).toEqual({
      data: { id, media_key: `18_${id}`, size: Buffer.byteLength(SRT), expires_after_secs: 86400 },
    })
  })

  it('keys a tweet_gif as 16_ and queues it for processing', async () => {
    const gif = await gifBytes()
    const response = await h.send(
      'POST',
      UPLOAD,
      multipart({ media_category: 'tweet_gif' }, { name: 'media', bytes: gif }),
    )
    expect(response.statusCode).toBe(200)
    const id = idOf(response.json())
    expect(response.json()).toEqual({
      data: {
        id,
        media_key: `16_${id}`,
        size: gif.length,
        expires_after_secs: 86400,
        image: { image_type: 'image/gif', w: 4, h: 4 },
        processing_info: { state: 'pending', check_after_secs: 1 },
      },
    })
  })

  it('takes a tweet_video MP4 in one request and queues it for processing', async () => {
    const mp4 = await mp4Bytes()
    const response = await h.send(
      'POST',
      UPLOAD,
      multipart({ media_category: 'tweet_video' }, { name: 'media', bytes: mp4 }),
    )
    expect(response.statusCode).toBe(200)
    const id = idOf(response.json())
    expect(response.json()).toEqual({
      data: {
        id,
        media_key: `7_${id}`,
        size: mp4.length,
        expires_after_secs: 86400,
        processing_info: { state: 'pending', check_after_secs: 1 },
      },
    })
  })

  it('refuses a multipart PNG without media_category', async () => {
    const response = await h.send('POST', UPLOAD, multipart({}, { name: 'media', bytes: png }))
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual(
      invalidRequestProblem('The `media_category` parameter is missing.', { media_category: [] }),
    )
  })

  it('refuses JSON without media', async () => {
    const response = await h.send('POST', UPLOAD, json({ media_category: 'tweet_image' }))
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual(invalidRequestProblem('media parameter is missing.'))
  })

  it('refuses JSON whose media is not a string', async () => {
    const response = await h.send('POST', UPLOAD, json({ media: 42, media_category: 'tweet_image' }))
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual(invalidRequestProblem('The `media` parameter is invalid: must be a base64 string.'))
  })

  it('refuses bytes that do not match the category', async () => {
    const response = await h.send(
      'POST',
      UPLOAD,
      multipart({ media_category: 'tweet_video' }, { name: 'media', bytes: png }),
    )
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual(invalidRequestProblem('media type unrecognized.'))
  })

  it('keeps no bytes of a one-shot upload it refuses, here or on the v1.1 simple upload', async () => {
    const body = () => multipart({ media_category: 'tweet_video' }, { name: 'media', bytes: png })
    const refused = [await h.send('POST', UPLOAD, body()), await h.send('POST', '/1.1/media/upload.json', body())]
    expect(refused.map((r) => r.statusCode)).toEqual([400, 400])
    // The client never learns an id for a refused one-shot upload, so nothing can finish or delete what is left.
    expect(await h.stores.blobs.list('')).toEqual([])
  })

  it('names the requested category when a one-shot body exceeds its limit', async () => {
    const big = Buffer.concat([png, Buffer.alloc(5 * 1024 * 1024)])
    const response = await h.send(
      'POST',
      UPLOAD,
      multipart({ media_category: 'tweet_image' }, { name: 'media', bytes: big }),
    )
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual(
      invalidRequestProblem('File size exceeds 5242880 bytes for media category tweet_image.'),
    )
  })
})
