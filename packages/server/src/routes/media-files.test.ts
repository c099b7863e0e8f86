/**
 * Media files at stable URLs (api-contract "Media files"): a photo at `/media/<media_key>.<ext>`
 * with pbs.twimg.com's `?name=` sizes (closest processed size when one is missing, the upload when
 * there are none), a video's or animated GIF's MP4 variants at `/media/<media_key>/<w>x<h>.mp4` and
 * poster at `/media/<media_key>/poster.jpg`, without auth and with CDN caching headers; 404 for
 * everything else, including videos still processing. Ranges and validators: media-files-ranges.test.ts.
 */
import sharp from 'sharp'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  animatedGifRecord,
  createMediaRecord,
  patternBytes,
  photoRecord,
  segmentedPhoto,
  storeFile,
  videoFiles,
  videoRecord,
} from '../test-support/media-file-fixtures.js'
import { postWithMedia, uploadChunked, uploadOneShot } from '../test-support/post-fixtures.js'
import {
  blankProblem,
  mediaTypeOf,
  mp4Bytes,
  openRouteHarness,
  pngBytes,
  type RouteHarness,
} from '../test-support/route-harness.js'

let h: RouteHarness
beforeEach(async () => {
  h = await openRouteHarness()
})
afterEach(async () => {
  await h.close()
})

/** GET without Authorization. */
const fetchFile = (url: string) => h.app.inject({ method: 'GET', url })

const SIZES = ['thumb', 'small', 'medium', 'large', 'orig'] as const

/** A photo whose processed files are the given sizes, each 100 bytes (+ its index) of `contentType`. */
async function processedPhoto(sizes: readonly (typeof SIZES)[number][], overrides = {}) {
  const record = photoRecord(h, [], overrides)
  const files = await Promise.all(
    sizes.map((role) =>
      storeFile(h, `test/${record.id}/${role}`, patternBytes(100 + SIZES.indexOf(role)), {
        role,
        contentType: 'image/png',
        width: 4,
        height: 3,
      }),
    ),
  )
  return createMediaRecord(h, { ...record, files })
}

const sizeServed = (response: { rawPayload: Buffer }) => SIZES[response.rawPayload.length - 100]

describe('photos: /media/<media_key>.<ext>', () => {
  it('serves the processed orig file without auth, with its type, length and CDN caching headers', async () => {
    const media = await processedPhoto(SIZES)
    const response = await fetchFile(`/media/${media.mediaKey}.png`)
    expect(response.statusCode).toBe(200)
    expect(response.rawPayload.equals(patternBytes(104))).toBe(true)
    expect(response.headers).toMatchObject({
      'content-type': 'image/png',
      'content-length': '104',
      'accept-ranges': 'bytes',
      'cache-control': 'public, max-age=31536000, immutable',
      etag: expect.stringMatching(/^"[\w-]+"$/),
    })
  })

  it.each(SIZES)('serves the %s file for ?name=%s', async (size) => {
    const media = await processedPhoto(SIZES)
    expect(sizeServed(await fetchFile(`/media/${media.mediaKey}.png?name=${size}`))).toBe(size)
  })

  it.each([
    ['thumb', 'small'],
    ['small', 'small'],
    ['medium', 'small'],
    ['large', 'orig'],
    ['orig', 'orig'],
  ])('falls back from a missing %s to the closest processed size (%s)', async (asked, served) => {
    const media = await processedPhoto(['small', 'orig'])
    expect(sizeServed(await fetchFile(`/media/${media.mediaKey}.png?name=${asked}`))).toBe(served)
  })

  it('prefers the larger neighbour when two sizes are as close', async () => {
    const media = await processedPhoto(['small', 'large'])
    expect(sizeServed(await fetchFile(`/media/${media.mediaKey}.png?name=medium`))).toBe('large')
  })

  it('takes pbs.twimg.com’s ?format= in place of an extension', async () => {
    const media = await processedPhoto(SIZES)
    const response = await fetchFile(`/media/${media.mediaKey}?format=png&name=small`)
    expect([response.statusCode, sizeServed(response)]).toEqual([200, 'small'])
  })

  it('names the URL after the processed orig file: a WebP re-encoded as JPEG is served as .jpg', async () => {
    const record = photoRecord(h, [], { declaredType: 'image/webp', mediaType: 'image/webp' })
    const orig = await storeFile(h, `test/${record.id}/orig.jpg`, patternBytes(50), {
      role: 'orig',
      contentType: 'image/jpeg',
      width: 4,
      height: 3,
    })
    const media = await createMediaRecord(h, { ...record, files: [orig] })
    const response = await fetchFile(`/media/${media.mediaKey}.jpg`)
    expect([response.statusCode, mediaTypeOf(response)]).toEqual([200, 'image/jpeg'])
    expect((await fetchFile(`/media/${media.mediaKey}.webp`)).statusCode).toBe(404)
  })

  it('serves the uploaded segments back to back, for any size, while a photo has no processed files', async () => {
    const { media, bytes } = await segmentedPhoto(h, 1000, 128)
    for (const size of ['orig', 'thumb']) {
      const response = await fetchFile(`/media/${media.mediaKey}.png?name=${size}`)
      expect([response.statusCode, mediaTypeOf(response), response.headers['content-length']]).toEqual([
        200,
        'image/png',
        '1000',
      ])
      expect(response.rawPayload.equals(bytes)).toBe(true)
    }
  })

  it('serves a photo uploaded through the API as a decodable image of its size', async () => {
    const mediaId = await uploadOneShot(h, await pngBytes(4, 3))
    const response = await fetchFile(`/media/3_${mediaId}.png`)
    expect([response.statusCode, mediaTypeOf(response)]).toEqual([200, 'image/png'])
    expect(await sharp(response.rawPayload).metadata()).toMatchObject({ width: 4, height: 3 })
  })
})

