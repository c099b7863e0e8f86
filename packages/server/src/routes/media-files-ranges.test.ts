/**
 * HTTP semantics of media files (RFC 9110 §13–§14): single byte ranges (206 with Content-Range,
 * suffix and open-ended forms, 416 with `bytes *\/size`, several ranges ignored), ranges across the
 * segments of an unprocessed upload, strong per-file ETags with `If-None-Match` and `If-Range`,
 * HEAD, and reading only the requested bytes from the blob store.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { MediaRecord } from '../stores/metadata-store.js'
import {
  createMediaRecord,
  patternBytes,
  segmentedPhoto,
  videoFiles,
  videoRecord,
} from '../test-support/media-file-fixtures.js'
import { openRouteHarness, type RouteHarness } from '../test-support/route-harness.js'

let h: RouteHarness
let video: MediaRecord
beforeEach(async () => {
  h = await openRouteHarness()
  const record = videoRecord(h, [])
  video = await createMediaRecord(h, { ...record, files: await videoFiles(h, record.id) })
})
afterEach(async () => {
  await h.close()
})

/** The 1000-byte 320x180 variant. */
const variantPath = () => `/media/${video.mediaKey}/320x180.mp4`
const BYTES = patternBytes(1000)

const request = (url: string, headers: Record<string, string> = {}, method: 'GET' | 'HEAD' = 'GET') =>
  h.app.inject({ method, url, headers })

describe('Range', () => {
  it.each([
    ['bytes=0-99', 0, 99],
    ['bytes=500-500', 500, 500],
    ['bytes=900-', 900, 999],
    ['bytes=-100', 900, 999],
    ['bytes=990-5000', 990, 999],
    ['bytes=-5000', 0, 999],
  ])('answers %s with 206, the slice and its Content-Range', async (range, start, end) => {
    const response = await request(variantPath(), { range })
    expect(response.statusCode).toBe(206)
    expect(response.headers).toMatchObject({
      'content-range': `bytes ${start}-${end}/1000`,
      'content-length': String(end - start + 1),
      'content-type': 'video/mp4',
      'accept-ranges': 'bytes',
      'cache-control': 'public, max-age=31536000, immutable',
    })
    expect(response.rawPayload.equals(BYTES.subarray(start, end + 1))).toBe(true)
  })

  it.each(['bytes=1000-', 'bytes=5000-6000', 'bytes=-0'])(
    'answers the unsatisfiable %s with 416, Content-Range bytes */1000 and no body',
    async (range) => {
      const response = await request(variantPath(), { range })
      expect([response.statusCode, response.headers['content-range'], response.body]).toEqual([416, 'bytes */1000', ''])
    },
  )

  it.each(['bytes=0-9,20-29', 'bytes=9-5', 'items=0-9', 'bytes=x-'])(
    'ignores %s: 200 with the whole file',
    async (range) => {
      const response = await request(variantPath(), { range })
      expect([response.statusCode, response.headers['content-length']]).toEqual([200, '1000'])
      expect(response.headers['content-range']).toBeUndefined()
      expect(response.rawPayload.equals(BYTES)).toBe(true)
    },
  )

  it.each([
    ['inside one segment', 10, 20],
    ['across several segments', 100, 700],
    ['exactly one segment', 128, 255],
    ['the last byte', 999, 999],
  ])('serves a range %s of an upload split into 128-byte segments', async (_name, start, end) => {
    const { media, bytes } = await segmentedPhoto(h, 1000, 128)
    const response = await request(`/media/${media.mediaKey}.png`, { range: `bytes=${start}-${end}` })
    expect([response.statusCode, response.headers['content-range']]).toEqual([206, `bytes ${start}-${end}/1000`])
    expect(response.rawPayload.equals(bytes.subarray(start, end + 1))).toBe(true)
  })

  it('reads only the requested bytes from the blob store', async () => {
    const read = vi.spyOn(h.stores.blobs, 'read')
    await request(variantPath(), { range: 'bytes=100-199' })
    expect(read.mock.calls).toEqual([[video.files.find((f) => f.width === 320)?.blobKey, { start: 100, end: 199 }]])
  })
})

