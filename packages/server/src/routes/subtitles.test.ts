/**
 * Linking subtitles to videos (spec §9.2, cases 60–62): v2 `POST` / `DELETE /2/media/subtitles` and
 * v1.1 `subtitles/create.json` / `delete.json`, with who may link what (the video usable by the
 * caller, the file a finalized subtitles upload) and X's answers.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { uploadChunked, uploadOneShot } from '../test-support/post-fixtures.js'
import {
  invalidRequestProblem as invalid,
  json,
  mp4Bytes,
  openRouteHarness,
  pngBytes,
  type RouteHarness,
  v1ErrorsBody,
} from '../test-support/route-harness.js'

const SRT = '1\n00:00:01,000 --> 00:00:02,000\nHello\n'
const V2 = '/2/media/subtitles'
const UNKNOWN_ID = '1234567890123456789'

let h: RouteHarness
beforeEach(async () => {
  h = await openRouteHarness()
})
afterEach(async () => {
  await h.close()
})

const video = async (category = 'tweet_video', token = h.token, additionalOwners?: string[]) =>
  uploadChunked(h, await mp4Bytes(), 'video/mp4', category, {
    token,
    ...(additionalOwners === undefined ? {} : { additionalOwners }),
  })
const subtitles = (token = h.token) => uploadOneShot(h, SRT, 'subtitles', { token })
/** `POST /2/media/subtitles`; `category` null leaves `media_category` out. */
const link = (id: string, track: Record<string, unknown>, category: string | null = 'TweetVideo') =>
  h.send('POST', V2, json({ id, ...(category === null ? {} : { media_category: category }), subtitles: track }))
const unlink = (id: string, languageCode: string) =>
  h.send('DELETE', V2, json({ id, media_category: 'TweetVideo', language_code: languageCode }))
const tracksOf = async (id: string) => (await h.stores.metadata.getMedia(id))?.subtitles

describe('POST /2/media/subtitles', () => {
  it('links a subtitle file to a video and answers the tracks (case 60)', async () => {
    const [videoId, srtId] = [await video(), await subtitles()]
    const response = await link(videoId, { id: srtId, language_code: 'EN', display_name: 'English' })
    expect([response.statusCode, response.json()]).toEqual([
      200,
      {
        data: {
          id: videoId,
          media_category: 'TweetVideo',
          associated_subtitles: [{ id: srtId, language_code: 'EN', display_name: 'English' }],
        },
      },
    ])
    expect(await tracksOf(videoId)).toEqual([{ languageCode: 'EN', displayName: 'English', subtitleMediaId: srtId }])
  })

  it('replaces the track of a language and keeps the others', async () => {
    const videoId = await video()
    const [first, spanish, second] = [await subtitles(), await subtitles(), await subtitles()]
    await link(videoId, { id: first, language_code: 'EN', display_name: 'English' })
    await link(videoId, { id: spanish, language_code: 'ES', display_name: 'Español' })
    const response = await link(videoId, { id: second, language_code: 'EN', display_name: 'English (CC)' })
    expect((response.json() as { data: { associated_subtitles: unknown } }).data.associated_subtitles).toEqual([
      { id: second, language_code: 'EN', display_name: 'English (CC)' },
      { id: spanish, language_code: 'ES', display_name: 'Español' },
    ])
  })

  it('echoes the video category, also when the request names none', async () => {
    const videoId = await video('amplify_video')
    const response = await link(videoId, { id: await subtitles(), language_code: 'FR' }, null)
    expect((response.json() as { data: unknown }).data).toMatchObject({
      media_category: 'AmplifyVideo',
      associated_subtitles: [{ language_code: 'FR', display_name: 'FR' }],
    })
  })

  it("links to a video the caller co-owns (listed in the uploader's additional_owners)", async () => {
    const videoId = await video('tweet_video', h.otherToken, [h.userId])
    const response = await link(videoId, { id: await subtitles(), language_code: 'EN', display_name: 'English' })
    expect(response.statusCode).toBe(200)
  })

  it('refuses a lower-case language code (case 62)', async () => {
    const response = await link(await video(), { id: await subtitles(), language_code: 'en', display_name: 'English' })
    expect([response.statusCode, response.json()]).toEqual([
      400,
      invalid('The `subtitles.language_code` parameter is invalid: must match ^[A-Z]{2}$.', {
        'subtitles.language_code': ['en'],
      }),
    ])
  })

  it.each([
    ['a video of another user', async () => [await video('tweet_video', h.otherToken), await subtitles()], 'id', 0],
    ['a subtitle file of another user', async () => [await video(), await subtitles(h.otherToken)], 'subtitles.id', 1],
    ['an unknown video', async () => [UNKNOWN_ID, await subtitles()], 'id', 0],
  ] as const)('answers not found for %s', async (_name, make, parameter, index) => {
    const ids = await make()
    const response = await link(ids[0] as string, { id: ids[1], language_code: 'EN', display_name: 'English' })
    const expected = invalid('BadRequest: Not found', { [parameter]: [ids[index] as string] })
    expect([response.statusCode, response.json()]).toEqual([400, expected])
  })

  it('answers not found once the video expired', async () => {
    const [videoId, srtId] = [await video(), await subtitles()]
    h.clock.advance(2 * 86_400_000)
    const response = await link(videoId, { id: srtId, language_code: 'EN' })
    expect(response.json()).toEqual(invalid('BadRequest: Not found', { id: [videoId] }))
  })

  it.each([
    ['an image as the subtitle file', 'subtitles.id', 'is not a subtitles upload.', 1],
    ['an image as the video', 'id', 'is not a video.', 0],
  ] as const)('refuses %s', async (_name, parameter, reason, index) => {
    const image = await uploadOneShot(h, await pngBytes())
    const ids = index === 1 ? [await video(), image] : [image, await subtitles()]
    const response = await link(ids[0] as string, { id: ids[1], language_code: 'EN' })
    const expected = invalid(`The \`${parameter}\` parameter is invalid: ${reason}`, { [parameter]: [image] })
    expect([response.statusCode, response.json()]).toEqual([400, expected])
  })

  it('refuses a category other than the one the video was uploaded with', async () => {
    const response = await link(await video(), { id: await subtitles(), language_code: 'EN' }, 'AmplifyVideo')
    const reason = 'must be the category the video was uploaded with (tweet_video).'
    expect(response.json()).toEqual(
      invalid(`The \`media_category\` parameter is invalid: ${reason}`, { media_category: ['amplify_video'] }),
    )
  })
})

