/**
 * Subtitles bodies against X's OpenAPI 2.167 (../shared/spec/x-openapi-media.json, read at test
 * time as openapi-conformance.test.ts does; the loader is repeated minimally): our requests against
 * the request schemas, the create and delete answers against their response schemas, and error
 * answers against `application/problem+json`. One known difference is asserted exactly: 2.167 types
 * `associated_subtitles` as an object, where X's docs and its earlier spec (`Subtitles[]`) have the
 * array birdhouse sends. Without the spec file the tests skip saying so, except in CI.
 */
import type { LightMyRequestResponse } from 'fastify'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { errorsAt, requireSpec } from '../test-support/openapi-spec.js'
import { uploadChunked, uploadOneShot } from '../test-support/post-fixtures.js'
import { json, mp4Bytes, openRouteHarness, type RouteHarness } from '../test-support/route-harness.js'

const PATH = '/2/media/subtitles'
const SRT = '1\n00:00:01,000 --> 00:00:02,000\nHello\n'

function responseErrors(method: string, response: LightMyRequestResponse, status = String(response.statusCode)) {
  const type = status === 'default' ? 'application/problem+json' : 'application/json'
  return errorsAt(['paths', PATH, method, 'responses', status, 'content', type, 'schema'], response.json())
}

const requestErrors = (method: string, body: unknown) =>
  errorsAt(['paths', PATH, method, 'requestBody', 'content', 'application/json', 'schema'], body)

let h: RouteHarness
beforeEach(async () => {
  h = await openRouteHarness()
})
afterEach(async () => {
  await h.close()
})

async function linkBody(languageCode = 'EN') {
  const videoId = await uploadChunked(h, await mp4Bytes(), 'video/mp4', 'tweet_video')
  const subtitleId = await uploadOneShot(h, SRT, 'subtitles')
  return {
    id: videoId,
    media_category: 'TweetVideo',
    subtitles: { id: subtitleId, language_code: languageCode, display_name: 'English' },
  }
}

describe('subtitles against X’s OpenAPI 2.167', () => {
  it('create: the request conforms; the answer differs only by the associated_subtitles array', async (context) => {
    requireSpec(context)
    const body = await linkBody()
    expect(requestErrors('post', body)).toEqual([])
    const response = await h.send('POST', PATH, json(body))
    expect(response.statusCode).toBe(200)
    expect(responseErrors('post', response)).toEqual(['/data/associated_subtitles must be object'])
    const tracks = (response.json() as { data: { associated_subtitles: unknown[] } }).data.associated_subtitles
    const trackSchema = ['components', 'schemas', 'CreateMediaSubtitlesSubtitles']
    expect(tracks.flatMap((track) => errorsAt(trackSchema, track))).toEqual([])
  })

  it('delete: the request and the answer conform', async (context) => {
    requireSpec(context)
    const body = await linkBody()
    await h.send('POST', PATH, json(body))
    const request = { id: body.id, media_category: 'TweetVideo', language_code: 'EN' }
    expect(requestErrors('delete', request)).toEqual([])
    const response = await h.send('DELETE', PATH, json(request))
    expect([response.statusCode, responseErrors('delete', response)]).toEqual([200, []])
  })

  it('a refused language code: X’s schema refuses the request too, and the answer is a Problem (case 62)', async (context) => {
    requireSpec(context)
    const body = await linkBody('en')
    expect(requestErrors('post', body)).toEqual(['/subtitles/language_code must match pattern "^[A-Z]{2}$"'])
    const response = await h.send('POST', PATH, json(body))
    expect([response.statusCode, responseErrors('post', response, 'default')]).toEqual([400, []])
  })

  it('an unknown video answers a Problem', async (context) => {
    requireSpec(context)
    const request = { id: '1234567890123456789', media_category: 'TweetVideo', language_code: 'EN' }
    const response = await h.send('DELETE', PATH, json(request))
    expect([response.statusCode, responseErrors('delete', response, 'default')]).toEqual([400, []])
  })
})
