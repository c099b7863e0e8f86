/**
 * The media lookups against X's OpenAPI 2.167 (../shared/spec/x-openapi-media.json, read at test
 * time; skipped saying why when absent, failing in CI) and X's authentication table (spec §2):
 * app-only bearer, OAuth 2.0 with `tweet.read` and OAuth 1.0a are accepted; app-only callers see
 * posted media only.
 */
import type { ErrorObject } from 'ajv'
import type { LightMyRequestResponse } from 'fastify'
import { afterEach, beforeEach, describe, expect, it, type TestContext } from 'vitest'
import type { MediaRecord } from '../stores/metadata-store.js'
import { createBearerToken } from '../test-support/auth-fixtures.js'
import { type AuthHarness, bearer, openAuthHarness } from '../test-support/auth-harness.js'
import {
  animatedGifRecord,
  createMediaRecord,
  photoRecord,
  storeFile,
  videoFiles,
  videoRecord,
} from '../test-support/media-file-fixtures.js'
import { onSpecHost, requireSpec, schemaErrors } from '../test-support/openapi-spec.js'
import { postWithMedia } from '../test-support/post-fixtures.js'

const ALL_FIELDS = 'media.fields=media_key,type,url,preview_image_url,width,height,duration_ms,alt_text,variants'

/** Validation errors of a 200 body against an operation's response schema. */
function responseErrors(context: TestContext, path: string, response: LightMyRequestResponse): ErrorObject[] {
  requireSpec(context)
  expect(response.statusCode).toBe(200)
  const parts = ['paths', path, 'get', 'responses', '200', 'content', 'application/json', 'schema']
  return schemaErrors(parts, onSpecHost(response.json()))
}

let h: AuthHarness
beforeEach(async () => {
  h = await openAuthHarness()
})
afterEach(async () => {
  await h.close()
})

async function everyKind(): Promise<MediaRecord[]> {
  const photo = photoRecord(h, [], { altText: 'a cat' })
  const orig = await storeFile(h, `test/${photo.id}/orig.png`, Buffer.from('png'), {
    role: 'orig',
    contentType: 'image/png',
    width: 4,
    height: 3,
  })
  const video = videoRecord(h, [])
  const gif = animatedGifRecord(h, [])
  const gifMp4 = await storeFile(h, `test/${gif.id}/16x16.mp4`, Buffer.from('mp4'), {
    role: 'variant',
    contentType: 'video/mp4',
    width: 16,
    height: 16,
    bitRate: 0,
  })
  return [
    await createMediaRecord(h, { ...photo, files: [orig] }),
    await createMediaRecord(h, { ...video, files: await videoFiles(h, video.id) }),
    await createMediaRecord(h, { ...gif, files: [gifMp4] }),
  ]
}

describe('OpenAPI conformance', () => {
  it('GET /2/media/{media_key} of a photo, a video and an animated GIF with every field conforms', async (context) => {
    for (const media of await everyKind()) {
      const response = await h.send('GET', `/2/media/${media.mediaKey}?${ALL_FIELDS}`)
      expect(responseErrors(context, '/2/media/{media_key}', response)).toEqual([])
    }
  })

  it('GET /2/media with found media and partial errors conforms', async (context) => {
    const keys = [...(await everyKind()).map((m) => m.mediaKey), '3_1234567890123456789'].join(',')
    const response = await h.send('GET', `/2/media?media_keys=${keys}&${ALL_FIELDS}`)
    expect((response.json() as { data: unknown[]; errors: unknown[] }).data).toHaveLength(3)
    expect(responseErrors(context, '/2/media', response)).toEqual([])
  })

  it('GET /2/media/{media_key} answering only a partial error conforms', async (context) => {
    const response = await h.send('GET', '/2/media/3_1234567890123456789')
    expect(responseErrors(context, '/2/media/{media_key}', response)).toEqual([])
  })
})

describe('authentication', () => {
  type Send = (a: AuthHarness, url: string) => Promise<LightMyRequestResponse>
  it.each<[string, Send]>([
    ['OAuth 2.0 with tweet.read', (a, url) => a.sendRaw('GET', url, bearer(a.oauth2ReadScopes))],
    ['OAuth 1.0a', (a, url) => a.sendSigned(a.oauth1, 'GET', url)],
    ['OAuth 1.0a of a read-only app', (a, url) => a.sendSigned(a.oauth1ReadOnly, 'GET', url)],
  ])('accepts %s and shows the user’s own media', async (_name, send) => {
    const [media] = await everyKind()
    const response = await send(h, `/2/media/${media?.mediaKey}`)
    expect([response.statusCode, (response.json() as { data?: unknown }).data]).toEqual([
      200,
      { media_key: media?.mediaKey, type: 'photo' },
    ])
    expect(response.headers['x-rate-limit-limit']).toBe('900')
  })

  it('accepts an app-only bearer token, which sees posted media only', async () => {
    const [posted, unposted] = await everyKind()
    await postWithMedia(h, 'public', [posted?.id ?? ''])
    const response = await h.sendRaw(
      'GET',
      `/2/media?media_keys=${posted?.mediaKey},${unposted?.mediaKey}`,
      bearer(h.appOnly),
    )
    const body = response.json() as { data: { media_key: string }[]; errors: { resource_id: string }[] }
    expect([response.statusCode, response.headers['x-rate-limit-limit']]).toEqual([200, '3500'])
    expect(body.data.map((m) => m.media_key)).toEqual([posted?.mediaKey])
    expect(body.errors.map((e) => e.resource_id)).toEqual([unposted?.mediaKey])
  })

  it('refuses a request without credentials with 401, and an OAuth 2.0 token without tweet.read with 403', async () => {
    const noRead = await createBearerToken(h.stores.auth, h.clock, {
      appId: h.readWriteApp.record.id,
      userId: h.userId,
      scopes: ['users.read', 'media.write'],
    })
    const unauthenticated = await h.sendRaw('GET', '/2/media/3_1', null)
    const forbidden = await h.sendRaw('GET', '/2/media/3_1', bearer(noRead))
    expect([unauthenticated.statusCode, forbidden.statusCode]).toEqual([401, 403])
    expect(forbidden.json()).toEqual({ title: 'Forbidden', type: 'about:blank', status: 403, detail: 'Forbidden' })
  })
})
