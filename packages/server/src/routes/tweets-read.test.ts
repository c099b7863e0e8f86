/**
 * Reading posts back (spec §10.3, cases 69–70): `GET /2/tweets/{id}` and `GET /2/tweets?ids=` with
 * default fields, `tweet.fields`, `expansions=attachments.media_keys` / `author_id` and
 * `media.fields`, checked field by field; X's partial `resource-not-found` errors; and
 * `DELETE /2/tweets/{id}`. The user timeline is in tweets-timeline.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MEDIA_LINK_AT_END, postWithMedia, uploadOneShot, uploadProcessed } from '../test-support/post-fixtures.js'
import {
  invalidRequestProblem as invalid,
  json,
  mediaTypeOf,
  mp4Bytes,
  openRouteHarness,
  pngBytes,
  type RouteHarness,
} from '../test-support/route-harness.js'

const UNKNOWN_ID = '1234567890123456789'
const PHOTO_FIELDS = 'media.fields=media_key,type,url,width,height,alt_text'

const notFound = (id: string, parameter: 'id' | 'ids') => ({
  value: id,
  detail: `Could not find tweet with ${parameter}: [${id}].`,
  title: 'Not Found Error',
  resource_type: 'tweet',
  parameter,
  resource_id: id,
  type: 'https://api.twitter.com/2/problems/resource-not-found',
})

let h: RouteHarness
beforeEach(async () => {
  h = await openRouteHarness()
})
afterEach(async () => {
  await h.close()
})

/** A posted 4×3 PNG with alt text; resolves to the post and media ids. */
async function photoPost(text = 'photo') {
  const mediaId = await uploadOneShot(h, await pngBytes(4, 3))
  await h.send('POST', '/2/media/metadata', json({ id: mediaId, metadata: { alt_text: { text: 'A dancing cat' } } }))
  const post = await postWithMedia(h, text, [mediaId])
  return { postId: post.id, mediaId, text: post.text }
}

const get = async (url: string) => {
  const response = await h.send('GET', url)
  expect([response.statusCode, mediaTypeOf(response)]).toEqual([200, 'application/json'])
  return response.json() as Record<string, unknown>
}

describe('GET /2/tweets/{id}', () => {
  it('answers the default fields only: id, text and edit_history_tweet_ids', async () => {
    const { postId, text } = await photoPost('hi')
    expect(await get(`/2/tweets/${postId}`)).toEqual({ data: { edit_history_tweet_ids: [postId], id: postId, text } })
    expect(text).toMatch(MEDIA_LINK_AT_END)
  })

  it('expands a photo with the requested media.fields (case 69)', async () => {
    const { postId, mediaId, text } = await photoPost()
    const body = await get(`/2/tweets/${postId}?expansions=attachments.media_keys&${PHOTO_FIELDS}`)
    expect(body).toEqual({
      data: { edit_history_tweet_ids: [postId], id: postId, text, attachments: { media_keys: [`3_${mediaId}`] } },
      includes: {
        media: [
          {
            media_key: `3_${mediaId}`,
            type: 'photo',
            url: `http://localhost:80/media/3_${mediaId}.png`,
            width: 4,
            height: 3,
            alt_text: 'A dancing cat',
          },
        ],
      },
    })
  })

  it('gives media_key and type only when media.fields is absent', async () => {
    const { postId, mediaId } = await photoPost()
    const body = (await get(`/2/tweets/${postId}?expansions=attachments.media_keys`)) as { includes: unknown }
    expect(body.includes).toEqual({ media: [{ media_key: `3_${mediaId}`, type: 'photo' }] })
  })

  it('builds media URLs on the host the client used, and serves the bytes there', async () => {
    const bytes = await pngBytes(4, 3)
    const mediaId = await uploadOneShot(h, bytes)
    const post = await postWithMedia(h, 'x', [mediaId])
    const response = await h.app.inject({
      url: `/2/tweets/${post.id}?expansions=attachments.media_keys&media.fields=url`,
      headers: { host: 'media.example.test', authorization: `Bearer ${h.token}` },
    })
    const url = (response.json() as { includes: { media: { url: string }[] } }).includes.media[0]?.url ?? ''
    expect(url).toBe(`http://media.example.test/media/3_${mediaId}.png`)
    const file = await h.app.inject({ url: new URL(url).pathname })
    expect(file.rawPayload.equals(bytes)).toBe(true)
  })

  it('shows attachments through tweet.fields without an expansion, and no includes', async () => {
    const { postId, mediaId } = await photoPost()
    const body = await get(`/2/tweets/${postId}?tweet.fields=attachments`)
    expect(body).toEqual({ data: expect.objectContaining({ attachments: { media_keys: [`3_${mediaId}`] } }) })
  })

  it('answers author_id and created_at on request, and the author under includes.users', async () => {
    const { postId } = await photoPost()
    const body = await get(`/2/tweets/${postId}?tweet.fields=author_id,created_at&expansions=author_id`)
    expect(body).toEqual({
      data: expect.objectContaining({ author_id: h.userId, created_at: new Date(h.clock.now()).toISOString() }),
      includes: { users: [{ id: h.userId, name: 'alice', username: 'alice' }] },
    })
  })

  it('answers 200 with a partial resource-not-found error for an unknown id', async () => {
    expect(await get(`/2/tweets/${UNKNOWN_ID}`)).toEqual({ errors: [notFound(UNKNOWN_ID, 'id')] })
  })

  it('refuses an id that is not numeric', async () => {
    const response = await h.send('GET', '/2/tweets/abc')
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual(
      invalid('The `id` parameter is invalid: must match ^[0-9]{1,19}$.', { id: ['abc'] }),
    )
  })
})

