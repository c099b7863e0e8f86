/**
 * Subtitles bodies against X's OpenAPI 2.167 (../shared/spec/x-openapi-media.json, read at test
 * time as openapi-conformance.test.ts does; the loader is repeated minimally): our requests against
 * the request schemas, the create and delete answers against their response schemas, and error
 * answers against `application/problem+json`. One known difference is asserted exactly: 2.167 types
 * `associated_subtitles` as an object, where X's docs and its earlier spec (`Subtitles[]`) have the
 * array birdhouse sends. Without the spec file the tests skip saying so, except in CI.
 */
import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Ajv, type ErrorObject } from 'ajv'
import formatsPlugin from 'ajv-formats'
import type { LightMyRequestResponse } from 'fastify'
import { afterEach, beforeEach, describe, expect, it, type TestContext } from 'vitest'
import { uploadChunked, uploadOneShot } from '../test-support/post-fixtures.js'
import { json, mp4Bytes, openRouteHarness, type RouteHarness } from '../test-support/route-harness.js'

const SPEC_PATH = resolve(
  fileURLToPath(new URL('../../../../', import.meta.url)),
  '../shared/spec/x-openapi-media.json',
)
const SPEC_ID = 'x-openapi'
const PATH = '/2/media/subtitles'
const SRT = '1\n00:00:01,000 --> 00:00:02,000\nHello\n'

function loadSpec(): object | undefined {
  if (existsSync(SPEC_PATH)) return JSON.parse(readFileSync(SPEC_PATH, 'utf8')) as object
  if (process.env.CI) throw new Error(`X's OpenAPI spec is required in CI but missing at ${SPEC_PATH}`)
  return undefined
}

const spec = loadSpec()
const ajv = new Ajv({ strict: false, allErrors: true })
// ajv-formats is CommonJS: under NodeNext its default import is the module object.
formatsPlugin.default(ajv)
if (spec !== undefined) ajv.addSchema({ ...spec, $id: SPEC_ID })

function requireSpec(context: TestContext): void {
  if (spec === undefined) context.skip(`X's OpenAPI spec not found at ${SPEC_PATH}`)
}

const pointer = (...parts: string[]) => parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/')

/** Problem types as X's spec names them: api.x.com where birdhouse (like most captures) says api.twitter.com. */
const onSpecHost = (body: unknown) =>
  JSON.parse(JSON.stringify(body).replaceAll('https://api.twitter.com/2/problems/', 'https://api.x.com/2/problems/'))

/** Validation errors (as `path message` strings) of `value` against the schema at a spec pointer. */
function errorsAt(parts: string[], value: unknown): string[] {
  const ref = `${SPEC_ID}#/${pointer(...parts)}`
  const validate = ajv.getSchema(ref)
  if (validate === undefined) throw new Error(`no schema at ${ref}`)
  return validate(onSpecHost(value))
    ? []
    : (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath} ${e.message}`)
}

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
