/**
 * `POST /2/tweets` with photos (spec §10.1, cases 63–67): the 201 body, text counting, and the
 * rules every media id must meet (exists, usable by the poster directly or through
 * `additional_owners`, finalized, processed, unexpired, a Post category), each refused with X's
 * exact invalid-request body. GIFs and videos, which need a worker, are in tweets-create-video.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  createPost,
  MEDIA_LINK_AT_END,
  postWithMedia,
  uploadChunked,
  uploadOneShot,
} from '../test-support/post-fixtures.js'
import {
  blankProblem,
  invalidRequestProblem as invalid,
  jpegBytes,
  mediaTypeOf,
  mp4Bytes,
  openRouteHarness,
  pngBytes,
  type RouteHarness,
} from '../test-support/route-harness.js'

const DAY_MS = 86_400_000
const MEDIA_INVALID = 'Your media IDs are invalid.'
const UNKNOWN_ID = '1234567890123456789'

let h: RouteHarness
beforeEach(async () => {
  h = await openRouteHarness()
})
afterEach(async () => {
  await h.close()
})

const photo = async (as: Parameters<typeof uploadOneShot>[3] = {}) =>
  uploadOneShot(h, await pngBytes(), 'tweet_image', as)
const refusedIds = (ids: string[]) => invalid(MEDIA_INVALID, { 'media.media_ids': ids })

describe('a post with one photo (case 63)', () => {
  it('answers 201 application/json with id, text plus the t.co media link, and edit_history_tweet_ids', async () => {
    const mediaId = await photo()
    const response = await createPost(h, { text: 'hi', media: { media_ids: [mediaId] } })
    expect([response.statusCode, mediaTypeOf(response)]).toEqual([201, 'application/json'])
    const { data } = response.json() as { data: { id: string; text: string } }
    expect(data).toEqual({
      id: expect.stringMatching(/^[0-9]{1,19}$/),
      text: expect.any(String),
      edit_history_tweet_ids: [data.id],
    })
    expect(data.text).toMatch(new RegExp(`^hi ${MEDIA_LINK_AT_END.source}`))
    expect(Object.keys(data)).toEqual(['id', 'text', 'edit_history_tweet_ids'])
    // X escapes "/" in JSON strings (api-contract "Bodies").
    expect(response.body).toContain('"text":"hi https:\\/\\/t.co\\/')
  })

  it('gives a media-only post the media link as its whole text', async () => {
    const post = await postWithMedia(h, '', [await photo()])
    expect(post.text).toMatch(new RegExp(`^${MEDIA_LINK_AT_END.source}`))
  })

  it('leaves the text of a post without media as given', async () => {
    const response = await createPost(h, { text: 'just words' })
    expect(response.statusCode).toBe(201)
    expect((response.json() as { data: { text: string } }).data.text).toBe('just words')
  })

  it('takes tagged_user_ids next to media_ids', async () => {
    const body = { text: 'tagged', media: { media_ids: [await photo()], tagged_user_ids: [h.otherUserId] } }
    expect((await createPost(h, body)).statusCode).toBe(201)
  })

  it('refuses 11 tagged users (maxItems 10)', async () => {
    const tagged = Array.from({ length: 11 }, (_, i) => String(2244994945 + i))
    const response = await createPost(h, { text: 'x', media: { media_ids: [await photo()], tagged_user_ids: tagged } })
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual(
      invalid('The `media.tagged_user_ids` parameter is invalid: at most 10 users may be tagged.', {
        'media.tagged_user_ids': [],
      }),
    )
  })
  it('refuses a tagged user id that is not ^[0-9]{1,19}$, naming media.tagged_user_ids', async () => {
    const response = await createPost(h, { text: 'x', media: { media_ids: [await photo()], tagged_user_ids: ['abc'] } })
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual(
      invalid('The `media.tagged_user_ids` parameter is invalid: ids must match ^[0-9]{1,19}$.', {
        'media.tagged_user_ids': ['abc'],
      }),
    )
  })
})

describe('up to four photos', () => {
  it('accepts four photos (PNG and JPEG mixed), in the order given', async () => {
    const ids = [await photo(), await uploadOneShot(h, await jpegBytes()), await photo(), await photo()]
    const post = await postWithMedia(h, 'A few photos from today', ids)
    const stored = await h.stores.metadata.getTweet(post.id)
    expect(stored?.mediaIds).toEqual(ids)
  })

  it('refuses an empty media_ids with the minimum-items message (case 64)', async () => {
    const response = await createPost(h, { text: 'x', media: { media_ids: [] } })
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual(invalid('$.media.media_ids: there must be a minimum of 1 item in the array'))
  })

  it('refuses five ids with the maximum-items message (case 65)', async () => {
    const ids = [await photo(), await photo(), await photo(), await photo(), await photo()]
    const response = await createPost(h, { text: 'x', media: { media_ids: ids } })
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual(
      invalid('$.media.media_ids: there must be a maximum of 4 items in the array', { 'media.media_ids': ids }),
    )
  })
})

describe('ownership', () => {
  it('accepts media another user uploaded with the poster in additional_owners', async () => {
    const mediaId = await photo({ token: h.otherToken, additionalOwners: [h.userId] })
    const post = await postWithMedia(h, 'shared with me', [mediaId])
    expect((await h.stores.metadata.getTweet(post.id))?.authorId).toBe(h.userId)
  })

  it('accepts it through chunked INIT too (additional_owners as a JSON array)', async () => {
    const mediaId = await uploadChunked(h, await jpegBytes(), 'image/jpeg', 'tweet_image', {
      token: h.otherToken,
      additionalOwners: [h.userId],
    })
    expect((await createPost(h, { media: { media_ids: [mediaId] } })).statusCode).toBe(201)
  })

  it("refuses another user's media that does not list the poster, naming the id (case 66)", async () => {
    const mediaId = await photo({ token: h.otherToken, additionalOwners: ['2244994945'] })
    const response = await createPost(h, { text: 'not mine', media: { media_ids: [mediaId] } })
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual(refusedIds([mediaId]))
  })

  it('refuses an unknown id, naming only that id', async () => {
    const mine = await photo()
    const response = await createPost(h, { text: 'x', media: { media_ids: [mine, UNKNOWN_ID] } })
    expect(response.json()).toEqual(refusedIds([UNKNOWN_ID]))
  })
})

describe('state and expiry', () => {
  it('accepts media one second before its 24 h expiry', async () => {
    const mediaId = await photo()
    h.clock.advance(DAY_MS - 1000)
    expect((await createPost(h, { media: { media_ids: [mediaId] } })).statusCode).toBe(201)
  })

  it('refuses media that expired, naming the id', async () => {
    const mediaId = await photo()
    h.clock.advance(DAY_MS)
    const response = await createPost(h, { text: 'too late', media: { media_ids: [mediaId] } })
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual(refusedIds([mediaId]))
  })

  it('pins posted media: it stays usable after its expiry time', async () => {
    const mediaId = await photo()
    await postWithMedia(h, 'first', [mediaId])
    h.clock.advance(2 * DAY_MS)
    expect((await h.stores.metadata.getMedia(mediaId))?.pinned).toBe(true)
    expect((await createPost(h, { text: 'again', media: { media_ids: [mediaId] } })).statusCode).toBe(201)
  })

  it('refuses an upload that was never finalized', async () => {
    const init = await h.send('POST', '/2/media/upload/initialize', {
      payload: JSON.stringify({ media_type: 'image/png', total_bytes: 10 }),
      headers: { 'content-type': 'application/json' },
    })
    const mediaId = (init.json() as { data: { id: string } }).data.id
    expect((await createPost(h, { media: { media_ids: [mediaId] } })).json()).toEqual(refusedIds([mediaId]))
  })

  it('refuses a video whose processing is still pending (no worker runs here)', async () => {
    const mediaId = await uploadChunked(h, await mp4Bytes(), 'video/mp4', 'tweet_video')
    const response = await createPost(h, { text: 'wait', media: { media_ids: [mediaId] } })
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual(refusedIds([mediaId]))
  })

  it.each([
    ['a dm_image', async () => uploadOneShot(h, await pngBytes(), 'dm_image')],
    ['subtitles', async () => uploadOneShot(h, '1\n00:00:01,000 --> 00:00:02,000\nHi\n', 'subtitles')],
  ])('refuses %s (not a Post category)', async (_name, upload) => {
    const mediaId = await upload()
    const response = await createPost(h, { text: 'x', media: { media_ids: [mediaId] } })
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual(refusedIds([mediaId]))
  })
})

describe('the request body', () => {
  it('accepts 280 weighted characters plus media (the appended link does not count)', async () => {
    const post = await postWithMedia(h, '日'.repeat(140), [await photo()])
    expect(post.text.startsWith('日'.repeat(140))).toBe(true)
  })

  it('refuses 281 weighted characters', async () => {
    const response = await createPost(h, { text: 'a'.repeat(281) })
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual(
      invalid('$.text: Tweet text is too long. It is 281 weighted characters; the maximum is 280.', { text: [] }),
    )
  })

  it('refuses media with a poll (mutually exclusive, case 67)', async () => {
    const poll = { options: ['a', 'b'], duration_minutes: 60 }
    const response = await createPost(h, { text: 'x', media: { media_ids: [await photo()] }, poll })
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual(
      invalid('The `media` parameter is invalid: cannot be combined with poll.', { media: [] }),
    )
  })

  it('refuses an id that is not ^[0-9]{1,19}$', async () => {
    const response = await createPost(h, { text: 'x', media: { media_ids: ['abc'] } })
    expect(response.json()).toEqual(
      invalid('The `media.media_ids` parameter is invalid: ids must match ^[0-9]{1,19}$.', {
        'media.media_ids': ['abc'],
      }),
    )
  })

  it('refuses an unknown member of media (additionalProperties: false)', async () => {
    const response = await createPost(h, { text: 'x', media: { media_ids: [await photo()], alt: 'y' } })
    expect(response.json()).toEqual(invalid('The `media.alt` parameter is not allowed here.', { 'media.alt': [] }))
  })

  it('refuses a post with neither text nor media', async () => {
    const response = await createPost(h, {})
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual(invalid('Post text or media is required.'))
  })

  it('refuses a form body: v2 takes JSON only', async () => {
    const response = await h.send('POST', '/2/tweets', {
      payload: 'text=hi',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })
    expect(response.json()).toEqual(invalid('Requests with bodies must have content-type of application/json.'))
  })

  it('answers 401 without a token', async () => {
    const response = await h.send('POST', '/2/tweets', undefined, null)
    expect(response.json()).toEqual(blankProblem('Unauthorized', 401, 'Unauthorized'))
  })
})
