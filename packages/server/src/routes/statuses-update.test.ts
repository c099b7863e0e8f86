/**
 * v1.1 `POST /1.1/statuses/update.json` (spec §10.2, §7.3, case 71): `status` and csv `media_ids`
 * in a form or the query, the v1.1 Tweet object (exact numeric ids), and X's v1.1 errors 324, 325,
 * 323, 386, 44, 186 and 170 with their statuses.
 */
import type { LightMyRequestResponse } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import {
  animatedGifBytes,
  MEDIA_LINK_AT_END,
  statusesUpdate,
  uploadChunked,
  uploadOneShot,
  uploadProcessed,
} from '../test-support/post-fixtures.js'
import {
  json,
  mp4Bytes,
  openRouteHarness,
  pngBytes,
  type RouteHarness,
  v1ErrorsBody as v1Errors,
} from '../test-support/route-harness.js'

let h: RouteHarness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})
async function open(processing = false): Promise<RouteHarness> {
  h = await openRouteHarness({ processing })
  return h
}

const photo = async (h: RouteHarness, as = {}) => uploadOneShot(h, await pngBytes(4, 3), 'tweet_image', as)
const expectV1Error = (response: LightMyRequestResponse, status: number, code: number, message: string) => {
  expect([response.statusCode, response.headers['content-type']]).toEqual([status, 'application/json;charset=utf-8'])
  expect(response.json()).toEqual(v1Errors(code, message))
}

describe('a status with media', () => {
  it('answers 200 with the v1.1 Tweet object: exact numeric ids, the text with its link, and the media', async () => {
    const harness = await open()
    const mediaId = await photo(harness)
    await harness.send(
      'POST',
      '/1.1/media/metadata/create.json',
      json({ media_id: mediaId, alt_text: { text: 'cat' } }),
    )
    const response = await statusesUpdate(harness, { status: 'hello', media_ids: mediaId })
    expect([response.statusCode, response.headers['content-type']]).toEqual([200, 'application/json;charset=utf-8'])
    const body = response.json() as { id_str: string; text: string }
    expect(response.body).toContain(`"id":${body.id_str},"id_str":"${body.id_str}"`)
    expect(response.body).toContain(`"id":${mediaId},"id_str":"${mediaId}"`)
    expect(body.text).toMatch(new RegExp(`^hello ${MEDIA_LINK_AT_END.source}`))
    const media = {
      id: expect.any(Number),
      id_str: mediaId,
      media_key: `3_${mediaId}`,
      media_url_https: `http://localhost:80/media/3_${mediaId}.png`,
      type: 'photo',
      sizes: { large: { w: 4, h: 3, resize: 'fit' } },
      ext_alt_text: 'cat',
    }
    expect(response.json()).toEqual({
      created_at: 'Thu Jan 01 00:00:00 +0000 2026',
      id: expect.any(Number),
      id_str: body.id_str,
      text: body.text,
      truncated: false,
      entities: { hashtags: [], symbols: [], user_mentions: [], urls: [], media: [media] },
      extended_entities: { media: [media] },
      user: { id: expect.any(Number), id_str: harness.userId, name: 'alice', screen_name: 'alice' },
    })
  })

  it('takes four csv ids with spaces, in the order given', async () => {
    const harness = await open()
    const ids = [await photo(harness), await photo(harness), await photo(harness), await photo(harness)]
    const response = await statusesUpdate(harness, { status: 'four', media_ids: ids.join(', ') })
    expect(response.statusCode).toBe(200)
    const body = response.json() as { extended_entities: { media: { id_str: string }[] } }
    expect(body.extended_entities.media.map((m) => m.id_str)).toEqual(ids)
  })

  it('reads status and media_ids from the query string too', async () => {
    const harness = await open()
    const mediaId = await photo(harness)
    const response = await harness.send('POST', `/1.1/statuses/update.json?status=q&media_ids=${mediaId}`)
    expect(response.statusCode).toBe(200)
    expect((response.json() as { text: string }).text.startsWith('q https://t.co/')).toBe(true)
  })

  it('takes media another user uploaded with the poster in additional_owners', async () => {
    const harness = await open()
    const mediaId = await photo(harness, { token: harness.otherToken, additionalOwners: [harness.userId] })
    expect((await statusesUpdate(harness, { status: 'shared', media_ids: mediaId })).statusCode).toBe(200)
  })

  it("ignores twurl's `text` parameter (SEED4): v1.1 reads `status`, so the post is the media link alone", async () => {
    const harness = await open()
    const mediaId = await photo(harness)
    const response = await statusesUpdate(harness, {
      media_ids: ` ${mediaId}`,
      text: 'Sample Tweet with media_ids and twurl',
    })
    expect(response.statusCode).toBe(200)
    expect((response.json() as { text: string }).text).toMatch(new RegExp(`^${MEDIA_LINK_AT_END.source}`))
  })

  it('posts a status without media with no media entities', async () => {
    const harness = await open()
    const response = await statusesUpdate(harness, { status: 'words only' })
    const body = response.json() as Record<string, unknown>
    expect([response.statusCode, body.text, body.entities]).toEqual([
      200,
      'words only',
      { hashtags: [], symbols: [], user_mentions: [], urls: [] },
    ])
    expect(body).not.toHaveProperty('extended_entities')
  })
})

