/** v2 dedicated endpoints: initialize, `{id}/append`, `{id}/finalize` (spec §5.1–§5.3, cases 36–51). */
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
  type RequestBody,
  type RouteHarness,
} from '../test-support/route-harness.js'

const INITIALIZE = '/2/media/upload/initialize'
let h: RouteHarness

beforeEach(async () => {
  h = await openRouteHarness()
})
afterEach(async () => {
  await h.close()
})

async function initialize(body: Record<string, unknown>): Promise<string> {
  const response = await h.send('POST', INITIALIZE, json(body))
  expect(response.statusCode).toBe(200)
  return (response.json() as { data: { id: string } }).data.id
}

const append = (id: string, body: RequestBody) => h.send('POST', `/2/media/upload/${id}/append`, body)
const finalize = (id: string, body?: RequestBody) => h.send('POST', `/2/media/upload/${id}/finalize`, body)

/** Epoch seconds of the manual clock plus `secs`. */
const epochSecs = (secs: number) => Math.floor(h.clock.now() / 1000) + secs

describe('POST /2/media/upload/initialize', () => {
  it('answers 200 with id, media_key 7_ and expiry for tweet_video', async () => {
    const response = await h.send(
      'POST',
      INITIALIZE,
      json({ media_type: 'video/mp4', total_bytes: 15728640, media_category: 'tweet_video' }),
    )
    expect(response.statusCode).toBe(200)
    expect(mediaTypeOf(response)).toBe('application/json')
    const id = (response.json() as { data: { id: string } }).data.id
    expect(response.body).toBe(`{"data":{"id":"${id}","media_key":"7_${id}","expires_after_secs":86400}}`)
  })

  it.each([
    ['TWEET_IMAGE', 'image/png', '3_'],
    ['TweetVideo', 'video/mp4', '7_'],
    ['tweet_gif', 'image/gif', '16_'],
    [undefined, 'video/mp4', '7_'],
  ])('keys media_category %s with %s as %s', async (category, mediaType, prefix) => {
    const id = await initialize({
      media_type: mediaType,
      total_bytes: 10,
      ...(category ? { media_category: category } : {}),
    })
    expect((await h.stores.metadata.getMedia(id))?.mediaKey).toBe(`${prefix}${id}`)
  })

  it.each([
    ['a JSON array', [ownerId(1), ownerId(2)]],
    ['a csv string', `${ownerId(1)},${ownerId(2)}`],
  ])('records additional_owners given as %s', async (_name, owners) => {
    const id = await initialize({ media_type: 'image/png', total_bytes: 10, additional_owners: owners })
    expect((await h.stores.metadata.getMedia(id))?.additionalOwners).toEqual([ownerId(1), ownerId(2)])
  })

  it.each([
    [
      'total_bytes over 16 GiB',
      { media_type: 'video/mp4', total_bytes: 17179869185 },
      'The `total_bytes` parameter is invalid: must be at most 17179869184.',
      { total_bytes: ['17179869185'] },
    ],
    [
      'an unknown media_category',
      { media_type: 'video/mp4', total_bytes: 10, media_category: 'foo' },
      'The `media_category` parameter is invalid: is not a known media category.',
      { media_category: ['foo'] },
    ],
    [
      'a media_type outside the enum',
      { media_type: 'application/pdf', total_bytes: 10 },
      'The `media_type` parameter is invalid: is not a supported media type.',
      { media_type: ['application/pdf'] },
    ],
    [
      'an unknown property',
      { media_type: 'video/mp4', total_bytes: 10, foo: 1 },
      'The `foo` parameter is not allowed here.',
      { foo: [] },
    ],
    ['a missing media_type', { total_bytes: 10 }, 'The `media_type` parameter is missing.', { media_type: [] }],
    [
      '101 additional owners',
      {
        media_type: 'video/mp4',
        total_bytes: 10,
        additional_owners: Array.from({ length: 101 }, (_, i) => String(i + 1)),
      },
      'The `additional_owners` parameter is invalid: at most 100 ids are allowed.',
      { additional_owners: ['101'] },
    ],
  ])('refuses %s', async (_name, body, message, parameters) => {
    const response = await h.send('POST', INITIALIZE, json(body))
    expect(response.statusCode).toBe(400)
    expect(mediaTypeOf(response)).toBe('application/problem+json')
    expect(response.json()).toEqual(invalidRequestProblem(message, parameters))
  })

  it('refuses a multipart body with the message X sent during the 2025 incident', async () => {
    const response = await h.send('POST', INITIALIZE, multipart({ media_type: 'video/mp4', total_bytes: '10' }))
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual(
      invalidRequestProblem('Requests with bodies must have content-type of application/json.'),
    )
  })
})