describe('ETag and conditional requests', () => {
  const etagOf = async (url: string) => String((await request(url)).headers.etag)

  it('gives each file its own strong ETag, the same on every request', async () => {
    const first = await etagOf(variantPath())
    expect(first).toMatch(/^"[\w-]+"$/)
    expect(await etagOf(variantPath())).toBe(first)
    expect(await etagOf(`/media/${video.mediaKey}/640x360.mp4`)).not.toBe(first)
  })

  it.each([
    ['its ETag', (etag: string) => etag],
    ['a list holding its ETag', (etag: string) => `"other", ${etag}`],
    ['its ETag marked weak', (etag: string) => `W/${etag}`],
    ['*', () => '*'],
  ])('answers If-None-Match with %s by 304, no body, and the validators', async (_name, header) => {
    const etag = await etagOf(variantPath())
    const response = await request(variantPath(), { 'if-none-match': header(etag) })
    expect([response.statusCode, response.body]).toEqual([304, ''])
    expect(response.headers).toMatchObject({ etag, 'cache-control': 'public, max-age=31536000, immutable' })
  })

  it('answers 200 to If-None-Match with other tags', async () => {
    expect((await request(variantPath(), { 'if-none-match': '"a", W/"b"' })).statusCode).toBe(200)
  })

  it('answers 304 rather than 206 when If-None-Match matches a ranged request', async () => {
    const etag = await etagOf(variantPath())
    expect((await request(variantPath(), { 'if-none-match': etag, range: 'bytes=0-9' })).statusCode).toBe(304)
  })

  it('honours the range when If-Range is its ETag, and sends the whole file when it is not', async () => {
    const etag = await etagOf(variantPath())
    const matching = await request(variantPath(), { 'if-range': etag, range: 'bytes=0-9' })
    expect([matching.statusCode, matching.rawPayload.length]).toEqual([206, 10])
    for (const ifRange of ['"stale"', `W/${etag}`, 'Wed, 21 Oct 2015 07:28:00 GMT']) {
      const stale = await request(variantPath(), { 'if-range': ifRange, range: 'bytes=0-9' })
      expect([stale.statusCode, stale.rawPayload.length]).toEqual([200, 1000])
    }
  })

  it('gives an unprocessed upload an ETag too, and revalidates it', async () => {
    const { media } = await segmentedPhoto(h, 300, 128)
    const path = `/media/${media.mediaKey}.png`
    const etag = await etagOf(path)
    expect((await request(path, { 'if-none-match': etag })).statusCode).toBe(304)
  })
})

describe('HEAD', () => {
  it('answers the headers of GET without a body, and without reading the file', async () => {
    const read = vi.spyOn(h.stores.blobs, 'read')
    const [head, get] = [await request(variantPath(), {}, 'HEAD'), await request(variantPath())]
    expect([head.statusCode, head.body]).toEqual([200, ''])
    for (const name of ['content-type', 'content-length', 'etag', 'cache-control', 'accept-ranges']) {
      expect([name, head.headers[name]]).toEqual([name, get.headers[name]])
    }
    expect(read).toHaveBeenCalledTimes(1)
  })

  it('describes the whole file even with a Range (RFC 9110 §14.2: ranges apply to GET)', async () => {
    const head = await request(variantPath(), { range: 'bytes=0-9' }, 'HEAD')
    expect([head.statusCode, head.headers['content-length'], head.headers['content-range']]).toEqual([
      200,
      '1000',
      undefined,
    ])
  })

  it('answers 304 to a matching If-None-Match and 404 for an unknown file', async () => {
    const etag = String((await request(variantPath())).headers.etag)
    expect((await request(variantPath(), { 'if-none-match': etag }, 'HEAD')).statusCode).toBe(304)
    expect((await request(`/media/${video.mediaKey}/1x1.mp4`, {}, 'HEAD')).statusCode).toBe(404)
  })
})
