/**
 * SEED3, the command-style `POST /2/media/upload` reference (early–mid 2025): `command`,
 * `media_id`, `total_bytes`, `media_type` and `media_category` are query parameters, and
 * `segment_index` (with `media`) is the multipart body, sent with the page's explicit
 * `Content-Type: multipart/form-data` header. The page's own example line sends only
 * `segment_index`, which lacks the required `command` and `media`, so it must be refused cleanly.
 */
import { stat } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { curl, docCommand } from '../curl.js'
import { splitFile } from '../media.js'
import { expectServedPhoto, expectStoredBytes, expectV2Problem, MEDIA_ID } from './expect-upload.js'
import type { SeedContext } from './seed-context.js'

const EXAMPLE = String.raw`curl --request POST \
  --url https://api.twitter.com/2/media/upload \
  --header 'Authorization: Bearer <token>' \
  --header 'Content-Type: multipart/form-data' \
  --form segment_index=123`

const CHUNK_BYTES = 1024 * 1024

/** Registers SEED3's steps against the context's server. */
export function describeSeed3(context: SeedContext): void {
  describe('SEED3 command style with query parameters (v2)', () => {
    const url = (query: string) => `${context.server().url}/2/media/upload?${query}`
    const auth = () => ['--header', `Authorization: Bearer ${context.server().token}`]
    const multipartHeader = ['--header', 'Content-Type: multipart/form-data']
    let id = ''
    let chunkCount = 0

    it('refuses the doc example as written (no command, no media) with a 400 invalid-request problem', async () => {
      const server = context.server()
      const response = await curl(docCommand(EXAMPLE, server.url, { '<token>': server.token }))
      expectV2Problem(response, 400, 'invalid-request')
    })

    it('INIT with every parameter in the query answers 202', async () => {
      const size = (await stat(context.media().mp4)).size
      const query = `command=INIT&total_bytes=${size}&media_type=video%2Fmp4&media_category=tweet_video`
      const response = await curl(['--request', 'POST', '--url', url(query), ...auth()])
      expect(response.status, response.body).toBe(202)
      const { data } = response.json() as { data: { id: string; media_key: string } }
      expect(data.id).toMatch(MEDIA_ID)
      id = data.id
      expect(data.media_key).toBe(`7_${id}`)
    })

    it('APPEND with command and media_id in the query and segment_index in the multipart body answers 204', async () => {
      const chunks = await splitFile(context.media().mp4, CHUNK_BYTES, context.scratchDir(), (i) => `seed3-${i}.bin`)
      chunkCount = chunks.length
      for (const [index, chunk] of chunks.entries()) {
        const response = await curl([
          ...['--request', 'POST', '--url', url(`command=APPEND&media_id=${id}`)],
          ...auth(),
          ...multipartHeader,
          ...['--form', `segment_index=${index}`, '--form', `media=@${chunk}`],
        ])
        expect(response.status, response.body).toBe(204)
      }
    })

    it('FINALIZE with the query only answers 201 with the size and pending processing', async () => {
      const response = await curl(['--request', 'POST', '--url', url(`command=FINALIZE&media_id=${id}`), ...auth()])
      expect(response.status, response.body).toBe(201)
      expect((response.json() as { data: unknown }).data).toMatchObject({
        id,
        media_key: `7_${id}`,
        size: (await stat(context.media().mp4)).size,
        processing_info: { state: 'pending' },
      })
      await expectStoredBytes(context.server(), id, context.media().mp4, chunkCount)
    })

    // The page's header on a request whose parameters are all in the query: curl then sends
    // `Content-Type: multipart/form-data` (no boundary) and no body. Spec §2/§13: accept params in
    // the query with any body form; an empty body has nothing to parse.
    it('INIT accepts the doc Content-Type: multipart/form-data header with an empty body', async () => {
      const query = 'command=INIT&total_bytes=1048576&media_type=video%2Fmp4&media_category=tweet_video'
      const response = await curl(['--request', 'POST', '--url', url(query), ...auth(), ...multipartHeader])
      expect(response.status, response.body).toBe(202)
    })

    it('FINALIZE accepts the doc Content-Type: multipart/form-data header with an empty body', async () => {
      const server = context.server()
      const { png } = context.media()
      const init = await curl([
        ...[
          '--request',
          'POST',
          '--url',
          url(`command=INIT&total_bytes=${(await stat(png)).size}&media_type=image%2Fpng`),
        ],
        ...auth(),
      ])
      expect(init.status, init.body).toBe(202)
      const pngId = (init.json() as { data: { id: string } }).data.id
      const append = await curl([
        ...['--request', 'POST', '--url', url(`command=APPEND&media_id=${pngId}`)],
        ...auth(),
        ...['--form', 'segment_index=0', '--form', `media=@${png}`],
      ])
      expect(append.status, append.body).toBe(204)
      const response = await curl([
        ...['--request', 'POST', '--url', url(`command=FINALIZE&media_id=${pngId}`)],
        ...auth(),
        ...multipartHeader,
      ])
      expect(response.status, response.body).toBe(201)
      expect((response.json() as { data: unknown }).data).toMatchObject({ id: pngId, image: { w: 1000, h: 600 } })
      await expectServedPhoto(server, pngId, png, 'png')
    })
  })
}
