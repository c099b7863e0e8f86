/**
 * v2 bodies against X's OpenAPI 2.167 (the subset in ../shared/spec/x-openapi-media.json, read at
 * test time): each success body against its operation's response schema, each error body against
 * the `application/problem+json` default response. The spec file lives next to the repo; without
 * it the tests skip saying so, except in CI, where its absence fails the run.
 */
import type { ErrorObject, SchemaObject } from 'ajv'
import type { HTTPMethods, LightMyRequestResponse } from 'fastify'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { errorsAgainst, type OpenApiSpec, onSpecHost, requireSpec, schemaErrors } from '../test-support/openapi-spec.js'
import {
  corruptMp4Bytes,
  json,
  mp4Bytes,
  multipart,
  openRouteHarness,
  pngBytes,
  pollUntilTerminal,
  type RequestBody,
  type RouteHarness,
} from '../test-support/route-harness.js'

/** Validation errors of `body` against an operation's response schema (`[]` when it conforms). */
function errorsFor(path: string, method: string, status: string, contentType: string, body: unknown): ErrorObject[] {
  return schemaErrors(['paths', path, method, 'responses', status, 'content', contentType, 'schema'], body)
}

/** Every member of the Problem union requires type, title and detail: the core an about:blank problem must meet. */
function problemCore(schemas: OpenApiSpec['components']['schemas']): SchemaObject {
  const members = ((schemas.Problem?.oneOf ?? []) as { $ref: string }[]).map(
    ({ $ref }) => schemas[$ref.split('/').pop() ?? ''] as SchemaObject,
  )
  const required = members
    .map((m) => m.required as string[])
    .reduce((common, names) => common.filter((n) => names.includes(n)))
  return { type: 'object', required, properties: { ...members[0]?.properties, type: { type: 'string' } } }
}

const dataId = (response: LightMyRequestResponse) => (response.json() as { data: { id: string } }).data.id

let h: RouteHarness
beforeEach(async () => {
  h = await openRouteHarness()
})
afterEach(async () => {
  await h.close()
})

describe('the validator', () => {
  it('rejects a body that breaks the schema', (context) => {
    requireSpec(context)
    const errors = errorsFor('/2/media/upload/initialize', 'post', '200', 'application/json', { data: { id: 5 } })
    expect(errors.map((e) => `${e.instancePath} ${e.message}`)).toEqual(['/data/id must be string'])
  })
})

describe('v2 success bodies', () => {
  async function upload(mediaType: string, bytes: Buffer, category?: string) {
    const init = await h.send(
      'POST',
      '/2/media/upload/initialize',
      json({ media_type: mediaType, total_bytes: bytes.length, ...(category ? { media_category: category } : {}) }),
    )
    const id = dataId(init)
    const append = await h.send(
      'POST',
      `/2/media/upload/${id}/append`,
      multipart({ segment_index: '0' }, { name: 'media', bytes }),
    )
    return { id, init, append, finalize: await h.send('POST', `/2/media/upload/${id}/finalize`) }
  }

  it('initialize, append and finalize of an image conform', async (context) => {
    requireSpec(context)
    const { init, append, finalize } = await upload('image/png', await pngBytes())
    expect(errorsFor('/2/media/upload/initialize', 'post', '200', 'application/json', init.json())).toEqual([])
    expect(errorsFor('/2/media/upload/{id}/append', 'post', '200', 'application/json', append.json())).toEqual([])
    expect(errorsFor('/2/media/upload/{id}/finalize', 'post', '200', 'application/json', finalize.json())).toEqual([])
  })

  it('finalize and STATUS of a video in processing conform', async (context) => {
    requireSpec(context)
    const { id, finalize } = await upload('video/mp4', await mp4Bytes(), 'tweet_video')
    const status = await h.send('GET', `/2/media/upload?media_id=${id}`)
    expect(errorsFor('/2/media/upload/{id}/finalize', 'post', '200', 'application/json', finalize.json())).toEqual([])
    expect(errorsFor('/2/media/upload', 'get', '200', 'application/json', status.json())).toEqual([])
  })

  it('command-style INIT (202) and FINALIZE (201) conform to the one operation the spec keeps for POST /2/media/upload', async (context) => {
    requireSpec(context)
    const mp4 = await mp4Bytes()
    const init = await h.send(
      'POST',
      '/2/media/upload',
      multipart({
        command: 'INIT',
        media_type: 'video/mp4',
        total_bytes: String(mp4.length),
        media_category: 'amplify_video',
      }),
    )
    const id = dataId(init)
    await h.send(
      'POST',
      '/2/media/upload',
      multipart({ command: 'APPEND', media_id: id, segment_index: '0' }, { name: 'media', bytes: mp4 }),
    )
    const finalize = await h.send('POST', '/2/media/upload', multipart({ command: 'FINALIZE', media_id: id }))
    expect([init.statusCode, finalize.statusCode]).toEqual([202, 201])
    for (const response of [init, finalize]) {
      expect(errorsFor('/2/media/upload', 'post', '200', 'application/json', response.json())).toEqual([])
    }
  })

  it.for([
    ['a PNG', async () => multipart({ media_category: 'tweet_image' }, { name: 'media', bytes: await pngBytes() })],
    [
      'subtitles',
      async () =>
        multipart({ media_category: 'subtitles' }, { name: 'media', bytes: '1\n00:00:01,000 --> 00:00:02,000\nHi\n' }),
    ],
  ] as const)('one-shot upload of %s conforms', async ([_name, body], context) => {
    requireSpec(context)
    const response = await h.send('POST', '/2/media/upload', await body())
    expect(response.statusCode).toBe(200)
    expect(errorsFor('/2/media/upload', 'post', '200', 'application/json', response.json())).toEqual([])
  })
})

