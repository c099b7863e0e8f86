/**
 * `GET /2/users/{id}/tweets`: a user's posts newest first, `max_results` (5–100, default 10),
 * opaque `pagination_token`s with `meta.next_token`, `until_id`, expansions, and refusals.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createPost, postWithMedia, uploadOneShot } from '../test-support/post-fixtures.js'
import {
  invalidRequestProblem as invalid,
  openRouteHarness,
  pngBytes,
  type RouteHarness,
} from '../test-support/route-harness.js'

type Page = {
  data?: { id: string; text: string }[]
  includes?: unknown
  meta: { result_count: number; newest_id?: string; oldest_id?: string; next_token?: string }
}

let h: RouteHarness
beforeEach(async () => {
  h = await openRouteHarness()
})
afterEach(async () => {
  await h.close()
})

/** Posts `count` text posts as the first user, a second apart; resolves to their ids, oldest first. */
async function postMany(count: number, token = h.token): Promise<string[]> {
  const ids: string[] = []
  for (let i = 0; i < count; i++) {
    h.clock.advance(1000)
    const response = await createPost(h, { text: `post ${i}` }, token)
    ids.push((response.json() as { data: { id: string } }).data.id)
  }
  return ids
}

const page = async (query: string, userId = h.userId): Promise<Page> => {
  const response = await h.send('GET', `/2/users/${userId}/tweets${query}`)
  expect(response.statusCode, response.body).toBe(200)
  return response.json() as Page
}

describe('GET /2/users/{id}/tweets', () => {
  it('lists the posts newest first, ten by default, with newest_id, oldest_id and result_count', async () => {
    const ids = await postMany(3)
    const body = await page('')
    expect(body.data?.map((p) => p.id)).toEqual([...ids].reverse())
    expect(body.data?.[0]).toEqual({ edit_history_tweet_ids: [ids[2]], id: ids[2], text: 'post 2' })
    expect(body.meta).toEqual({ result_count: 3, newest_id: ids[2], oldest_id: ids[0] })
  })

  it('pages with max_results and next_token until the last page, which has none', async () => {
    const ids = (await postMany(12)).reverse()
    const first = await page('?max_results=5')
    expect(first.data?.map((p) => p.id)).toEqual(ids.slice(0, 5))
    expect(first.meta).toEqual({
      result_count: 5,
      newest_id: ids[0],
      oldest_id: ids[4],
      next_token: expect.any(String),
    })
    const second = await page(`?max_results=5&pagination_token=${first.meta.next_token}`)
    expect(second.data?.map((p) => p.id)).toEqual(ids.slice(5, 10))
    const third = await page(`?max_results=5&pagination_token=${second.meta.next_token}`)
    expect(third.data?.map((p) => p.id)).toEqual(ids.slice(10))
    expect(third.meta).toEqual({ result_count: 2, newest_id: ids[10], oldest_id: ids[11] })
  })

  it('gives no next_token when the page is exactly full and nothing older exists', async () => {
    await postMany(5)
    expect((await page('?max_results=5')).meta.next_token).toBeUndefined()
  })

  it('lists only posts older than until_id', async () => {
    const ids = await postMany(4)
    expect((await page(`?until_id=${ids[2]}`)).data?.map((p) => p.id)).toEqual([ids[1], ids[0]])
  })

  it("lists only that user's posts", async () => {
    const mine = await postMany(2)
    const theirs = await postMany(1, h.otherToken)
    expect((await page('', h.otherUserId)).data?.map((p) => p.id)).toEqual(theirs)
    expect((await page('')).data?.map((p) => p.id)).toEqual([...mine].reverse())
  })

  it('answers {"meta":{"result_count":0}} for a user without posts', async () => {
    expect(await page('', h.otherUserId)).toEqual({ meta: { result_count: 0 } })
  })

  it('leaves deleted posts out', async () => {
    const ids = await postMany(3)
    await h.send('DELETE', `/2/tweets/${ids[1]}`)
    expect((await page('')).data?.map((p) => p.id)).toEqual([ids[2], ids[0]])
  })

  it('expands attachments.media_keys with media.fields', async () => {
    const mediaId = await uploadOneShot(h, await pngBytes(4, 3))
    const post = await postWithMedia(h, 'pic', [mediaId])
    const body = await page('?expansions=attachments.media_keys&media.fields=width,height')
    expect(body.data).toEqual([
      {
        edit_history_tweet_ids: [post.id],
        id: post.id,
        text: post.text,
        attachments: { media_keys: [`3_${mediaId}`] },
      },
    ])
    expect(body.includes).toEqual({ media: [{ media_key: `3_${mediaId}`, type: 'photo', width: 4, height: 3 }] })
  })

  it('refuses an until_id that is not a post id instead of answering an empty page', async () => {
    await postMany(1)
    const response = await h.send('GET', `/2/users/${h.userId}/tweets?until_id=abc`)
    expect(response.statusCode).toBe(400)
    expect(response.json()).toMatchObject({ title: 'Invalid Request', errors: [{ parameters: { until_id: ['abc'] } }] })
  })

  it.each([
    ['max_results=4', 'max_results', '4', 'must be an integer from 5 to 100.'],
    ['max_results=101', 'max_results', '101', 'must be an integer from 5 to 100.'],
    ['pagination_token=nope', 'pagination_token', 'nope', 'is not a token this server issued.'],
  ])('refuses %s', async (query, parameter, value, reason) => {
    const response = await h.send('GET', `/2/users/${h.userId}/tweets?${query}`)
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual(
      invalid(`The \`${parameter}\` parameter is invalid: ${reason}`, { [parameter]: [value] }),
    )
  })
})
