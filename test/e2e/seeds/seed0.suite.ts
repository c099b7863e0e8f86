/**
 * SEED0, docs.x.com's chunked-upload quickstart: the v2 command style (multipart `command=INIT`,
 * `APPEND`, `FINALIZE` on `/2/media/upload`, then `GET …?command=STATUS`) with `amplify_video`.
 * The doc declares `total_bytes=1048576`, so the file is a real MP4 padded to exactly that size.
 * Step 5 (POST /2/tweets) is left out: posting is a later issue.
 */
import { describe, expect, it } from 'vitest'
import { curl, docCommand } from '../curl.js'
import { splitFile } from '../media.js'
import { pollUntilProcessed } from '../status-polling.js'
import { ABOUT_A_DAY_SECS, expectStoredBytes, MEDIA_ID } from './expect-upload.js'
import type { SeedContext } from './seed-context.js'

const DOC_ID = '1880028106020515840'

const INIT = String.raw`curl -X POST "https://api.x.com/2/media/upload" \
  -H "Authorization: Bearer $USER_ACCESS_TOKEN" \
  -H "Content-Type: multipart/form-data" \
  -F "command=INIT" \
  -F "media_type=video/mp4" \
  -F "total_bytes=1048576" \
  -F "media_category=amplify_video"`

const APPEND = String.raw`curl -X POST "https://api.x.com/2/media/upload" \
  -H "Authorization: Bearer $USER_ACCESS_TOKEN" \
  -H "Content-Type: multipart/form-data" \
  -F "command=APPEND" \
  -F "media_id=1880028106020515840" \
  -F "segment_index=0" \
  -F "media=@/path/to/chunk1.mp4"`

const FINALIZE = String.raw`curl -X POST "https://api.x.com/2/media/upload" \
  -H "Authorization: Bearer $USER_ACCESS_TOKEN" \
  -H "Content-Type: multipart/form-data" \
  -F "command=FINALIZE" \
  -F "media_id=1880028106020515840"`

const STATUS = String.raw`curl "https://api.x.com/2/media/upload?command=STATUS&media_id=1880028106020515840" \
  -H "Authorization: Bearer $USER_ACCESS_TOKEN"`

/** Registers SEED0's steps against the context's server. */
export function describeSeed0(context: SeedContext): void {
  describe('SEED0 chunked quickstart (v2 command style, amplify_video)', () => {
    let id = ''
    const fill = (text: string, more: Record<string, string> = {}) =>
      docCommand(text, context.server().url, { $USER_ACCESS_TOKEN: context.server().token, ...more })

    it('INIT answers 202 with the id, a 13_ media key and the 15-day amplify window', async () => {
      const response = await curl(fill(INIT))
      expect(response.status, response.body).toBe(202)
      const { data } = response.json() as { data: { id: string; media_key: string; expires_after_secs: number } }
      expect(data.id).toMatch(MEDIA_ID)
      id = data.id
      expect(data.media_key).toBe(`13_${id}`)
      // The doc shows 1295999: 15 days less the time the request took.
      expect(data.expires_after_secs).toBeGreaterThanOrEqual(1_295_990)
      expect(data.expires_after_secs).toBeLessThanOrEqual(1_296_000)
      expect(Object.keys(data).sort()).toEqual(['expires_after_secs', 'id', 'media_key'])
    })

    it('APPEND answers each of three chunks with an empty 2xx', async () => {
      // "split a 3 MB file into 3 chunks", here the 1 MiB file into 3.
      const chunks = await splitFile(
        context.media().mp4OneMiB,
        349_526,
        context.scratchDir(),
        (i) => `chunk${i + 1}.mp4`,
      )
      expect(chunks).toHaveLength(3)
      for (const [index, chunk] of chunks.entries()) {
        const response = await curl(
          fill(APPEND, { [DOC_ID]: id, 'segment_index=0': `segment_index=${index}`, '/path/to/chunk1.mp4': chunk }),
        )
        expect(response.status, response.body).toBe(204)
        expect(response.body).toBe('')
      }
    })

    it('FINALIZE answers 201 with size 1048576 and pending processing', async () => {
      const response = await curl(fill(FINALIZE, { [DOC_ID]: id }))
      expect(response.status, response.body).toBe(201)
      const { data } = response.json() as { data: Record<string, unknown> }
      expect(data).toEqual({
        id,
        media_key: `13_${id}`,
        size: 1_048_576,
        expires_after_secs: expect.any(Number),
        processing_info: { state: 'pending', check_after_secs: 1 },
      })
      expect(data.expires_after_secs).toBeGreaterThanOrEqual(ABOUT_A_DAY_SECS[0])
      expect(data.expires_after_secs).toBeLessThanOrEqual(ABOUT_A_DAY_SECS[1])
    })

    it('stores exactly the bytes of the file, as segments 0-2', async () => {
      await expectStoredBytes(context.server(), id, context.media().mp4OneMiB, 3)
    })

    it('STATUS polls to succeeded with the video type', async () => {
      const response = await pollUntilProcessed(fill(STATUS, { [DOC_ID]: id }))
      expect(response.status, response.body).toBe(200)
      const { data } = response.json() as { data: Record<string, unknown> }
      expect(data).toMatchObject({
        id,
        media_key: `13_${id}`,
        size: 1_048_576,
        video: { video_type: 'video/mp4' },
        processing_info: { state: 'succeeded', progress_percent: 100 },
      })
    })
  })
}
