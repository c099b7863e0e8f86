/**
 * Post and alt-text bodies against X's OpenAPI 2.167 (../shared/spec/x-openapi-media.json, read at
 * test time, as openapi-conformance.test.ts does; its helpers are not exported, so the loader is
 * repeated here minimally): the requests we send against the request schemas, every success body
 * against its operation's response schema, and error bodies against `application/problem+json`.
 * Without the spec file the tests skip saying so, except in CI, where its absence fails the run.
 */
import type { LightMyRequestResponse } from 'fastify'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { errorsAt, requireSpec } from '../test-support/openapi-spec.js'
import { postWithMedia, uploadOneShot, uploadProcessed } from '../test-support/post-fixtures.js'
import { json, mp4Bytes, openRouteHarness, pngBytes, type RouteHarness } from '../test-support/route-harness.js'

const UNKNOWN_ID = '1234567890123456789'

/** Errors of a response against `path` / `method` at its own status (or `default` for a problem). */
function responseErrors(
  path: string,
  method: string,
  response: LightMyRequestResponse,
  status = String(response.statusCode),
) {
  const type = status === 'default' ? 'application/problem+json' : 'application/json'
  return errorsAt(['paths', path, method, 'responses', status, 'content', type, 'schema'], response.json())
}

const requestErrors = (path: string, method: string, body: unknown) =>
  errorsAt(['paths', path, method, 'requestBody', 'content', 'application/json', 'schema'], body)

let h: RouteHarness
beforeEach(async () => {
  h = await openRouteHarness()
})
afterEach(async () => {
  await h.close()
})

const LOOKUP = 'expansions=attachments.media_keys,author_id&tweet.fields=author_id,created_at,attachments'
const PHOTO_FIELDS = 'media.fields=media_key,type,url,width,height,alt_text'

async function photoPost(): Promise<{ postId: string; mediaId: string }> {
  const mediaId = await uploadOneShot(h, await pngBytes())
  await h.send('POST', '/2/media/metadata', json({ id: mediaId, metadata: { alt_text: { text: 'cat' } } }))
  return { postId: (await postWithMedia(h, 'photo', [mediaId])).id, mediaId }
}

describe('the validator', () => {
  it('rejects a post body that breaks the schema', (context) => {
    requireSpec(context)
    expect(errorsAt(['components', 'schemas', 'CreatePostsResponse'], { data: { id: 'x1' } })).toEqual([
      "/data must have required property 'text'",
      '/data/id must match pattern "^[0-9]{1,19}$"',
    ])
  })
})

describe('requests we send', () => {
  it.for([
    ['SEED0 step 5', { text: 'Check out this video!', media: { media_ids: ['1880028106020515840'] } }],
    ['four photos', { text: 'A few photos', media: { media_ids: ['1', '2', '3', '4'] } }],
    ['tagged users', { text: 'x', media: { media_ids: ['1'], tagged_user_ids: ['2244994945'] } }],
  ] as const)('the %s body is a valid CreatePostsRequest', ([_name, body], context) => {
    requireSpec(context)
    expect(requestErrors('/2/tweets', 'post', body)).toEqual([])
  })

  it('the spec itself refuses the bodies birdhouse refuses with the min/max item messages', (context) => {
    requireSpec(context)
    expect(requestErrors('/2/tweets', 'post', { media: { media_ids: [] } })).not.toEqual([])
    expect(requestErrors('/2/tweets', 'post', { media: { media_ids: ['1', '2', '3', '4', '5'] } })).not.toEqual([])
  })

  it('the alt-text body is a valid metadata request', (context) => {
    requireSpec(context)
    const body = { id: '1880028106020515840', metadata: { alt_text: { text: 'A dancing cat' } } }
    expect(requestErrors('/2/media/metadata', 'post', body)).toEqual([])
  })
})

