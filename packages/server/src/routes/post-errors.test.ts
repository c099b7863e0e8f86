/**
 * Catalogue codes of posting and alt text (spec §7.3, api-contract "Posts"): every POST_* code,
 * ALT_TEXT_TOO_LONG and POST_NOT_FOUND provoked over HTTP, with the exact v2 body on
 * `/2/tweets` / `/2/media/metadata` and the exact v1.1 body and status on `statuses/update.json` /
 * `metadata/create.json` (snowflake ids as `<id>`). Entries that need processed GIFs or videos run
 * with a worker. The table has the shape error-rendering.test.ts reads from catalogue test files.
 */
import { ERROR_CODES, type ErrorCode } from '@birdhouse/protocol'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type CatalogueEntry, itRendersBothDialects } from '../test-support/catalogue-probes.js'
import {
  animatedGifBytes,
  createPost,
  statusesUpdate,
  uploadChunked,
  uploadOneShot,
  uploadProcessed,
} from '../test-support/post-fixtures.js'
import {
  blankProblem as blank,
  invalidRequestProblem as invalid,
  json,
  mp4Bytes,
  openRouteHarness,
  pngBytes,
  type RouteHarness,
  v1ErrorsBody as v1Errors,
} from '../test-support/route-harness.js'

type Entry = CatalogueEntry<RouteHarness> & { worker?: true }

const UNKNOWN_ID = '1234567890123456789'
const INVALID_IDS = 'Your media IDs are invalid.'
const ids = (count: number) => ({ 'media.media_ids': Array.from({ length: count }, () => '<id>') })

const photo = async (h: RouteHarness) => uploadOneShot(h, await pngBytes())
const dmImage = async (h: RouteHarness) => uploadOneShot(h, await pngBytes(), 'dm_image')
const pendingVideo = async (h: RouteHarness) => uploadChunked(h, await mp4Bytes(), 'video/mp4', 'tweet_video')
const gif = async (h: RouteHarness) => uploadProcessed(h, await animatedGifBytes(), 'image/gif', 'tweet_gif')
const video = async (h: RouteHarness) => uploadProcessed(h, await mp4Bytes(), 'video/mp4', 'tweet_video')
/** A pending tweet_video given the facts a worker records for a 21-minute clip (no real clip passes processing). */
async function longVideo(h: RouteHarness) {
  const id = await pendingVideo(h)
  const facts = { width: 64, height: 48, durationMs: 21 * 60_000 }
  await h.stores.metadata.updateProcessing(id, { state: 'succeeded', progressPercent: 100, error: null, video: facts })
  return id
}

const postV2 = async (h: RouteHarness, mediaIds: string[], text = 'x') =>
  createPost(h, { text, media: { media_ids: mediaIds } })
const postV1 = async (h: RouteHarness, mediaIds: string[], status = 'x') =>
  statusesUpdate(h, { status, media_ids: mediaIds.join(',') })
const altText = (h: RouteHarness, id: string) =>
  h.send('POST', '/2/media/metadata', json({ id, metadata: { alt_text: { text: 'a'.repeat(1001) } } }))
const altTextV1 = (h: RouteHarness, id: string) =>
  h.send('POST', '/1.1/media/metadata/create.json', json({ media_id: id, alt_text: { text: 'a'.repeat(1001) } }))

