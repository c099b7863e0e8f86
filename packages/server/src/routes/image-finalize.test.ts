/**
 * Photos at FINALIZE (issue 4, item 2; spec §8.5): the files X would serve are made synchronously
 * and stored as blobs (`orig` after X's re-encoding rules, then `large`, `medium`, `small`, `thumb`),
 * with no EXIF; WebP becomes JPEG while the response keeps reporting the uploaded type; a
 * decompression bomb and undecodable pixels are refused and leave no files behind.
 */
import sharp from 'sharp'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { MediaFile } from '../stores/metadata-store.js'
import { bmpBytes, bombPng, GPS_EXIF, noise } from '../test-support/image-fixtures.js'
import { uploadChunked, uploadOneShot } from '../test-support/post-fixtures.js'
import {
  gifBytes,
  invalidRequestProblem as invalid,
  json,
  multipart,
  openRouteHarness,
  pngBytes,
  type RouteHarness,
  v1ErrorsBody,
} from '../test-support/route-harness.js'
import { Reaper } from '../uploads/reaper.js'

const BOMB_MESSAGE = 'Image dimensions must be >= 4x4 and <= 8192x8192'
const oneShot = (bytes: Buffer) =>
  h.send('POST', '/2/media/upload', multipart({ media_category: 'tweet_image' }, { name: 'media', bytes }))

let h: RouteHarness
beforeEach(async () => {
  h = await openRouteHarness()
})
afterEach(async () => {
  await h.close()
})

async function blobBytes(key: string): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of await h.stores.blobs.read(key)) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

async function filesOf(id: string): Promise<MediaFile[]> {
  return (await h.stores.metadata.getMedia(id))?.files ?? []
}

/** Each stored file as `role type WxH`, after checking its blob holds exactly such an image. */
async function describeStored(id: string): Promise<string[]> {
  const described: string[] = []
  for (const file of await filesOf(id)) {
    expect(file.blobKey.startsWith(`media/${id}/`), file.blobKey).toBe(true)
    const bytes = await blobBytes(file.blobKey)
    const meta = await sharp(bytes).metadata()
    expect([bytes.length, `image/${meta.format}`, meta.width, meta.height, file.bitRate]).toEqual([
      file.sizeBytes,
      file.contentType,
      file.width,
      file.height,
      null,
    ])
    described.push(`${file.role} ${file.contentType} ${file.width}x${file.height}`)
  }
  return described
}