describe('v2 success bodies', () => {
  it('POST /2/tweets 201 conforms', async (context) => {
    requireSpec(context)
    const response = await h.send(
      'POST',
      '/2/tweets',
      json({ text: 'hi', media: { media_ids: [await uploadOneShot(h, await pngBytes())] } }),
    )
    expect(response.statusCode).toBe(201)
    expect(responseErrors('/2/tweets', 'post', response)).toEqual([])
  })

  it('GET /2/tweets/{id} with expansions and media.fields conforms, and so does its partial error', async (context) => {
    requireSpec(context)
    const { postId } = await photoPost()
    const found = await h.send('GET', `/2/tweets/${postId}?${LOOKUP}&${PHOTO_FIELDS}`)
    expect(responseErrors('/2/tweets/{id}', 'get', found)).toEqual([])
    const missing = await h.send('GET', `/2/tweets/${UNKNOWN_ID}`)
    expect(responseErrors('/2/tweets/{id}', 'get', missing)).toEqual([])
  })

  it('GET /2/tweets?ids= with a found and a missing id conforms', async (context) => {
    requireSpec(context)
    const { postId } = await photoPost()
    const response = await h.send('GET', `/2/tweets?ids=${postId},${UNKNOWN_ID}&${LOOKUP}&${PHOTO_FIELDS}`)
    expect(responseErrors('/2/tweets', 'get', response)).toEqual([])
  })

  it('GET /2/users/{id}/tweets with a next_token conforms', async (context) => {
    requireSpec(context)
    for (let i = 0; i < 6; i++) await photoPost()
    const response = await h.send('GET', `/2/users/${h.userId}/tweets?max_results=5&${LOOKUP}&${PHOTO_FIELDS}`)
    expect((response.json() as { meta: { next_token?: string } }).meta.next_token).toEqual(expect.any(String))
    expect(responseErrors('/2/users/{id}/tweets', 'get', response)).toEqual([])
  })

  it('DELETE /2/tweets/{id} conforms', async (context) => {
    requireSpec(context)
    const { postId } = await photoPost()
    expect(responseErrors('/2/tweets/{id}', 'delete', await h.send('DELETE', `/2/tweets/${postId}`))).toEqual([])
  })

  it('POST /2/media/metadata conforms', async (context) => {
    requireSpec(context)
    const mediaId = await uploadOneShot(h, await pngBytes())
    const body = { id: mediaId, metadata: { alt_text: { text: 'A dancing cat' } } }
    expect(responseErrors('/2/media/metadata', 'post', await h.send('POST', '/2/media/metadata', json(body)))).toEqual(
      [],
    )
  })

  it('a video post read back with variants and duration_ms conforms', async (context) => {
    requireSpec(context)
    const worker = await openRouteHarness({ processing: true })
    try {
      const mediaId = await uploadProcessed(worker, await mp4Bytes(), 'video/mp4', 'tweet_video')
      const post = await postWithMedia(worker, 'clip', [mediaId])
      const fields = 'media.fields=variants,duration_ms,width,height,preview_image_url'
      const response = await worker.send('GET', `/2/tweets/${post.id}?expansions=attachments.media_keys&${fields}`)
      expect(responseErrors('/2/tweets/{id}', 'get', response)).toEqual([])
    } finally {
      await worker.close()
    }
  })
})

describe('v2 error bodies', () => {
  it.for([
    [
      'POST /2/tweets with five ids',
      () => h.send('POST', '/2/tweets', json({ media: { media_ids: ['1', '2', '3', '4', '5'] } })),
      '/2/tweets',
      'post',
    ],
    [
      'POST /2/tweets with an unknown id',
      () => h.send('POST', '/2/tweets', json({ media: { media_ids: [UNKNOWN_ID] } })),
      '/2/tweets',
      'post',
    ],
    ['DELETE of an unknown post', () => h.send('DELETE', `/2/tweets/${UNKNOWN_ID}`), '/2/tweets/{id}', 'delete'],
    [
      'POST /2/media/metadata with 1001 characters',
      () =>
        h.send(
          'POST',
          '/2/media/metadata',
          json({ id: UNKNOWN_ID, metadata: { alt_text: { text: 'a'.repeat(1001) } } }),
        ),
      '/2/media/metadata',
      'post',
    ],
  ] as const)('%s answers a Problem', async ([_name, send, path, method], context) => {
    requireSpec(context)
    const response = await send()
    expect(response.statusCode).toBeGreaterThanOrEqual(400)
    expect(responseErrors(path, method, response, 'default')).toEqual([])
  })
})
