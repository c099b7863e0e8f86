/**
 * Media bytes at `/media/<media_key>.<ext>` (api-contract "Posts"): served without auth like X's
 * CDN, byte for byte as uploaded (segments concatenated), with the sniffed content type, an ETag
 * and `If-None-Match` revalidation; 404 for a wrong extension or prefix, an unknown key, and media
 * that is not (or no longer) usable.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { uploadChunked, uploadOneShot } from '../test-support/post-fixtures.js'
import {
  blankProblem,
  gifBytes,
  jpegBytes,
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

/** GET without Authorization, optionally with `If-None-Match`. */
const fetchFile = (path: string, ifNoneMatch?: string) =>
  h.app.inject({ method: 'GET', url: path, headers: ifNoneMatch === undefined ? {} : { 'if-none-match': ifNoneMatch } })

const NOT_FOUND = blankProblem('Not Found', 404, 'Not Found')

describe('GET /media/<media_key>.<ext>', () => {
  it.each([
    ['a PNG', pngBytes, 'png', 'image/png'],
    ['a JPEG', jpegBytes, 'jpg', 'image/jpeg'],
    ['a GIF uploaded as an image', gifBytes, 'gif', 'image/gif'],
  ])(
    'serves %s without auth: the uploaded bytes, content type, length and caching headers',
    async (_name, make, ext, type) => {
      const bytes = await make()
      const mediaId = await uploadOneShot(h, bytes)
      const response = await fetchFile(`/media/3_${mediaId}.${ext}`)
      expect(response.statusCode).toBe(200)
      expect(response.rawPayload.equals(bytes)).toBe(true)
      expect(response.headers).toMatchObject({
        'content-type': type,
        'content-length': String(bytes.length),
        etag: `"3_${mediaId}-${bytes.length}"`,
        'cache-control': 'public, max-age=31536000, immutable',
      })
    },
  )

  it('serves a chunked video as the concatenation of its segments', async () => {
    const bytes = await mp4Bytes({ seconds: 3 })
    const mediaId = await uploadChunked(h, bytes, 'video/mp4', undefined, { segmentBytes: 1024 })
    expect((await h.stores.metadata.listSegments(mediaId)).length).toBeGreaterThan(2)
    const response = await fetchFile(`/media/7_${mediaId}.mp4`)
    expect([response.statusCode, mediaTypeOf(response)]).toEqual([200, 'video/mp4'])
    expect(response.rawPayload.equals(bytes)).toBe(true)
  })

  it('answers 304 with no body to If-None-Match carrying its ETag, and 200 to another ETag', async () => {
    const mediaId = await uploadOneShot(h, await pngBytes())
    const path = `/media/3_${mediaId}.png`
    const etag = String((await fetchFile(path)).headers.etag)
    const revalidated = await fetchFile(path, etag)
    expect([revalidated.statusCode, revalidated.body, revalidated.headers.etag]).toEqual([304, '', etag])
    expect((await fetchFile(path, '"3_1-1"')).statusCode).toBe(200)
  })

  it('answers 304 when If-None-Match lists its ETag among others (RFC 9110 §13.1.2)', async () => {
    const mediaId = await uploadOneShot(h, await pngBytes())
    const path = `/media/3_${mediaId}.png`
    const etag = String((await fetchFile(path)).headers.etag)
    expect((await fetchFile(path, `"other", ${etag}`)).statusCode).toBe(304)
    expect((await fetchFile(path, '*')).statusCode).toBe(304)
  })

  it.each([
    ['the wrong extension', (id: string) => `/media/3_${id}.jpg`],
    ['the wrong prefix', (id: string) => `/media/7_${id}.png`],
    ['no extension', (id: string) => `/media/3_${id}`],
    ['an unknown key', () => '/media/3_1234567890123456789.png'],
    ['a malformed name', () => '/media/..%2Fsecret.png'],
  ])('answers 404 for %s', async (_name, path) => {
    const mediaId = await uploadOneShot(h, await pngBytes())
    const response = await fetchFile(path(mediaId))
    expect([response.statusCode, mediaTypeOf(response)]).toEqual([404, 'application/problem+json'])
    expect(response.json()).toEqual(NOT_FOUND)
  })

  it('answers 404 for a video still processing', async () => {
    const mediaId = await uploadChunked(h, await mp4Bytes(), 'video/mp4', 'tweet_video')
    expect((await fetchFile(`/media/7_${mediaId}.mp4`)).statusCode).toBe(404)
  })

  it('answers 404 once the reaper has expired the media', async () => {
    const mediaId = await uploadOneShot(h, await pngBytes())
    h.clock.advance(86_400_000)
    expect(await h.stores.metadata.expireMedia(mediaId, h.clock.now())).not.toBeNull()
    expect((await fetchFile(`/media/3_${mediaId}.png`)).statusCode).toBe(404)
  })

  it('keeps serving posted media after its expiry time (posting pins it)', async () => {
    const bytes = await pngBytes()
    const mediaId = await uploadOneShot(h, bytes)
    await h.send('POST', '/2/tweets', {
      payload: JSON.stringify({ media: { media_ids: [mediaId] } }),
      headers: { 'content-type': 'application/json' },
    })
    h.clock.advance(2 * 86_400_000)
    expect(await h.stores.metadata.expireMedia(mediaId, h.clock.now())).toBeNull()
    expect((await fetchFile(`/media/3_${mediaId}.png`)).rawPayload.equals(bytes)).toBe(true)
  })
})
