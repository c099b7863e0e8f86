/** v1.1 simple upload: `POST /1.1/media/upload.json` without `command` (spec §3.1, fidelity cases 9–13). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  form,
  gifBytes,
  json,
  mp4Bytes,
  multipart,
  normalisedBody,
  openRouteHarness,
  pngBytes,
  type RequestBody,
  type RouteHarness,
  v1Ids,
} from '../test-support/route-harness.js'

const UPLOAD = '/1.1/media/upload.json'
let h: RouteHarness
let png: Buffer

beforeEach(async () => {
  h = await openRouteHarness()
  png = await pngBytes(5, 3)
})
afterEach(async () => {
  await h.close()
})

/** The exact wire text X sends for a PNG simple upload, key order and `\/` escaping included. */
function pngBody(id: string, size: number, mediaKey?: string): string {
  const key = mediaKey === undefined ? '' : `"media_key":"${mediaKey}",`
  return (
    `{"media_id":${id},"media_id_string":"${id}",${key}"size":${size},"expires_after_secs":86400,` +
    `"image":{"image_type":"image\\/png","w":5,"h":3}}`
  )
}

describe('v1.1 simple upload', () => {
  const forms: [string, () => RequestBody][] = [
    ['a multipart binary `media` part', () => multipart({}, { name: 'media', bytes: png, contentType: 'image/png' })],
    ['a multipart `media_data` base64 field', () => multipart({ media_data: png.toString('base64') })],
    [
      'a `media` part with Content-Transfer-Encoding: base64',
      () => multipart({}, { name: 'media', bytes: png.toString('base64'), transferEncoding: 'base64' }),
    ],
    ['an urlencoded `media_data` field', () => form({ media_data: png.toString('base64') })],
    ['a JSON `media_data` field', () => json({ media_data: png.toString('base64') })],
  ]

  it.each(forms)('accepts %s and answers 200 with the image object', async (_name, body) => {
    const response = await h.send('POST', UPLOAD, body())
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toBe('application/json;charset=utf-8')
    const { mediaId, mediaIdString } = v1Ids(response)
    expect(mediaIdString).toMatch(/^\d{19}$/)
    expect(response.body).toBe(pngBody(mediaIdString ?? '', png.length))
    expect(mediaId).toBe(mediaIdString)
  })

  it.each(['tweet_image', 'TWEET_IMAGE', 'TweetImage'])(
    'adds media_key 3_<id> with media_category=%s',
    async (category) => {
      const response = await h.send(
        'POST',
        UPLOAD,
        multipart({ media_category: category }, { name: 'media', bytes: png }),
      )
      expect(response.statusCode).toBe(200)
      const id = v1Ids(response).mediaIdString ?? ''
      expect(response.body).toBe(pngBody(id, png.length, `3_${id}`))
    },
  )

  it('takes a GIF and reports image_type image/gif without media_key', async () => {
    const gif = await gifBytes(4, 4)
    const response = await h.send('POST', UPLOAD, multipart({}, { name: 'media', bytes: gif }))
    expect(response.statusCode).toBe(200)
    const id = v1Ids(response).mediaIdString ?? ''
    expect(response.body).toBe(
      `{"media_id":${id},"media_id_string":"${id}","size":${gif.length},"expires_after_secs":86400,` +
        `"image":{"image_type":"image\\/gif","w":4,"h":4}}`,
    )
  })

  it('issues increasing ids that stay exact beyond 2^53', async () => {
    const first = v1Ids(await h.send('POST', UPLOAD, multipart({}, { name: 'media', bytes: png })))
    const second = v1Ids(await h.send('POST', UPLOAD, multipart({}, { name: 'media', bytes: png })))
    expect(BigInt(first.mediaId ?? '0')).toBeGreaterThan(2n ** 53n)
    expect(BigInt(second.mediaId ?? '0')).toBeGreaterThan(BigInt(first.mediaId ?? '0'))
  })

  it('refuses a request without media with code 38', async () => {
    const response = await h.send('POST', UPLOAD, multipart({ media_category: 'tweet_image' }))
    expect(response.statusCode).toBe(400)
    expect(response.headers['content-type']).toBe('application/json;charset=utf-8')
    expect(response.body).toBe('{"errors":[{"code":38,"message":"media parameter is missing."}]}')
  })

  it('refuses bytes that are no media with the request/error shape', async () => {
    const response = await h.send('POST', UPLOAD, multipart({}, { name: 'media', bytes: Buffer.from('not an image') }))
    expect(response.statusCode).toBe(400)
    expect(response.body).toBe('{"request":"\\/1.1\\/media\\/upload.json","error":"media type unrecognized."}')
  })

  it('refuses a video, which v1.1 only takes in chunks', async () => {
    const response = await h.send('POST', UPLOAD, multipart({}, { name: 'media', bytes: await mp4Bytes() }))
    expect(response.statusCode).toBe(400)
    expect(normalisedBody(response)).toEqual({ request: '/1.1/media/upload.json', error: 'media type unrecognized.' })
  })

  it('refuses media and media_data together', async () => {
    const body = multipart({ media_data: png.toString('base64') }, { name: 'media', bytes: png })
    const response = await h.send('POST', UPLOAD, body)
    expect(response.statusCode).toBe(400)
    expect(normalisedBody(response)).toEqual({
      errors: [{ code: 44, message: 'media and media_data cannot be sent together.' }],
    })
  })

  it('refuses media_data that is not base64', async () => {
    const response = await h.send('POST', UPLOAD, form({ media_data: '%%%not base64%%%' }))
    expect(response.statusCode).toBe(400)
    expect(normalisedBody(response)).toEqual({
      errors: [{ code: 44, message: 'The request body could not be read: media is not valid base64.' }],
    })
  })

  it('records additional_owners given as csv', async () => {
    const body = multipart({ additional_owners: `${h.otherUserId}, 42` }, { name: 'media', bytes: png })
    const response = await h.send('POST', UPLOAD, body)
    const media = await h.stores.metadata.getMedia(v1Ids(response).mediaIdString ?? '')
    expect(media?.additionalOwners).toEqual([h.otherUserId, '42'])
  })
})