describe('GET /2/tweets?ids=', () => {
  it('answers the posts in the order asked, with each media once under includes', async () => {
    const first = await photoPost('one')
    const second = await postWithMedia(h, 'two', [first.mediaId])
    const body = await get(`/2/tweets?ids=${second.id},${first.postId}&expansions=attachments.media_keys`)
    expect(body).toEqual({
      data: [
        {
          edit_history_tweet_ids: [second.id],
          id: second.id,
          text: second.text,
          attachments: { media_keys: [`3_${first.mediaId}`] },
        },
        {
          edit_history_tweet_ids: [first.postId],
          id: first.postId,
          text: first.text,
          attachments: { media_keys: [`3_${first.mediaId}`] },
        },
      ],
      includes: { media: [{ media_key: `3_${first.mediaId}`, type: 'photo' }] },
    })
  })

  it('answers found posts under data and unknown ids as partial errors', async () => {
    const { postId } = await photoPost()
    const body = await get(`/2/tweets?ids=${postId},${UNKNOWN_ID}`)
    expect(body).toEqual({ data: [expect.objectContaining({ id: postId })], errors: [notFound(UNKNOWN_ID, 'ids')] })
  })

  it('answers only errors when no id exists', async () => {
    expect(await get(`/2/tweets?ids=${UNKNOWN_ID}`)).toEqual({ errors: [notFound(UNKNOWN_ID, 'ids')] })
  })

  it.each([
    ['no ids', '/2/tweets', invalid('The `ids` parameter is missing.', { ids: [] })],
    [
      '101 ids',
      `/2/tweets?ids=${Array.from({ length: 101 }, (_, i) => 1000 + i).join(',')}`,
      expect.objectContaining({ title: 'Invalid Request' }),
    ],
    [
      'a non-numeric id',
      '/2/tweets?ids=1,abc',
      invalid('The `ids` parameter is invalid: give 1 to 100 comma-separated post ids.', { ids: ['1', 'abc'] }),
    ],
  ])('refuses %s with 400', async (_name, url, body) => {
    const response = await h.send('GET', url)
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual(body)
  })
})

describe('a video post read back (case 70)', () => {
  it('gives duration_ms, the poster and the processed MP4 variants with bit_rate, each served at its URL', async () => {
    const worker = await openRouteHarness({ processing: true })
    try {
      const mediaId = await uploadProcessed(worker, await mp4Bytes({ seconds: 3 }), 'video/mp4', 'tweet_video')
      const post = await postWithMedia(worker, 'clip', [mediaId])
      const fields = 'media.fields=variants,duration_ms,preview_image_url,public_metrics,url,width,height'
      const response = await worker.send('GET', `/2/tweets/${post.id}?expansions=attachments.media_keys&${fields}`)
      const folder = `http://localhost:80/media/7_${mediaId}`
      expect((response.json() as { includes: unknown }).includes).toEqual({
        media: [
          {
            media_key: `7_${mediaId}`,
            type: 'video',
            width: 64,
            height: 48,
            duration_ms: 3000,
            preview_image_url: `${folder}/poster.jpg`,
            // No HLS playlist: birdhouse makes none (docs/api-contract.md "Media files").
            variants: [{ bit_rate: expect.any(Number), content_type: 'video/mp4', url: `${folder}/64x48.mp4` }],
          },
        ],
      })
      for (const [path, type] of [
        ['64x48.mp4', 'video/mp4'],
        ['poster.jpg', 'image/jpeg'],
      ]) {
        const file = await worker.app.inject({ url: `/media/7_${mediaId}/${path}` })
        expect([file.statusCode, mediaTypeOf(file)]).toEqual([200, type])
      }
    } finally {
      await worker.close()
    }
  })
})

describe('DELETE /2/tweets/{id}', () => {
  it('deletes the author\'s post: 200 {"data":{"deleted":true}}, then lookups report it missing', async () => {
    const { postId, mediaId } = await photoPost()
    const response = await h.send('DELETE', `/2/tweets/${postId}`)
    expect([response.statusCode, response.body]).toEqual([200, '{"data":{"deleted":true}}'])
    expect(await get(`/2/tweets/${postId}`)).toEqual({ errors: [notFound(postId, 'id')] })
    expect((await h.stores.metadata.getMedia(mediaId))?.pinned).toBe(true)
  })

  const deleteAs = (postId: string, other: boolean) =>
    h.send('DELETE', `/2/tweets/${postId}`, undefined, other ? h.otherToken : h.token)

  it.each([
    ['a post that does not exist', false, async () => UNKNOWN_ID],
    ["another user's post", true, async () => (await photoPost()).postId],
    [
      'a post deleted already',
      false,
      async () => {
        const { postId } = await photoPost()
        await deleteAs(postId, false)
        return postId
      },
    ],
  ])('answers 404 resource-not-found for %s', async (_name, other, target) => {
    const postId = await target()
    const response = await deleteAs(postId, other)
    expect([response.statusCode, mediaTypeOf(response)]).toEqual([404, 'application/problem+json'])
    expect(response.json()).toEqual({
      resource_type: 'tweet',
      resource_id: postId,
      parameter: 'id',
      value: postId,
      title: 'Not Found Error',
      type: 'https://api.twitter.com/2/problems/resource-not-found',
      status: 404,
      detail: `Could not find tweet with id: [${postId}].`,
    })
  })

  it("leaves another user's post in place after their refused DELETE", async () => {
    const { postId } = await photoPost()
    await deleteAs(postId, true)
    expect(await get(`/2/tweets/${postId}`)).toEqual({ data: expect.objectContaining({ id: postId }) })
  })
})