describe('v1.1 errors', () => {
  it('324 Not valid video (400) for a video still processing (case 71)', async () => {
    const harness = await open()
    const mediaId = await uploadChunked(harness, await mp4Bytes(), 'video/mp4', 'tweet_video')
    expectV1Error(await statusesUpdate(harness, { status: 'x', media_ids: mediaId }), 400, 324, 'Not valid video')
  })

  it.each([
    ['an unknown id', async () => '1234567890123456789'],
    ["another user's media", async (h: RouteHarness) => photo(h, { token: h.otherToken })],
    [
      'expired media',
      async (h: RouteHarness) => {
        const id = await photo(h)
        h.clock.advance(86_400_000)
        return id
      },
    ],
  ])('325 A media id was not found. (400) for %s', async (_name, target) => {
    const harness = await open()
    const mediaId = await target(harness)
    expectV1Error(
      await statusesUpdate(harness, { status: 'x', media_ids: mediaId }),
      400,
      325,
      'A media id was not found.',
    )
  })

  it('324 The validation of media ids failed. (400) for a dm_image', async () => {
    const harness = await open()
    const mediaId = await uploadOneShot(harness, await pngBytes(), 'dm_image')
    const response = await statusesUpdate(harness, { status: 'x', media_ids: mediaId })
    expectV1Error(response, 400, 324, 'The validation of media ids failed.')
  })

  it('324 Tweet must not have more than 4 mediaIds. (400) for five ids', async () => {
    const harness = await open()
    const ids = await Promise.all([1, 2, 3, 4, 5].map(() => photo(harness)))
    const response = await statusesUpdate(harness, { status: 'x', media_ids: ids.join(',') })
    expectV1Error(response, 400, 324, 'Tweet must not have more than 4 mediaIds.')
  })

  it('44 media_ids parameter is invalid. (400) for an empty media_ids', async () => {
    const harness = await open()
    expectV1Error(
      await statusesUpdate(harness, { status: 'x', media_ids: ',' }),
      400,
      44,
      'media_ids parameter is invalid.',
    )
  })

  it('44 media_ids parameter is invalid. (400) for an id that is not numeric', async () => {
    const harness = await open()
    expectV1Error(
      await statusesUpdate(harness, { status: 'x', media_ids: 'abc' }),
      400,
      44,
      'media_ids parameter is invalid.',
    )
  })

  it('186 Tweet needs to be a bit shorter. (403) for 281 weighted characters', async () => {
    const harness = await open()
    const response = await statusesUpdate(harness, { status: 'a'.repeat(281) })
    expectV1Error(response, 403, 186, 'Tweet needs to be a bit shorter.')
  })

  it('170 Missing required parameter: status. (400) without status or media', async () => {
    const harness = await open()
    expectV1Error(await statusesUpdate(harness, {}), 400, 170, 'Missing required parameter: status.')
  })

  it('215 Bad Authentication data. (400) without a token', async () => {
    const harness = await open()
    expectV1Error(await statusesUpdate(harness, { status: 'x' }, null), 400, 215, 'Bad Authentication data.')
  })

  it('323 (400) for an animated GIF with a photo, and 386 (403) for a video with a photo', async () => {
    const harness = await open(true)
    const gif = await uploadProcessed(harness, await animatedGifBytes(), 'image/gif', 'tweet_gif')
    const video = await uploadProcessed(harness, await mp4Bytes(), 'video/mp4', 'tweet_video')
    const still = await photo(harness)
    expectV1Error(
      await statusesUpdate(harness, { status: 'x', media_ids: `${gif},${still}` }),
      400,
      323,
      'Animated GIFs are not allowed when uploading multiple images.',
    )
    expectV1Error(
      await statusesUpdate(harness, { status: 'x', media_ids: `${video},${still}` }),
      403,
      386,
      'The Post exceeds the number of allowed attachment types.',
    )
    expect((await statusesUpdate(harness, { status: 'gif', media_ids: gif })).statusCode).toBe(200)
    expect((await statusesUpdate(harness, { status: 'video', media_ids: video })).statusCode).toBe(200)
  })
})
