/**
 * FINALIZE of `subtitles` uploads (issue 4, item 5; case 56): SRT and WebVTT files are parsed, so a
 * valid one succeeds at once and a broken one is refused with the parser's account of the fault,
 * in each upload style.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { uploadChunked } from '../test-support/post-fixtures.js'
import {
  form,
  invalidRequestProblem as invalid,
  json,
  multipart,
  openRouteHarness,
  type RouteHarness,
  v1Ids,
} from '../test-support/route-harness.js'

const SRT = '\uFEFF1\r\n00:00:01,000 --> 00:00:02,000\r\nHello\r\n\r\n2\r\n00:00:03,000 --> 00:00:04,500\r\nWorld\r\n'
const VTT =
  'WEBVTT\n\nNOTE a comment\n\n00:01.000 --> 00:02.000 align:start\nHello\n\nid-2\n00:00:03.000 --> 00:00:04.000\nWorld\n'
const BROKEN: readonly (readonly [string, string, string])[] = [
  [
    'an SRT cue with a malformed timing line',
    '1\n00:00:01,000 --> 00:00:02,000\nHello\n\n2\n00:00:03,000 -> 00:00:04,000\nWorld\n',
    'line 6: malformed SRT cue timing "00:00:03,000 -> 00:00:04,000"',
  ],
  [
    'an SRT cue that ends before it starts',
    '1\n00:00:01,000 --> 00:00:02,000\nHello\n\n2\n00:00:05,000 --> 00:00:04,000\nWorld\n',
    'line 6: cue ends at 4 s, before it starts at 5 s',
  ],
  [
    'a WebVTT block that is no cue',
    'WEBVTT\n\n00:01.000 --> 00:02.000\nHello\n\nnot a cue\n',
    'line 6: expected a cue timing line, found "not a cue"',
  ],
]

let h: RouteHarness
beforeEach(async () => {
  h = await openRouteHarness()
})
afterEach(async () => {
  await h.close()
})

const oneShot = (bytes: string) =>
  h.send('POST', '/2/media/upload', multipart({ media_category: 'subtitles' }, { name: 'media', bytes }))

describe('FINALIZE of a subtitles upload', () => {
  it.each([
    ['SRT (BOM, CRLF)', SRT],
    ['WebVTT (NOTE block, cue id, settings)', VTT],
  ])('takes a valid %s file at once: no processing, no image (case 56)', async (_name, text) => {
    const response = await oneShot(text)
    expect(response.statusCode).toBe(200)
    const data = (response.json() as { data: Record<string, unknown> }).data
    expect(data.media_key).toBe(`18_${data.id}`)
    expect([data.processing_info, data.image]).toEqual([undefined, undefined])
    const media = await h.stores.metadata.getMedia(String(data.id))
    expect([media?.state, media?.files]).toEqual(['succeeded', []])
  })

  it.each(BROKEN)('refuses %s, naming the line', async (_name, text, reason) => {
    const response = await oneShot(text)
    expect([response.statusCode, response.json()]).toEqual([400, invalid(`Invalid subtitle file: ${reason}`)])
  })

  it('takes a valid chunked file, and refuses a broken one at the dedicated finalize, leaving it open', async () => {
    const id = await uploadChunked(h, Buffer.from(SRT), 'text/srt', 'subtitles')
    expect((await h.stores.metadata.getMedia(id))?.state).toBe('succeeded')
    const [, broken, reason] = BROKEN[0] as (typeof BROKEN)[number]
    const init = await h.send(
      'POST',
      '/2/media/upload/initialize',
      json({ media_type: 'text/srt', total_bytes: broken.length, media_category: 'subtitles' }),
    )
    const brokenId = (init.json() as { data: { id: string } }).data.id
    const segment = multipart({ segment_index: '0' }, { name: 'media', bytes: broken })
    await h.send('POST', `/2/media/upload/${brokenId}/append`, segment)
    const finalize = await h.send('POST', `/2/media/upload/${brokenId}/finalize`)
    expect([finalize.statusCode, finalize.json()]).toEqual([400, invalid(`Invalid subtitle file: ${reason}`)])
    expect((await h.stores.metadata.getMedia(brokenId))?.state).toBe('uploading')
  })

  it('answers v1.1 chunked FINALIZE of a broken file with the upload endpoint body', async () => {
    const [, broken, reason] = BROKEN[1] as (typeof BROKEN)[number]
    const init = await h.send(
      'POST',
      '/1.1/media/upload.json',
      form({
        command: 'INIT',
        media_type: 'application/x-subrip',
        total_bytes: String(broken.length),
        media_category: 'subtitles',
      }),
    )
    const mediaId = v1Ids(init).mediaIdString as string
    const append = multipart(
      { command: 'APPEND', media_id: mediaId, segment_index: '0' },
      { name: 'media', bytes: broken },
    )
    expect((await h.send('POST', '/1.1/media/upload.json', append)).statusCode).toBe(204)
    const finalize = await h.send('POST', '/1.1/media/upload.json', form({ command: 'FINALIZE', media_id: mediaId }))
    expect([finalize.statusCode, finalize.json()]).toEqual([
      400,
      { request: '/1.1/media/upload.json', error: `Invalid subtitle file: ${reason}` },
    ])
  })
})