describe('DELETE /2/media/subtitles', () => {
  it('unlinks a language and says whether there was a track (case 61)', async () => {
    const videoId = await video()
    await link(videoId, { id: await subtitles(), language_code: 'EN', display_name: 'English' })
    const deleted = await unlink(videoId, 'EN')
    expect([deleted.statusCode, deleted.json()]).toEqual([200, { data: { deleted: true } }])
    expect(await tracksOf(videoId)).toEqual([])
    expect((await unlink(videoId, 'EN')).json()).toEqual({ data: { deleted: false } })
  })

  it('requires media_category and language_code, as X’s schema does', async () => {
    const response = await h.send('DELETE', V2, json({ id: await video(), language_code: 'EN' }))
    expect(response.json()).toEqual(invalid('The `media_category` parameter is missing.', { media_category: [] }))
  })
})

describe('v1.1 subtitles/create.json and delete.json', () => {
  const create = (body: unknown) => h.send('POST', '/1.1/media/subtitles/create.json', json(body))
  const remove = (body: unknown) => h.send('POST', '/1.1/media/subtitles/delete.json', json(body))

  it('links several tracks (any-case codes) and unlinks one, answering empty 200s', async () => {
    const [videoId, english, german] = [await video(), await subtitles(), await subtitles()]
    const subtitleInfo = {
      subtitles: [
        { media_id: english, language_code: 'en', display_name: 'English' },
        { media_id: german, language_code: 'DE', display_name: 'Deutsch' },
      ],
    }
    const created = await create({ media_id: videoId, media_category: 'TweetVideo', subtitle_info: subtitleInfo })
    expect([created.statusCode, created.body]).toEqual([200, ''])
    expect((await tracksOf(videoId))?.map((t) => `${t.languageCode} ${t.subtitleMediaId}`)).toEqual([
      `DE ${german}`,
      `EN ${english}`,
    ])
    const info = { subtitles: [{ language_code: 'en' }] }
    const deleted = await remove({ media_id: videoId, media_category: 'TweetVideo', subtitle_info: info })
    expect([deleted.statusCode, deleted.body]).toEqual([200, ''])
    expect((await tracksOf(videoId))?.map((t) => t.languageCode)).toEqual(['DE'])
  })

  it('answers 404 code 34 for an unknown media_id', async () => {
    const info = { subtitles: [{ media_id: await subtitles(), language_code: 'EN', display_name: 'English' }] }
    const response = await create({ media_id: UNKNOWN_ID, media_category: 'TweetVideo', subtitle_info: info })
    expect([response.statusCode, response.json()]).toEqual([404, v1ErrorsBody(34, 'Sorry, that page does not exist.')])
  })

  it('refuses a body without subtitle_info.subtitles', async () => {
    const response = await create({ media_id: await video(), subtitle_info: {} })
    expect([response.statusCode, response.json()]).toEqual([
      400,
      v1ErrorsBody(38, 'subtitle_info.subtitles parameter is missing.'),
    ])
  })
})
