/**
 * Media lookups (spec §9.3, §10.3): `GET /2/media/{media_key}` and `GET /2/media?media_keys=`, each
 * `media.fields` value for photos, videos and animated GIFs, X's partial `resource-not-found`
 * errors, 400s for malformed keys and fields, and who may see which media. Auth and OpenAPI
 * conformance: media-lookup-openapi.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { MediaRecord } from '../stores/metadata-store.js'
import {
  animatedGifRecord,
  createMediaRecord,
  patternBytes,
  photoRecord,
  storeFile,
  videoFiles,
  videoRecord,
} from '../test-support/media-file-fixtures.js'
import { postWithMedia, uploadChunked } from '../test-support/post-fixtures.js'
import {
  invalidRequestProblem as invalid,
  json,
  mediaTypeOf,
  mp4Bytes,
  openRouteHarness,
  type RouteHarness,
} from '../test-support/route-harness.js'

const ORIGIN = 'http://localhost:80'
const ALL_FIELDS = 'media.fields=media_key,type,url,preview_image_url,width,height,duration_ms,alt_text,variants'

const notFound = (key: string, parameter: 'media_key' | 'media_keys') => ({
  value: key,
  detail: `Could not find media with ${parameter}: [${key}].`,
  title: 'Not Found Error',
  resource_type: 'media',
  parameter,
  resource_id: key,
  type: 'https://api.twitter.com/2/problems/resource-not-found',
})

let h: RouteHarness
beforeEach(async () => {
  h = await openRouteHarness()
})
afterEach(async () => {
  await h.close()
})

async function photo(overrides: Partial<MediaRecord> = {}): Promise<MediaRecord> {
  const record = photoRecord(h, [], overrides)
  const orig = await storeFile(h, `test/${record.id}/orig.png`, patternBytes(80), {
    role: 'orig',
    contentType: 'image/png',
    width: 4,
    height: 3,
  })
  return createMediaRecord(h, { ...record, files: [orig] })
}

async function video(overrides: Partial<MediaRecord> = {}): Promise<MediaRecord> {
  const record = videoRecord(h, [], overrides)
  return createMediaRecord(h, { ...record, files: await videoFiles(h, record.id) })
}

async function animatedGif(): Promise<MediaRecord> {
  const record = animatedGifRecord(h, [])
  const files = [
    await storeFile(h, `test/${record.id}/16x16.mp4`, patternBytes(30), {
      role: 'variant',
      contentType: 'video/mp4',
      width: 16,
      height: 16,
      bitRate: 0,
    }),
    await storeFile(h, `test/${record.id}/poster.jpg`, patternBytes(20), {
      role: 'poster',
      contentType: 'image/jpeg',
      width: 16,
      height: 16,
    }),
  ]
  return createMediaRecord(h, { ...record, files })
}

const get = async (url: string, token?: string) => {
  const response = await h.send('GET', url, undefined, token)
  expect([response.statusCode, mediaTypeOf(response)]).toEqual([200, 'application/json'])
  return response.json() as Record<string, unknown>
}

describe('GET /2/media/{media_key}', () => {
  it('answers media_key and type only by default', async () => {
    const media = await photo()
    expect(await get(`/2/media/${media.mediaKey}`)).toEqual({ data: { media_key: media.mediaKey, type: 'photo' } })
  })

  it('renders a photo with every field that applies to it', async () => {
    const media = await photo()
    await h.send('POST', '/2/media/metadata', json({ id: media.id, metadata: { alt_text: { text: 'A cat' } } }))
    expect(await get(`/2/media/${media.mediaKey}?${ALL_FIELDS}`)).toEqual({
      data: {
        media_key: media.mediaKey,
        type: 'photo',
        url: `${ORIGIN}/media/${media.mediaKey}.png`,
        width: 4,
        height: 3,
        alt_text: 'A cat',
      },
    })
  })

  it('renders a processed video: every MP4 variant by ascending bit rate, poster, size and duration', async () => {
    const media = await video()
    const variant = (bitRate: number, size: string) => ({
      bit_rate: bitRate,
      content_type: 'video/mp4',
      url: `${ORIGIN}/media/${media.mediaKey}/${size}.mp4`,
    })
    expect(await get(`/2/media/${media.mediaKey}?${ALL_FIELDS}`)).toEqual({
      data: {
        media_key: media.mediaKey,
        type: 'video',
        preview_image_url: `${ORIGIN}/media/${media.mediaKey}/poster.jpg`,
        width: 64,
        height: 48,
        duration_ms: 3000,
        variants: [variant(256_000, '320x180'), variant(832_000, '640x360'), variant(2_176_000, '1280x720')],
      },
    })
  })

  it('renders an animated GIF: one MP4 variant with bit_rate 0 and its poster, no duration', async () => {
    const media = await animatedGif()
    expect(await get(`/2/media/${media.mediaKey}?${ALL_FIELDS}`)).toEqual({
      data: {
        media_key: media.mediaKey,
        type: 'animated_gif',
        preview_image_url: `${ORIGIN}/media/${media.mediaKey}/poster.jpg`,
        width: 16,
        height: 16,
        variants: [{ bit_rate: 0, content_type: 'video/mp4', url: `${ORIGIN}/media/${media.mediaKey}/16x16.mp4` }],
      },
    })
  })

  it('shows a video still processing to its owner, without variants or poster', async () => {
    const mediaId = await uploadChunked(h, await mp4Bytes(), 'video/mp4', 'tweet_video')
    expect(await get(`/2/media/7_${mediaId}?${ALL_FIELDS}`)).toEqual({
      data: { media_key: `7_${mediaId}`, type: 'video' },
    })
  })

  it.each([
    ['url', 'photo', { url: expect.stringMatching(/\/media\/3_\d+\.png$/) }],
    ['width', 'photo', { width: 4 }],
    ['height', 'photo', { height: 3 }],
    ['preview_image_url', 'video', { preview_image_url: expect.stringMatching(/\/poster\.jpg$/) }],
    ['duration_ms', 'video', { duration_ms: 3000 }],
    ['variants', 'video', { variants: expect.arrayContaining([expect.objectContaining({ bit_rate: 256_000 })]) }],
    ['url', 'video', {}],
    ['variants', 'photo', {}],
    ['public_metrics', 'video', {}],
  ])('media.fields=%s on a %s adds exactly %o', async (field, kind, added) => {
    const media = kind === 'photo' ? await photo() : await video()
    const body = (await get(`/2/media/${media.mediaKey}?media.fields=${field}`)) as { data: Record<string, unknown> }
    expect(body.data).toEqual({ media_key: media.mediaKey, type: kind, ...added })
  })

  it('answers 200 with a partial resource-not-found error for an unknown key', async () => {
    const key = '3_1234567890123456789'
    expect(await get(`/2/media/${key}`)).toEqual({ errors: [notFound(key, 'media_key')] })
  })

  it.each([
    ['a key of another type prefix', (m: MediaRecord) => `7_${m.id}`],
    ['an id too long to exist', () => '3_12345678901234567890'],
  ])('reports %s as not found', async (_name, key) => {
    const media = await photo()
    expect(await get(`/2/media/${key(media)}`)).toEqual({ errors: [notFound(key(media), 'media_key')] })
  })

  it.each([
    ['a key without an underscore', '/2/media/12345', 'media_key', ['12345']],
    ['a key with letters', '/2/media/3_abc', 'media_key', ['3_abc']],
  ])('refuses %s with 400 invalid-request', async (_name, url, parameter, values) => {
    const response = await h.send('GET', url)
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual(
      invalid(`The \`${parameter}\` parameter is invalid: must match ^([0-9]+)_([0-9]+)$.`, { [parameter]: values }),
    )
  })
})

describe('GET /2/media?media_keys=', () => {
  it('answers found media in the order asked, and unknown keys as partial errors', async () => {
    const [first, second] = [await video(), await photo()]
    const unknown = '7_1234567890123456789'
    const body = await get(`/2/media?media_keys=${second.mediaKey},${unknown},${first.mediaKey}`)
    expect(body).toEqual({
      data: [
        { media_key: second.mediaKey, type: 'photo' },
        { media_key: first.mediaKey, type: 'video' },
      ],
      errors: [notFound(unknown, 'media_keys')],
    })
  })

  it('answers only errors when no key exists, and each repeated key once', async () => {
    const key = '3_1234567890123456789'
    expect(await get(`/2/media?media_keys=${key},${key}`)).toEqual({ errors: [notFound(key, 'media_keys')] })
  })

  it('applies media.fields to every item', async () => {
    const [a, b] = [await photo(), await photo()]
    const body = (await get(`/2/media?media_keys=${a.mediaKey},${b.mediaKey}&media.fields=width`)) as {
      data: unknown[]
    }
    expect(body.data).toEqual([
      { media_key: a.mediaKey, type: 'photo', width: 4 },
      { media_key: b.mediaKey, type: 'photo', width: 4 },
    ])
  })

  it.each([
    ['no media_keys', '/2/media', invalid('The `media_keys` parameter is missing.', { media_keys: [] })],
    [
      'a malformed key',
      '/2/media?media_keys=3_1,abc',
      invalid('The `media_keys` parameter is invalid: give 1 to 100 comma-separated media keys.', {
        media_keys: ['3_1', 'abc'],
      }),
    ],
    [
      '101 keys',
      `/2/media?media_keys=${Array.from({ length: 101 }, (_, i) => `3_${1000 + i}`).join(',')}`,
      expect.objectContaining({ title: 'Invalid Request' }),
    ],
    [
      'an unknown media.fields value',
      '/2/media?media_keys=3_1&media.fields=url,colour',
      expect.objectContaining({ errors: [expect.objectContaining({ parameters: { 'media.fields': ['colour'] } })] }),
    ],
  ])('refuses %s with 400', async (_name, url, body) => {
    const response = await h.send('GET', url)
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual(body)
  })
})

describe('visibility', () => {
  const lookup = (media: MediaRecord, token?: string) => get(`/2/media/${media.mediaKey}`, token)
  const found = (media: MediaRecord) => ({ data: { media_key: media.mediaKey, type: 'photo' } })
  const missing = (media: MediaRecord) => ({ errors: [notFound(media.mediaKey, 'media_key')] })

  it('hides unposted media from other users, and shows it to its additional owners', async () => {
    const [mine, shared] = [await photo(), await photo({ additionalOwners: [h.otherUserId] })]
    expect(await lookup(mine, h.otherToken)).toEqual(missing(mine))
    expect(await lookup(shared, h.otherToken)).toEqual(found(shared))
  })

  it('shows media to everyone once a post pinned it', async () => {
    const media = await photo()
    await postWithMedia(h, 'public now', [media.id])
    expect(await lookup(media, h.otherToken)).toEqual(found(media))
  })

  it('never finds expired media or an upload not yet finalized', async () => {
    const expired = await photo({ state: 'expired' })
    const uploading = await photo({ state: 'uploading', sizeBytes: null })
    expect(await lookup(expired)).toEqual(missing(expired))
    expect(await lookup(uploading)).toEqual(missing(uploading))
  })
})