describe('videos and animated GIFs: /media/<media_key>/<file>', () => {
  it.each([
    ['320x180.mp4', 'video/mp4', 1000],
    ['640x360.mp4', 'video/mp4', 2000],
    ['1280x720.mp4', 'video/mp4', 3000],
    ['poster.jpg', 'image/jpeg', 500],
  ])('serves %s of a processed video', async (name, type, size) => {
    const record = videoRecord(h, [])
    const media = await createMediaRecord(h, { ...record, files: await videoFiles(h, record.id) })
    const response = await fetchFile(`/media/${media.mediaKey}/${name}`)
    expect([response.statusCode, mediaTypeOf(response), response.headers['content-length']]).toEqual([
      200,
      type,
      String(size),
    ])
    expect(response.rawPayload.equals(patternBytes(size))).toBe(true)
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable')
  })

  it('serves an animated GIF’s MP4 and poster', async () => {
    const record = animatedGifRecord(h, [])
    const files = [
      await storeFile(h, `test/${record.id}/16x16.mp4`, patternBytes(300), {
        role: 'variant',
        contentType: 'video/mp4',
        width: 16,
        height: 16,
        bitRate: 0,
      }),
      await storeFile(h, `test/${record.id}/poster.jpg`, patternBytes(40), {
        role: 'poster',
        contentType: 'image/jpeg',
        width: 16,
        height: 16,
      }),
    ]
    const media = await createMediaRecord(h, { ...record, files })
    const mp4 = await fetchFile(`/media/${media.mediaKey}/16x16.mp4`)
    expect([mp4.statusCode, mediaTypeOf(mp4), mp4.rawPayload.length]).toEqual([200, 'video/mp4', 300])
    expect((await fetchFile(`/media/${media.mediaKey}/poster.jpg`)).statusCode).toBe(200)
    expect((await fetchFile(`/media/${media.mediaKey}.gif`)).statusCode).toBe(404)
  })

  it('has no files before processing finished: a pending video answers 404 everywhere', async () => {
    const mediaId = await uploadChunked(h, await mp4Bytes(), 'video/mp4', 'tweet_video')
    for (const path of [`/media/7_${mediaId}/64x48.mp4`, `/media/7_${mediaId}/poster.jpg`, `/media/7_${mediaId}.mp4`]) {
      expect((await fetchFile(path)).statusCode).toBe(404)
    }
  })
})

describe('404', () => {
  const NOT_FOUND = blankProblem('Not Found', 404, 'Not Found')

  it.each([
    ['the wrong extension', (key: string) => `/media/${key}.jpg`],
    ['the wrong prefix', (key: string) => `/media/7_${key.slice(2)}.png`],
    ['no extension and no format', (key: string) => `/media/${key}`],
    ['an unknown size name', (key: string) => `/media/${key}.png?name=900x900`],
    ['a photo under the folder route', (key: string) => `/media/${key}/poster.jpg`],
    ['an unknown key', () => '/media/3_1234567890123456789.png'],
    ['a malformed name', () => '/media/..%2Fsecret.png'],
  ])('answers X’s Not Found problem for %s', async (_name, path) => {
    const media = await processedPhoto(SIZES)
    const response = await fetchFile(path(media.mediaKey))
    expect([response.statusCode, mediaTypeOf(response)]).toEqual([404, 'application/problem+json'])
    expect(response.json()).toEqual(NOT_FOUND)
  })

  it.each([
    ['an unknown variant size', '999x999.mp4'],
    ['a variant under another extension', '640x360.webm'],
    ['a video under the photo route', null],
  ])('answers 404 for %s of a processed video', async (_name, file) => {
    const record = videoRecord(h, [])
    const media = await createMediaRecord(h, { ...record, files: await videoFiles(h, record.id) })
    const path = file === null ? `/media/${media.mediaKey}.mp4` : `/media/${media.mediaKey}/${file}`
    expect((await fetchFile(path)).statusCode).toBe(404)
  })

  it('answers 404 once the reaper has expired the media, and serves posted media past its expiry', async () => {
    const expiring = await processedPhoto(SIZES)
    const posted = await processedPhoto(SIZES)
    await postWithMedia(h, 'pinned', [posted.id])
    h.clock.advance(2 * 86_400_000)
    expect(await h.stores.metadata.expireMedia(expiring.id, h.clock.now())).not.toBeNull()
    expect(await h.stores.metadata.expireMedia(posted.id, h.clock.now())).toBeNull()
    expect((await fetchFile(`/media/${expiring.mediaKey}.png`)).statusCode).toBe(404)
    expect((await fetchFile(`/media/${posted.mediaKey}.png`)).statusCode).toBe(200)
  })
})
