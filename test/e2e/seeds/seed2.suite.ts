/**
 * SEED2, the `POST /2/media/upload/initialize` reference page: its generated curl, JSON body with
 * `additional_owners` and `shared: true` included, must be accepted, both verbatim (8 GiB
 * declared, within the default tweet_video limit) and sized to a real file that is then appended
 * (dedicated append, as in SEED1) and finalized.
 */
import { stat } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { curl, docCommand } from '../curl.js'
import { splitFile } from '../media.js'
import { ABOUT_A_DAY_SECS, expectStoredBytes, MEDIA_ID } from './expect-upload.js'
import type { SeedContext } from './seed-context.js'

const INITIALIZE = String.raw`curl --request POST \
  --url https://api.x.com/2/media/upload/initialize \
  --header 'Authorization: Bearer <token>' \
  --header 'Content-Type: application/json' \
  --data '
{
  "additional_owners": [
    "2244994945"
  ],
  "media_category": "tweet_video",
  "media_type": "video/mp4",
  "shared": true,
  "total_bytes": 8589934592
}
'`

const CHUNK_BYTES = 1024 * 1024

/** Registers SEED2's steps against the context's server. */
export function describeSeed2(context: SeedContext): void {
  describe('SEED2 initialize reference (JSON with additional_owners and shared)', () => {
    const fill = (more: Record<string, string> = {}) =>
      docCommand(INITIALIZE, context.server().url, { '<token>': context.server().token, ...more })
    let id = ''

    it('accepts the doc body verbatim (8 GiB declared) with 200 and an upload object', async () => {
      const response = await curl(fill())
      expect(response.status, response.body).toBe(200)
      const { data } = response.json() as { data: { id: string; media_key: string; expires_after_secs: number } }
      expect(data.id).toMatch(MEDIA_ID)
      expect(data.media_key).toBe(`7_${data.id}`)
      expect(data.expires_after_secs).toBeGreaterThanOrEqual(ABOUT_A_DAY_SECS[0])
    })

    it('accepts the doc body sized to a real file', async () => {
      const size = (await stat(context.media().mp4)).size
      const response = await curl(fill({ '"total_bytes": 8589934592': `"total_bytes": ${size}` }))
      expect(response.status, response.body).toBe(200)
      const { data } = response.json() as { data: { id: string; media_key: string } }
      expect(data.id).toMatch(MEDIA_ID)
      id = data.id
      expect(data.media_key).toBe(`7_${id}`)
    })

    it('completes that upload: append, finalize with the declared size, bytes stored intact', async () => {
      const { server, media } = { server: context.server(), media: context.media() }
      const chunks = await splitFile(media.mp4, CHUNK_BYTES, context.scratchDir(), (i) => `seed2-${i}.bin`)
      for (const [index, chunk] of chunks.entries()) {
        const response = await curl([
          ...['-X', 'POST', `${server.url}/2/media/upload/${id}/append`],
          ...['-H', `Authorization: Bearer ${server.token}`],
          ...['-F', `segment_index=${index}`, '-F', `media=@${chunk}`],
        ])
        expect(response.status, response.body).toBe(200)
      }
      const finalize = await curl([
        ...['-X', 'POST', `${server.url}/2/media/upload/${id}/finalize`],
        ...['-H', `Authorization: Bearer ${server.token}`],
      ])
      expect(finalize.status, finalize.body).toBe(200)
      expect((finalize.json() as { data: unknown }).data).toMatchObject({
        id,
        size: (await stat(media.mp4)).size,
        processing_info: { state: 'pending' },
      })
      await expectStoredBytes(server, id, media.mp4, chunks.length)
    })
  })
}