describe('served files of a photo', () => {
  it('stores orig and the four sizes of a one-shot PNG, and reports the upload in the response', async () => {
    const png = await pngBytes(1000, 500)
    const response = await oneShot(png)
    const { id, image } = (response.json() as { data: { id: string; image: unknown } }).data
    expect(image).toEqual({ image_type: 'image/png', w: 1000, h: 500 })
    expect(await describeStored(id)).toEqual([
      'orig image/png 1000x500',
      'large image/png 1000x500',
      'medium image/png 1000x500',
      'small image/png 680x340',
      'thumb image/png 150x150',
    ])
  })

  it('stores no EXIF or GPS of a PNG that carried them', async () => {
    const png = await noise(320, 240).withExif(GPS_EXIF).png().toBuffer()
    expect((await sharp(png).metadata()).exif).toBeDefined()
    const id = await uploadOneShot(h, png)
    const files = await filesOf(id)
    expect(files.map((file) => file.role)).toEqual(['orig', 'large', 'medium', 'small', 'thumb'])
    for (const file of files) {
      const meta = await sharp(await blobBytes(file.blobKey)).metadata()
      expect([file.role, meta.exif, meta.xmp]).toEqual([file.role, undefined, undefined])
    }
  })

  it('serves a WebP as JPEG while FINALIZE reports image/webp', async () => {
    const webp = await noise(300, 200).webp().toBuffer()
    const response = await oneShot(webp)
    const { id, image } = (response.json() as { data: { id: string; image: unknown } }).data
    expect(image).toEqual({ image_type: 'image/webp', w: 300, h: 200 })
    expect(await describeStored(id)).toEqual([
      'orig image/jpeg 300x200',
      'large image/jpeg 300x200',
      'medium image/jpeg 300x200',
      'small image/jpeg 300x200',
      'thumb image/jpeg 150x150',
    ])
  })

  it('makes a GIF uploaded as an image (no GIF category) a photo: a PNG orig', async () => {
    const id = await uploadOneShot(h, await gifBytes(8, 8))
    expect((await filesOf(id)).map((file) => `${file.role} ${file.contentType}`)).toEqual([
      'orig image/png',
      'large image/png',
      'medium image/png',
      'small image/png',
      'thumb image/png',
    ])
  })

  it('deletes the original segments of a chunked upload once the served files are committed', async () => {
    const jpeg = await noise(400, 300).jpeg({ quality: 95 }).toBuffer()
    const id = await uploadChunked(h, jpeg, 'image/jpeg', 'tweet_image', { segmentBytes: 16 * 1024 })
    expect(Math.ceil(jpeg.length / (16 * 1024))).toBeGreaterThan(1)
    expect(await h.stores.blobs.list(`uploads/${id}/`)).toEqual([])
    expect(await h.stores.metadata.listSegments(id)).toEqual([])
    expect((await describeStored(id))[0]).toBe('orig image/jpeg 400x300')
  })

  it('loses its served files with its segments when the reaper expires it', async () => {
    const id = await uploadOneShot(h, await pngBytes(800, 600))
    expect(await h.stores.blobs.list(`media/${id}/`)).toHaveLength(5)
    h.clock.advance(2 * 86_400_000)
    await new Reaper({ store: h.stores.metadata, blobs: h.stores.blobs, clock: h.clock }).sweep()
    expect([await h.stores.blobs.list(`media/${id}/`), await h.stores.blobs.list(`uploads/${id}/`)]).toEqual([[], []])
  })

  it('serves a BMP as uploaded: sharp cannot decode it, X accepts it', async () => {
    const id = await uploadOneShot(h, bmpBytes())
    const media = await h.stores.metadata.getMedia(id)
    expect([media?.state, media?.image, media?.files]).toEqual([
      'succeeded',
      { type: 'image/bmp', width: 2, height: 2 },
      [],
    ])
    // No served files: the uploaded original is what is served, so it stays.
    expect(await h.stores.metadata.listSegments(id)).toHaveLength(1)
    expect(await h.stores.blobs.list(`uploads/${id}/`)).toHaveLength(1)
  })
})

describe('refused photos', () => {
  it.each([10_000, 20_000])('refuses a %i² decompression bomb and stores nothing', async (size) => {
    const bomb = bombPng(size)
    expect(bomb.length).toBeLessThan(100_000)
    const response = await oneShot(bomb)
    expect([response.statusCode, response.json()]).toEqual([400, invalid(BOMB_MESSAGE)])
    expect(await h.stores.blobs.list('media/')).toEqual([])
  })

  it('refuses a bomb on v1.1 with the code 324 body X sends for image dimensions', async () => {
    const response = await h.send(
      'POST',
      '/1.1/media/upload.json',
      multipart({}, { name: 'media', bytes: bombPng(10_000) }),
    )
    expect([response.statusCode, response.json()]).toEqual([400, v1ErrorsBody(324, BOMB_MESSAGE)])
  })

  it('refuses a chunked upload whose pixels do not decode, leaving it open for a corrected APPEND', async () => {
    const png = await noise(200, 200).png().toBuffer()
    const truncated = png.subarray(0, png.length >> 1)
    const init = { media_type: 'image/png', total_bytes: truncated.length, media_category: 'tweet_image' }
    const initialized = await h.send('POST', '/2/media/upload/initialize', json(init))
    const { id } = (initialized.json() as { data: { id: string } }).data
    const body = multipart({ segment_index: '0' }, { name: 'media', bytes: truncated })
    await h.send('POST', `/2/media/upload/${id}/append`, body)
    const finalize = await h.send('POST', `/2/media/upload/${id}/finalize`)
    expect([finalize.statusCode, finalize.json()]).toEqual([400, invalid('media type unrecognized.')])
    const media = await h.stores.metadata.getMedia(id)
    expect([media?.state, await h.stores.blobs.list('media/')]).toEqual(['uploading', []])
  })
})
