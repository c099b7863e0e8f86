/**
 * Alt text (spec §9.1, cases 57–59): v2 `POST /2/media/metadata` answering the metadata back, v1.1
 * `POST /1.1/media/metadata/create.json` answering an empty 200 (JSON sent as application/json or
 * text/plain), the 1000-character limit, who may set it, and reading it back as `alt_text`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { postWithMedia, uploadOneShot } from '../test-support/post-fixtures.js'
import {
  form,
  invalidRequestProblem as invalid,
  json,
  mediaTypeOf,
  openRouteHarness,
  pngBytes,
  type RouteHarness,
  v1ErrorsBody as v1Errors,
} from '../test-support/route-harness.js'

const V2 = '/2/media/metadata'
const V1 = '/1.1/media/metadata/create.json'
const UNKNOWN_ID = '1234567890123456789'

let h: RouteHarness
beforeEach(async () => {
  h = await openRouteHarness()
})
afterEach(async () => {
  await h.close()
})

const photo = async (as = {}) => uploadOneShot(h, await pngBytes(), 'tweet_image', as)
const setV2 = (id: string, text: string, token?: string) =>
  h.send('POST', V2, json({ id, metadata: { alt_text: { text } } }), token)
const setV1 = (id: string, text: string, token?: string) =>
  h.send('POST', V1, json({ media_id: id, alt_text: { text } }), token)
const storedAltText = async (id: string) => (await h.stores.metadata.getMedia(id))?.altText

describe('POST /2/media/metadata', () => {
  it('answers 200 with the id and the alt text under associated_metadata (case 57)', async () => {
    const mediaId = await photo()
    const response = await setV2(mediaId, 'A dancing cat')
    expect([response.statusCode, mediaTypeOf(response)]).toEqual([200, 'application/json'])
    expect(response.body).toBe(
      `{"data":{"id":"${mediaId}","associated_metadata":{"alt_text":{"text":"A dancing cat"}}}}`,
    )
    expect(await storedAltText(mediaId)).toBe('A dancing cat')
  })

  it('is read back as alt_text of the media object, and a later call replaces it', async () => {
    const mediaId = await photo()
    await setV2(mediaId, 'first')
    await setV2(mediaId, 'second')
    const post = await postWithMedia(h, 'x', [mediaId])
    const response = await h.send('GET', `/2/tweets/${post.id}?expansions=attachments.media_keys&media.fields=alt_text`)
    expect((response.json() as { includes: unknown }).includes).toEqual({
      media: [{ media_key: `3_${mediaId}`, type: 'photo', alt_text: 'second' }],
    })
  })

  it('accepts 1000 characters, counting code points (1000 emoji)', async () => {
    const mediaId = await photo()
    expect((await setV2(mediaId, 'a'.repeat(1000))).statusCode).toBe(200)
    expect((await setV2(mediaId, '😀'.repeat(1000))).statusCode).toBe(200)
    expect(await storedAltText(mediaId)).toBe('😀'.repeat(1000))
  })

  it('refuses 1001 characters with 400 invalid-request (case 58) and keeps the old text', async () => {
    const mediaId = await photo()
    await setV2(mediaId, 'kept')
    const response = await setV2(mediaId, 'a'.repeat(1001))
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual(
      invalid('$.metadata.alt_text.text: must be at most 1000 characters', { 'metadata.alt_text.text': [] }),
    )
    expect(await storedAltText(mediaId)).toBe('kept')
  })

  it('lets a user listed in additional_owners set it', async () => {
    const mediaId = await photo({ token: h.otherToken, additionalOwners: [h.userId] })
    expect((await setV2(mediaId, 'co-owner')).statusCode).toBe(200)
  })

  it.each([
    ['unknown media', async () => UNKNOWN_ID],
    ["another user's media", async () => photo({ token: h.otherToken })],
  ])('answers BadRequest: Not found for %s', async (_name, target) => {
    const mediaId = await target()
    const response = await setV2(mediaId, 'x')
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual(invalid('BadRequest: Not found', { id: [mediaId] }))
  })

  it('refuses media past its expiry like every other media endpoint: Media id <id> has expired.', async () => {
    const mediaId = await photo()
    h.clock.advance(86_400_000)
    const response = await setV2(mediaId, 'late')
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual(invalid(`Media id ${mediaId} has expired.`, { id: [mediaId] }))
  })

  it('still takes alt text for posted (pinned) media after its expiry time', async () => {
    const mediaId = await photo()
    await postWithMedia(h, 'x', [mediaId])
    h.clock.advance(2 * 86_400_000)
    expect((await setV2(mediaId, 'later')).statusCode).toBe(200)
  })

  it.each([
    ['no id', { metadata: { alt_text: { text: 'x' } } }, 'id'],
    ['no alt text', { id: '1', metadata: {} }, 'metadata.alt_text.text'],
  ])('refuses a body with %s', async (_name, body, parameter) => {
    const response = await h.send('POST', V2, json(body))
    expect(response.json()).toEqual(invalid(`The \`${parameter}\` parameter is missing.`, { [parameter]: [] }))
  })

  it('refuses a form body', async () => {
    const response = await h.send('POST', V2, form({ id: '1' }))
    expect(response.json()).toEqual(invalid('Requests with bodies must have content-type of application/json.'))
  })
})

describe('POST /1.1/media/metadata/create.json', () => {
  it('answers an empty 200 and stores the alt text (case 59)', async () => {
    const mediaId = await photo()
    const response = await setV1(mediaId, 'dancing cat')
    expect([response.statusCode, response.body]).toEqual([200, ''])
    expect(await storedAltText(mediaId)).toBe('dancing cat')
  })

  it('takes the JSON sent as text/plain; charset=UTF-8, as X documents', async () => {
    const mediaId = await photo()
    const payload = JSON.stringify({ media_id: mediaId, alt_text: { text: 'plain' } })
    const response = await h.send('POST', V1, { payload, headers: { 'content-type': 'text/plain; charset=UTF-8' } })
    expect([response.statusCode, await storedAltText(mediaId)]).toEqual([200, 'plain'])
  })

  it('takes a numeric media_id', async () => {
    const mediaId = await photo()
    const payload = `{"media_id":${mediaId},"alt_text":{"text":"number"}}`
    const response = await h.send('POST', V1, { payload, headers: { 'content-type': 'application/json' } })
    expect([response.statusCode, await storedAltText(mediaId)]).toEqual([200, 'number'])
  })

  it('refuses 1001 characters with code 44', async () => {
    const response = await setV1(await photo(), 'a'.repeat(1001))
    expect([response.statusCode, response.headers['content-type']]).toEqual([400, 'application/json;charset=utf-8'])
    expect(response.json()).toEqual(v1Errors(44, 'alt_text parameter is invalid.'))
  })

  it("answers Invalid mediaId for another user's media", async () => {
    const mediaId = await photo({ token: h.otherToken })
    const response = await setV1(mediaId, 'x')
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual({ request: V1, error: `Invalid mediaId ${mediaId}.` })
  })

  it('answers 401 code 89 for an unknown token', async () => {
    const response = await setV1(await photo(), 'x', 'bh_not_a_token')
    expect([response.statusCode, response.json()]).toEqual([401, v1Errors(89, 'Invalid or expired token.')])
  })
})