describe('v2 STATUS after processing', () => {
  it('a succeeded STATUS conforms; a failed one differs only by processing_info.error, which X sends but 2.167 omits', async (context) => {
    requireSpec(context)
    const worker = await openRouteHarness({ processing: true })
    try {
      const results: LightMyRequestResponse[] = []
      for (const bytes of [await mp4Bytes(), corruptMp4Bytes()]) {
        const one = await worker.send(
          'POST',
          '/2/media/upload',
          json({ media: bytes.toString('base64'), media_category: 'tweet_video' }),
        )
        const polled = await pollUntilTerminal(worker, `/2/media/upload?media_id=${dataId(one)}`)
        results.push(polled[polled.length - 1] as LightMyRequestResponse)
      }
      const [succeeded, failed] = results.map((r) =>
        errorsFor('/2/media/upload', 'get', '200', 'application/json', r.json()),
      )
      expect(succeeded).toEqual([])
      expect(failed?.map((e) => [e.instancePath, e.keyword, e.params])).toEqual([
        ['/data/processing_info', 'additionalProperties', { additionalProperty: 'error' }],
      ])
    } finally {
      await worker.close()
    }
  })
})

describe('v2 error bodies', () => {
  const problemOf = (path: string, method: string, body: unknown) =>
    errorsFor(path, method, 'default', 'application/problem+json', onSpecHost(body))

  const invalidRequests: readonly (readonly [HTTPMethods, string, string, string, () => RequestBody | undefined])[] = [
    [
      'POST',
      '/2/media/upload/initialize',
      'post',
      '/2/media/upload/initialize',
      () => ({ payload: '{', headers: { 'content-type': 'application/json' } }),
    ],
    [
      'POST',
      '/2/media/upload/initialize',
      'post',
      '/2/media/upload/initialize',
      () => json({ media_type: 'x/y', total_bytes: 1 }),
    ],
    [
      'POST',
      '/2/media/upload/1/append',
      'post',
      '/2/media/upload/{id}/append',
      () => json({ media: 'eA==', segment_index: 1000 }),
    ],
    ['POST', '/2/media/upload/1/finalize', 'post', '/2/media/upload/{id}/finalize', () => json({})],
    ['GET', '/2/media/upload?media_id=1', 'get', '/2/media/upload', () => undefined],
    ['POST', '/2/media/upload', 'post', '/2/media/upload', () => json({ media_category: 'tweet_image' })],
  ]
  it.for(invalidRequests)(
    'an invalid-request answer to %s %s is a Problem',
    async ([method, url, specMethod, specPath, body], context) => {
      requireSpec(context)
      const response = await h.send(method, url, body())
      expect(response.statusCode).toBe(400)
      expect(problemOf(specPath, specMethod, response.json())).toEqual([])
    },
  )

  const blankProblems: readonly (readonly [string, () => Promise<LightMyRequestResponse>])[] = [
    ['401', () => h.send('POST', '/2/media/upload/initialize', undefined, null)],
    ['404', () => h.send('GET', '/2/media/upload/nowhere')],
    ['413', () => h.send('POST', '/2/media/upload/initialize', json({ pad: 'x'.repeat(8 * 1024 * 1024) }))],
  ]
  it.for(blankProblems)(
    'an about:blank %s problem meets the core every Problem member requires',
    async ([_status, send], context) => {
      const { components } = requireSpec(context)
      const body = (await send()).json()
      expect(errorsAgainst(problemCore(components.schemas), body)).toEqual([])
      expect(problemOf('/2/media/upload/initialize', 'post', body)).not.toEqual([])
    },
  )
})
