/**
 * SEED4, developer.x.com's "Uploading media" tutorial for v1.1 `/1.1/media/upload.json`: a simple
 * PNG upload, then INIT (`additional_owners` in the query, the rest urlencoded as twurl's `-d`
 * sends it), APPEND of each `split` chunk as multipart (twurl `--file … --file-field media`),
 * FINALIZE and STATUS. twurl signs with OAuth 1.0a, which is later work, so each twurl line runs as
 * the equivalent curl with a bearer header, same path and parameters (the twurl line is above it).
 * Left out: statuses/update (posting is a later issue).
 */
import { copyFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { curl } from '../curl.js'
import { splitFile } from '../media.js'
import { pollUntilProcessed } from '../status-polling.js'
import { ABOUT_A_DAY_SECS, expectExactV1MediaId, expectServedPhoto, expectStoredBytes } from './expect-upload.js'
import type { SeedContext } from './seed-context.js'

/** "Files that are larger than 1MB (max chunk size) can be broken up into multiple chunks". */
const CHUNK_BYTES = 1024 * 1024
/** `split`'s output names: xaa, xab, … */
const splitName = (index: number) => `xa${String.fromCharCode(97 + index)}`

/** Registers SEED4's steps against the context's server. */
export function describeSeed4(context: SeedContext): void {
  const endpoint = (query = '') => `${context.server().url}/1.1/media/upload.json${query}`
  const auth = () => ['-H', `Authorization: Bearer ${context.server().token}`]

  describe('SEED4 v1.1 simple upload', () => {
    it('answers 200 with an exact numeric media_id and the PNG facts, and serves it, its original deleted', async () => {
      const png = join(context.scratchDir(), 'adsapi-heirarchy.png')
      await copyFile(context.media().png, png)
      // twurl -X POST -H upload.twitter.com "/1.1/media/upload.json" -f adsapi-heirarchy.png -F media
      const response = await curl(['-X', 'POST', endpoint(), ...auth(), '-F', `media=@${png}`])
      expect(response.status, response.body).toBe(200)
      expect(response.headers['content-type']).toMatch(/^application\/json/)
      const id = expectExactV1MediaId(response.body)
      expect(response.json()).toEqual({
        media_id: expect.any(Number),
        media_id_string: id,
        size: (await stat(png)).size,
        expires_after_secs: expect.any(Number),
        image: { image_type: 'image/png', w: 1000, h: 600 },
      })
      const { expires_after_secs } = response.json() as { expires_after_secs: number }
      expect(expires_after_secs).toBeGreaterThanOrEqual(ABOUT_A_DAY_SECS[0])
      expect(expires_after_secs).toBeLessThanOrEqual(ABOUT_A_DAY_SECS[1])
      await expectServedPhoto(context.server(), id, png, 'png')
    })
  })

  describe('SEED4 v1.1 chunked upload (amplify_video, additional_owners)', () => {
    let id = ''
    let chunkCount = 0

    it('INIT answers 202 with an exact numeric media_id and a media_key', async () => {
      const size = (await stat(context.media().mp4)).size
      // twurl -X POST -H upload.twitter.com "/1.1/media/upload.json?additional_owners=3805104374"
      //   -d "command=INIT&media_type=video/mp4&media_category=amplify_video&total_bytes=5678971"
      const response = await curl([
        ...['-X', 'POST', endpoint('?additional_owners=3805104374'), ...auth()],
        ...['-d', `command=INIT&media_type=video/mp4&media_category=amplify_video&total_bytes=${size}`],
      ])
      expect(response.status, response.body).toBe(202)
      id = expectExactV1MediaId(response.body)
      const body = response.json() as Record<string, unknown>
      // SEED4 shows 7_ here; spec §8.9 recommends 13_ for amplify_video, as SEED0 shows.
      expect(body).toEqual({
        media_id: expect.any(Number),
        media_id_string: id,
        media_key: `13_${id}`,
        expires_after_secs: expect.any(Number),
      })
      expect(body.expires_after_secs).toBeGreaterThan(0)
    })

    it('APPEND answers each split chunk with 204 and no body', async () => {
      const chunks = await splitFile(context.media().mp4, CHUNK_BYTES, context.scratchDir(), splitName)
      chunkCount = chunks.length
      for (const [index, chunk] of chunks.entries()) {
        // twurl -X POST -H upload.twitter.com "/1.1/media/upload.json"
        //   -d "command=APPEND&media_id=931263015239933952&segment_index=0" --file <chunk> --file-field "media"
        const response = await curl([
          ...['-X', 'POST', endpoint(), ...auth()],
          ...['-F', 'command=APPEND', '-F', `media_id=${id}`, '-F', `segment_index=${index}`, '-F', `media=@${chunk}`],
        ])
        expect(response.status, response.body).toBe(204)
        expect(response.body).toBe('')
      }
    })

    it('FINALIZE answers 201 with the size and pending processing', async () => {
      // twurl -X POST -H upload.twitter.com "/1.1/media/upload.json" -d "command=FINALIZE&media_id=931263015239933952"
      const response = await curl(['-X', 'POST', endpoint(), ...auth(), '-d', `command=FINALIZE&media_id=${id}`])
      expect(response.status, response.body).toBe(201)
      expect(expectExactV1MediaId(response.body)).toBe(id)
      expect(response.json()).toEqual({
        media_id: expect.any(Number),
        media_id_string: id,
        media_key: `13_${id}`,
        size: (await stat(context.media().mp4)).size,
        expires_after_secs: expect.any(Number),
        processing_info: { state: 'pending', check_after_secs: expect.any(Number) },
      })
      await expectStoredBytes(context.server(), id, context.media().mp4, chunkCount)
    })

    it('STATUS polls to succeeded with the video type', async () => {
      // twurl -t -X GET -H upload.twitter.com "/1.1/media/upload.json?command=STATUS&media_id=931263015239933952"
      const command = ['-X', 'GET', endpoint(`?command=STATUS&media_id=${id}`), ...auth()]
      const response = await pollUntilProcessed(command)
      expect(response.status, response.body).toBe(200)
      expect(expectExactV1MediaId(response.body)).toBe(id)
      expect(response.json()).toMatchObject({
        media_id_string: id,
        media_key: `13_${id}`,
        size: (await stat(context.media().mp4)).size,
        video: { video_type: 'video/mp4' },
        processing_info: { state: 'succeeded', progress_percent: 100 },
      })
    })
  })
}
