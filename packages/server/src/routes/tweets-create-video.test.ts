/**
 * `POST /2/tweets` with processed media (spec §10.1, §7.3, cases 66 and 68): one animated GIF
 * (chunked `tweet_gif`) or one video (chunked `tweet_video`, a real MP4) processed by a running
 * worker, polled with a bounded loop; the no-mixing rules; failed processing; and the poster's
 * duration cap (X's 403). A 21-minute video cannot pass `tweet_video` processing (its limit is the
 * cap), so the cap's route test gives a pending upload the facts a worker would record.
 */
import { afterEach, describe, expect, it } from 'vitest'
import {
  animatedGifBytes,
  awaitProcessing,
  createPost,
  postWithMedia,
  uploadChunked,
  uploadOneShot,
  uploadProcessed,
} from '../test-support/post-fixtures.js'
import {
  blankProblem,
  corruptMp4Bytes,
  invalidRequestProblem as invalid,
  mediaTypeOf,
  mp4Bytes,
  openRouteHarness,
  pngBytes,
  type RouteHarness,
} from '../test-support/route-harness.js'

const MEDIA_INVALID = 'Your media IDs are invalid.'
const refusedIds = (ids: string[]) => invalid(MEDIA_INVALID, { 'media.media_ids': ids })

let h: RouteHarness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

async function open(env: Record<string, string> = {}, processing = true): Promise<RouteHarness> {
  h = await openRouteHarness({ processing, env })
  return h
}

const gif = (h: RouteHarness) => animatedGifBytes().then((bytes) => uploadProcessed(h, bytes, 'image/gif', 'tweet_gif'))
const video = (h: RouteHarness) =>
  mp4Bytes({ seconds: 3 }).then((bytes) => uploadProcessed(h, bytes, 'video/mp4', 'tweet_video'))
const photo = (h: RouteHarness) => pngBytes().then((bytes) => uploadOneShot(h, bytes))
const typeOf = async (h: RouteHarness, postId: string) =>
  (
    (await h.send('GET', `/2/tweets/${postId}?expansions=attachments.media_keys`).then((r) => r.json())) as {
      includes: { media: { type: string }[] }
    }
  ).includes.media.map((m) => m.type)

describe('one animated GIF', () => {
  it('posts a processed tweet_gif as an animated_gif', async () => {
    const harness = await open()
    const post = await postWithMedia(harness, 'a gif', [await gif(harness)])
    expect(await typeOf(harness, post.id)).toEqual(['animated_gif'])
  })

  it('refuses a GIF with a photo, naming both ids', async () => {
    const harness = await open()
    const ids = [await gif(harness), await photo(harness)]
    const response = await createPost(harness, { text: 'mixed', media: { media_ids: ids } })
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual(refusedIds(ids))
  })

  it('refuses two GIFs', async () => {
    const harness = await open()
    const ids = [await gif(harness), await gif(harness)]
    expect((await createPost(harness, { media: { media_ids: ids } })).json()).toEqual(refusedIds(ids))
  })
})

describe('one video', () => {
  it('posts a processed tweet_video (SEED0 step 5 body) as a video', async () => {
    const harness = await open()
    const mediaId = await video(harness)
    const post = await postWithMedia(harness, 'Check out this video!', [mediaId])
    expect(post.text.startsWith('Check out this video! https://t.co/')).toBe(true)
    expect(await typeOf(harness, post.id)).toEqual(['video'])
  })

  it('refuses a video with a photo, naming both ids', async () => {
    const harness = await open()
    const ids = [await video(harness), await photo(harness)]
    const response = await createPost(harness, { text: 'mixed', media: { media_ids: ids } })
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual(refusedIds(ids))
  })

  it('refuses two videos', async () => {
    const harness = await open()
    const ids = [await video(harness), await video(harness)]
    expect((await createPost(harness, { media: { media_ids: ids } })).json()).toEqual(refusedIds(ids))
  })

  it('refuses a video whose processing failed', async () => {
    const harness = await open()
    const mediaId = await uploadChunked(harness, corruptMp4Bytes(), 'video/mp4', 'tweet_video')
    expect(await awaitProcessing(harness, mediaId)).toBe('failed')
    const response = await createPost(harness, { text: 'broken', media: { media_ids: [mediaId] } })
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual(refusedIds([mediaId]))
  })

  it('posts a short video uploaded without a category (synchronous FINALIZE) as a video', async () => {
    const harness = await open({}, false)
    const mediaId = await uploadChunked(harness, await mp4Bytes(), 'video/mp4', undefined)
    const post = await postWithMedia(harness, 'plain', [mediaId])
    expect(await typeOf(harness, post.id)).toEqual(['video'])
  })
})

describe("the poster's duration cap (case 68)", () => {
  /** A pending `tweet_video` (no worker) given the facts a worker records for a clip of `durationMs`. */
  async function processedAs(harness: RouteHarness, durationMs: number): Promise<string> {
    const mediaId = await uploadChunked(harness, await mp4Bytes(), 'video/mp4', 'tweet_video')
    const video = { width: 64, height: 48, durationMs }
    await harness.stores.metadata.updateProcessing(mediaId, {
      state: 'succeeded',
      progressPercent: 100,
      error: null,
      video,
    })
    return mediaId
  }

  it("answers 403 with X's detail for a 21-minute video on a default account", async () => {
    const harness = await open({}, false)
    const mediaId = await processedAs(harness, 21 * 60_000)
    const response = await createPost(harness, { text: 'long', media: { media_ids: [mediaId] } })
    expect([response.statusCode, mediaTypeOf(response)]).toEqual([403, 'application/problem+json'])
    expect(response.json()).toEqual(
      blankProblem('Forbidden', 403, 'This user is not allowed to post a video longer than 20 minutes.'),
    )
  })

  it('accepts exactly 20 minutes on a default account', async () => {
    const harness = await open({}, false)
    expect(
      (await createPost(harness, { media: { media_ids: [await processedAs(harness, 1_200_000)] } })).statusCode,
    ).toBe(201)
  })

  it('accepts 21 minutes with BIRDHOUSE_LIMITS=premium and refuses 126 naming 125', async () => {
    const harness = await open({ BIRDHOUSE_LIMITS: 'premium' }, false)
    expect(
      (await createPost(harness, { media: { media_ids: [await processedAs(harness, 21 * 60_000)] } })).statusCode,
    ).toBe(201)
    const response = await createPost(harness, { media: { media_ids: [await processedAs(harness, 126 * 60_000)] } })
    expect(response.json()).toEqual(
      blankProblem('Forbidden', 403, 'This user is not allowed to post a video longer than 125 minutes.'),
    )
  })

  it('refuses a real 21-minute video uploaded without a category (its duration is never probed)', async () => {
    const harness = await open({}, false)
    const long = await mp4Bytes({ seconds: 21 * 60, size: '32x32', fps: 1 })
    const mediaId = await uploadChunked(harness, long, 'video/mp4', undefined)
    const response = await createPost(harness, { text: 'long', media: { media_ids: [mediaId] } })
    expect(response.json()).toEqual(
      blankProblem('Forbidden', 403, 'This user is not allowed to post a video longer than 20 minutes.'),
    )
  })
})