describe('POST /2/media/upload/{id}/append', () => {
  it('answers 200 with data.expires_at for multipart, JSON base64, string index and base64 parts', async () => {
    const jpeg = await jpegBytes(6, 4)
    const id = await initialize({ media_type: 'image/jpeg', total_bytes: jpeg.length })
    const [a, b, c] = [jpeg.subarray(0, 90), jpeg.subarray(90, 180), jpeg.subarray(180)]
    const responses = [
      await append(id, multipart({ segment_index: '0' }, { name: 'media', bytes: a })),
      await append(id, json({ media: b.toString('base64'), segment_index: '1' })),
      await append(
        id,
        multipart({ segment_index: '2' }, { name: 'media', bytes: c.toString('base64'), transferEncoding: 'base64' }),
      ),
    ]
    for (const response of responses) {
      expect(response.statusCode).toBe(200)
      expect(response.json()).toEqual({ data: { expires_at: epochSecs(86400) } })
    }
    const finalized = await finalize(id)
    expect(finalized.json()).toMatchObject({ data: { size: jpeg.length, image: { w: 6, h: 4 } } })
  })

  it.each([
    [
      'segment_index 1000',
      json({ media: 'eA==', segment_index: 1000 }),
      'SegmentIndex must be between 0 and 999.',
      { segment_index: ['1000'] },
    ],
    [
      'segment_index -1',
      json({ media: 'eA==', segment_index: -1 }),
      'SegmentIndex must be between 0 and 999.',
      { segment_index: ['-1'] },
    ],
    ['a missing media part', multipart({ segment_index: '0' }), 'The `media` parameter is missing.', { media: [] }],
    [
      'a missing segment_index',
      json({ media: 'eA==' }),
      'The `segment_index` parameter is missing.',
      { segment_index: [] },
    ],
  ])('refuses %s', async (_name, body, message, parameters) => {
    const id = await initialize({ media_type: 'image/jpeg', total_bytes: 10 })
    const response = await append(id, body)
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual(invalidRequestProblem(message, parameters))
  })

  it('refuses a path id that is not a media id', async () => {
    const response = await append('abc', multipart({ segment_index: '0' }, { name: 'media', bytes: 'x' }))
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual(
      invalidRequestProblem('The `id` parameter is invalid: must match ^[0-9]{1,19}$.', { id: ['abc'] }),
    )
  })
})

describe('POST /2/media/upload/{id}/finalize', () => {
  it.each([
    ['no body', undefined],
    ['{}', json({})],
    ['an urlencoded body', form({ media_id: 'ignored' })],
    ['an odd content type', { payload: 'whatever', headers: { 'content-type': 'application/x-whatever' } }],
  ])('answers 200 after a full MP4 upload with %s', async (_name, body) => {
    const mp4 = await mp4Bytes()
    const id = await initialize({ media_type: 'video/mp4', total_bytes: mp4.length, media_category: 'tweet_video' })
    await append(id, multipart({ segment_index: '0' }, { name: 'media', bytes: mp4 }))
    const response = await finalize(id, body)
    expect(response.statusCode).toBe(200)
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

  it('refuses finalize when the bytes do not add up', async () => {
    const id = await initialize({ media_type: 'image/jpeg', total_bytes: 5000 })
    await append(id, multipart({ segment_index: '0' }, { name: 'media', bytes: await jpegBytes() }))
    const response = await finalize(id, json({}))
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual(invalidRequestProblem('Segments do not add up to provided total file size.'))
  })

  it('refuses finalize of an id that was never initialized', async () => {
    const response = await finalize('1234567890123456789')
    expect(response.statusCode).toBe(400)
    expect(normalisedBody(response)).toEqual(invalidRequestProblem('BadRequest: Not found', { media_id: ['<id>'] }))
  })
})

/** Made-up user ids for additional_owners. */
function ownerId(n: number): string {
  return String(1_000_000 + n)
}
