/**
 * SEED1, the dev.to walkthrough: a one-shot image upload with `media_type`, then a video through
 * the v2 dedicated endpoints (JSON initialize, multipart append in ~4.5 MB-style chunks, finalize)
 * and STATUS as `GET /2/media/upload?media_id=` without `command`.
 * Left out: the OAuth 2.0 PKCE and token-exchange curls (OAuth is later work; tokens come from
 * `birdhouse token`) and every POST /2/tweets (posting is a later issue).
 * The article shows bodies without `data` (`{"id": …}`); the spec (§5.3, §5.5) and every capture
 * wrap them in `data`, which is what is checked here.
 */
import { stat } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { curl, docCommand } from '../curl.js'
import { splitFile } from '../media.js'
import { pollUntilProcessed } from '../status-polling.js'
import { ABOUT_A_DAY_SECS, expectServedPhoto, expectStoredBytes, MEDIA_ID } from './expect-upload.js'
import type { SeedContext } from './seed-context.js'

const DOC_ID = '1234567890123456789'
/** The article's 4,718,592-byte (4.5 MB) chunks, scaled down 8× so the ~2.4 MB clip needs several. */
const CHUNK_BYTES = 4_718_592 / 8

const IMAGE = String.raw`curl -X POST "https://api.x.com/2/media/upload" \
  -H "Authorization: Bearer {access_token}" \
  -F "media=@/path/to/image.jpg" \
  -F "media_category=tweet_image" \
  -F "media_type=image/jpeg"`

const INITIALIZE = String.raw`curl -X POST "https://api.x.com/2/media/upload/initialize" \
  -H "Authorization: Bearer {access_token}" \
  -H "Content-Type: application/json" \
  -d '{
    "media_type": "video/mp4",
    "total_bytes": 15728640,
    "media_category": "tweet_video"
  }'`

const APPEND = String.raw`curl -X POST "https://api.x.com/2/media/upload/1234567890123456789/append" \
  -H "Authorization: Bearer {access_token}" \
  -F "segment_index=0" \
  -F "media=@/path/to/chunk_0.bin"`

const FINALIZE = String.raw`curl -X POST "https://api.x.com/2/media/upload/1234567890123456789/finalize" \
  -H "Authorization: Bearer {access_token}"`

const STATUS = String.raw`curl -X GET "https://api.x.com/2/media/upload?media_id=1234567890123456789" \
  -H "Authorization: Bearer {access_token}"`

/** Registers SEED1's steps against the context's server. */
export function describeSeed1(context: SeedContext): void {
  const fill = (text: string, more: Record<string, string> = {}) =>
    docCommand(text, context.server().url, { '{access_token}': context.server().token, ...more })

  describe('SEED1 image upload (v2 one-shot with media_type)', () => {
    it('answers 200 with the image under data and serves it, its original deleted', async () => {
      const { jpeg } = context.media()
      const response = await curl(fill(IMAGE, { '/path/to/image.jpg': jpeg }))
      expect(response.status, response.body).toBe(200)
      const { data } = response.json() as { data: Record<string, unknown> & { id: string } }
      expect(data.id).toMatch(MEDIA_ID)
      expect(data).toEqual({
        id: data.id,
        media_key: `3_${data.id}`,
        size: (await stat(jpeg)).size,
        expires_after_secs: expect.any(Number),
        image: { image_type: 'image/jpeg', w: 800, h: 450 },
      })
      expect(data.expires_after_secs).toBeGreaterThanOrEqual(ABOUT_A_DAY_SECS[0])
      await expectServedPhoto(context.server(), data.id, jpeg, 'jpg')
    })
  })

  describe('SEED1 video upload (v2 dedicated endpoints)', () => {
    let id = ''
    let chunkCount = 0

    it('initialize answers 200 with the id, a 7_ media key and a one-day window', async () => {
      const size = (await stat(context.media().mp4)).size
      const response = await curl(fill(INITIALIZE, { '"total_bytes": 15728640': `"total_bytes": ${size}` }))
      expect(response.status, response.body).toBe(200)
      const { data } = response.json() as { data: { id: string; media_key: string; expires_after_secs: number } }
      expect(data.id).toMatch(MEDIA_ID)
      id = data.id
      expect(data.media_key).toBe(`7_${id}`)
      expect(data.expires_after_secs).toBeGreaterThanOrEqual(ABOUT_A_DAY_SECS[0])
      expect(data.expires_after_secs).toBeLessThanOrEqual(ABOUT_A_DAY_SECS[1])
    })

    it('append takes every chunk with a 2xx (200 with data.expires_at in the future)', async () => {
      const chunks = await splitFile(context.media().mp4, CHUNK_BYTES, context.scratchDir(), (i) => `chunk_${i}.bin`)
      chunkCount = chunks.length
      expect(chunkCount).toBeGreaterThan(2)
      for (const [index, chunk] of chunks.entries()) {
        const response = await curl(
          fill(APPEND, { [DOC_ID]: id, 'segment_index=0': `segment_index=${index}`, '/path/to/chunk_0.bin': chunk }),
        )
        expect(response.status, response.body).toBe(200)
        const { data } = response.json() as { data: { expires_at: number } }
        expect(data.expires_at).toBeGreaterThan(Date.now() / 1000)
      }
    })

    it('finalize answers 2xx with the size and pending processing', async () => {
      const response = await curl(fill(FINALIZE, { [DOC_ID]: id }))
      expect(response.status, response.body).toBe(200)
      const { data } = response.json() as { data: Record<string, unknown> }
      expect(data).toEqual({
        id,
        media_key: `7_${id}`,
        size: (await stat(context.media().mp4)).size,
        expires_after_secs: expect.any(Number),
        processing_info: { state: 'pending', check_after_secs: expect.any(Number) },
      })
    })

    it('stores exactly the bytes of the file, one segment per chunk', async () => {
      await expectStoredBytes(context.server(), id, context.media().mp4, chunkCount)
    })

    it('STATUS without command polls to succeeded', async () => {
      const response = await pollUntilProcessed(fill(STATUS, { [DOC_ID]: id }))
      expect(response.status, response.body).toBe(200)
      expect((response.json() as { data: unknown }).data).toMatchObject({
        id,
        media_key: `7_${id}`,
        video: { video_type: 'video/mp4' },
        processing_info: { state: 'succeeded', progress_percent: 100 },
      })
    })
  })
}