/** Probes by code; `satisfies` rejects a misspelt code. */
const PROBES = {
  POST_MEDIA_NOT_FOUND: {
    v2: { provoke: (h) => postV2(h, [UNKNOWN_ID]), status: 400, body: invalid(INVALID_IDS, ids(1)) },
    v1: { provoke: (h) => postV1(h, [UNKNOWN_ID]), status: 400, body: v1Errors(325, 'A media id was not found.') },
  },
  POST_MEDIA_INVALID: {
    v2: { provoke: async (h) => postV2(h, [await dmImage(h)]), status: 400, body: invalid(INVALID_IDS, ids(1)) },
    v1: {
      provoke: async (h) => postV1(h, [await dmImage(h)]),
      status: 400,
      body: v1Errors(324, 'The validation of media ids failed.'),
    },
  },
  POST_MEDIA_NOT_READY: {
    v2: { provoke: async (h) => postV2(h, [await pendingVideo(h)]), status: 400, body: invalid(INVALID_IDS, ids(1)) },
    v1: {
      provoke: async (h) => postV1(h, [await pendingVideo(h)]),
      status: 400,
      body: v1Errors(324, 'Not valid video'),
    },
  },
  POST_MEDIA_TOO_FEW: {
    v2: {
      provoke: (h) => postV2(h, []),
      status: 400,
      body: invalid('$.media.media_ids: there must be a minimum of 1 item in the array'),
    },
    v1: {
      provoke: (h) => statusesUpdate(h, { status: 'x', media_ids: ',' }),
      status: 400,
      body: v1Errors(44, 'media_ids parameter is invalid.'),
    },
  },
  POST_MEDIA_TOO_MANY: {
    v2: {
      provoke: (h) =>
        postV2(
          h,
          Array.from({ length: 5 }, (_, i) => `123456789012345678${i}`),
        ),
      status: 400,
      body: invalid('$.media.media_ids: there must be a maximum of 4 items in the array', ids(5)),
    },
    v1: {
      provoke: (h) =>
        postV1(
          h,
          Array.from({ length: 5 }, (_, i) => `123456789012345678${i}`),
        ),
      status: 400,
      body: v1Errors(324, 'Tweet must not have more than 4 mediaIds.'),
    },
  },
  POST_MEDIA_GIF_MIXED: {
    worker: true,
    v2: {
      provoke: async (h) => postV2(h, [await gif(h), await photo(h)]),
      status: 400,
      body: invalid(INVALID_IDS, ids(2)),
    },
    v1: {
      provoke: async (h) => postV1(h, [await gif(h), await photo(h)]),
      status: 400,
      body: v1Errors(323, 'Animated GIFs are not allowed when uploading multiple images.'),
    },
  },
  POST_MEDIA_TYPES_MIXED: {
    worker: true,
    v2: {
      provoke: async (h) => postV2(h, [await video(h), await photo(h)]),
      status: 400,
      body: invalid(INVALID_IDS, ids(2)),
    },
    v1: {
      provoke: async (h) => postV1(h, [await video(h), await photo(h)]),
      status: 403,
      body: v1Errors(386, 'The Post exceeds the number of allowed attachment types.'),
    },
  },
  POST_VIDEO_TOO_LONG: {
    v2: {
      provoke: async (h) => postV2(h, [await longVideo(h)]),
      status: 403,
      body: blank('Forbidden', 403, 'This user is not allowed to post a video longer than 20 minutes.'),
    },
    v1: { provoke: async (h) => postV1(h, [await longVideo(h)]), status: 403, body: v1Errors(324, 'Not valid video') },
  },
  POST_TEXT_TOO_LONG: {
    v2: {
      provoke: (h) => createPost(h, { text: 'a'.repeat(281) }),
      status: 400,
      body: invalid('$.text: Tweet text is too long. It is 281 weighted characters; the maximum is 280.', { text: [] }),
    },
    v1: {
      provoke: (h) => statusesUpdate(h, { status: 'a'.repeat(281) }),
      status: 403,
      body: v1Errors(186, 'Tweet needs to be a bit shorter.'),
    },
  },
  POST_EMPTY: {
    v2: { provoke: (h) => createPost(h, { text: '' }), status: 400, body: invalid('Post text or media is required.') },
    v1: {
      provoke: (h) => statusesUpdate(h, { status: '' }),
      status: 400,
      body: v1Errors(170, 'Missing required parameter: status.'),
    },
  },
  POST_NOT_FOUND: {
    v2: {
      provoke: (h) => h.send('DELETE', `/2/tweets/${UNKNOWN_ID}`),
      status: 404,
      body: {
        resource_type: 'tweet',
        resource_id: '<id>',
        parameter: 'id',
        value: '<id>',
        title: 'Not Found Error',
        type: 'https://api.twitter.com/2/problems/resource-not-found',
        status: 404,
        detail: 'Could not find tweet with id: [<id>].',
      },
    },
    v1: { unreachable: 'birdhouse has no v1.1 statuses/destroy or statuses/show route' },
  },
  ALT_TEXT_TOO_LONG: {
    v2: {
      provoke: async (h) => altText(h, await photo(h)),
      status: 400,
      body: invalid('$.metadata.alt_text.text: must be at most 1000 characters', { 'metadata.alt_text.text': [] }),
    },
    v1: {
      provoke: async (h) => altTextV1(h, await photo(h)),
      status: 400,
      body: v1Errors(44, 'alt_text parameter is invalid.'),
    },
  },
} satisfies Partial<Record<ErrorCode, Entry>>

const entries = Object.entries(PROBES) as [ErrorCode, Entry][]

it('covers every POST_* code, ALT_TEXT_TOO_LONG and nothing else', () => {
  const expected = Object.keys(ERROR_CODES).filter((code) => code.startsWith('POST_') || code === 'ALT_TEXT_TOO_LONG')
  expect(entries.map(([code]) => code).sort()).toEqual(expected.sort())
})

describe.each(entries)('%s', (code, { v2, v1, worker }) => {
  let h: RouteHarness
  beforeEach(async () => {
    h = await openRouteHarness({ processing: worker === true })
  })
  afterEach(async () => {
    await h.close()
  })

  itRendersBothDialects(code, { v2, v1 }, () => h)
})
