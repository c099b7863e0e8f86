/**
 * Catalogue codes of photos and subtitles (api-contract "Photos" and "Subtitles"): each provoked
 * over HTTP, with the exact v2 body (one-shot upload, `/2/media/subtitles`) and the exact v1.1 body
 * and status (`media/upload.json`, `subtitles/create.json`), snowflake ids as `<id>`. The table has
 * the shape error-rendering.test.ts reads from catalogue test files.
 */
import type { ErrorCode } from '@birdhouse/protocol'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type CatalogueEntry, type CatalogueProbe, itRendersBothDialects } from '../test-support/catalogue-probes.js'
import { bombPng } from '../test-support/image-fixtures.js'
import { uploadChunked, uploadOneShot } from '../test-support/post-fixtures.js'
import {
  form,
  invalidRequestProblem as invalid,
  json,
  mp4Bytes,
  multipart,
  openRouteHarness,
  type RouteHarness,
  v1ErrorsBody as v1Errors,
  v1Ids,
} from '../test-support/route-harness.js'

type Probe = CatalogueProbe<RouteHarness>
type Entry = CatalogueEntry<RouteHarness> & { v1: Probe }

const UNKNOWN_ID = '1234567890123456789'
const SRT = '1\n00:00:01,000 --> 00:00:02,000\nHello\n'
const BROKEN_SRT = '1\n00:00:01,000 --> 00:00:02,000\nHello\n\n2\nnonsense\n'
const BROKEN_REASON = 'Invalid subtitle file: line 6: malformed SRT cue timing "nonsense"'
const DIMENSIONS = 'Image dimensions must be >= 4x4 and <= 8192x8192'
const V1_CREATE = '/1.1/media/subtitles/create.json'

const oneShot = (h: RouteHarness, category: string, bytes: Buffer | string) =>
  h.send('POST', '/2/media/upload', multipart({ media_category: category }, { name: 'media', bytes }))

/** v1.1 chunked INIT + APPEND + FINALIZE of subtitle bytes; resolves to the FINALIZE response. */
async function v1ChunkedSubtitles(h: RouteHarness, text: string) {
  const fields = { command: 'INIT', media_type: 'text/srt', total_bytes: String(text.length) }
  const init = await h.send('POST', '/1.1/media/upload.json', form({ ...fields, media_category: 'subtitles' }))
  const mediaId = v1Ids(init).mediaIdString as string
  const append = { command: 'APPEND', media_id: mediaId, segment_index: '0' }
  await h.send('POST', '/1.1/media/upload.json', multipart(append, { name: 'media', bytes: text }))
  return h.send('POST', '/1.1/media/upload.json', form({ command: 'FINALIZE', media_id: mediaId }))
}

/** A subtitles upload that was initialized but never finalized. */
async function openSubtitles(h: RouteHarness): Promise<string> {
  const init = { media_type: 'text/srt', total_bytes: SRT.length, media_category: 'subtitles' }
  return ((await h.send('POST', '/2/media/upload/initialize', json(init))).json() as { data: { id: string } }).data.id
}

const video = async (h: RouteHarness) => uploadChunked(h, await mp4Bytes(), 'video/mp4', 'tweet_video')
const linkV2 = (h: RouteHarness, videoId: string, subtitleId: string) =>
  h.send(
    'POST',
    '/2/media/subtitles',
    json({ id: videoId, media_category: 'TweetVideo', subtitles: { id: subtitleId, language_code: 'EN' } }),
  )
const linkV1 = (h: RouteHarness, videoId: string, subtitleId: string) =>
  h.send(
    'POST',
    V1_CREATE,
    json({
      media_id: videoId,
      media_category: 'TweetVideo',
      subtitle_info: { subtitles: [{ media_id: subtitleId, language_code: 'EN', display_name: 'English' }] },
    }),
  )

/** Probes by code; `satisfies` rejects a misspelt code. */
const PROBES = {
  IMAGE_DIMENSIONS_INVALID: {
    v2: { provoke: (h) => oneShot(h, 'tweet_image', bombPng(10_000)), status: 400, body: invalid(DIMENSIONS) },
    v1: {
      provoke: (h) =>
        h.send('POST', '/1.1/media/upload.json', multipart({}, { name: 'media', bytes: bombPng(10_000) })),
      status: 400,
      body: v1Errors(324, DIMENSIONS),
    },
  },
  SUBTITLES_INVALID: {
    v2: { provoke: (h) => oneShot(h, 'subtitles', BROKEN_SRT), status: 400, body: invalid(BROKEN_REASON) },
    v1: {
      provoke: (h) => v1ChunkedSubtitles(h, BROKEN_SRT),
      status: 400,
      body: { request: '/1.1/media/upload.json', error: BROKEN_REASON },
    },
  },
  SUBTITLE_MEDIA_NOT_FOUND: {
    v2: {
      provoke: async (h) => linkV2(h, UNKNOWN_ID, await uploadOneShot(h, SRT, 'subtitles')),
      status: 400,
      body: invalid('BadRequest: Not found', { id: ['<id>'] }),
    },
    v1: {
      provoke: async (h) => linkV1(h, UNKNOWN_ID, await uploadOneShot(h, SRT, 'subtitles')),
      status: 404,
      body: v1Errors(34, 'Sorry, that page does not exist.'),
    },
  },
  UPLOAD_NOT_FINALIZED: {
    v2: {
      provoke: async (h) => linkV2(h, await video(h), await openSubtitles(h)),
      status: 400,
      body: invalid('Media id <id> has not been finalized.', { 'subtitles.id': ['<id>'] }),
    },
    v1: {
      provoke: async (h) => linkV1(h, await video(h), await openSubtitles(h)),
      status: 400,
      body: { request: V1_CREATE, error: 'Media id <id> has not been finalized.' },
    },
  },
} satisfies Partial<Record<ErrorCode, Entry>>

const entries = Object.entries(PROBES) as [ErrorCode, Entry][]

it('covers the photo and subtitle codes, and UPLOAD_NOT_FINALIZED, which only subtitles reach', () => {
  const expected = ['IMAGE_DIMENSIONS_INVALID', 'SUBTITLES_INVALID', 'SUBTITLE_MEDIA_NOT_FOUND', 'UPLOAD_NOT_FINALIZED']
  expect(entries.map(([code]) => code).sort()).toEqual(expected.sort())
})

describe.each(entries)('%s', (code, { v2, v1 }) => {
  let h: RouteHarness
  beforeEach(async () => {
    h = await openRouteHarness()
  })
  afterEach(async () => {
    await h.close()
  })

  itRendersBothDialects(code, { v2, v1 }, () => h)
})
