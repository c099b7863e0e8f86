/** Bearer-token authentication on every upload endpoint (spec §7.4, cases 1, 6, 8); OAuth 1.0a is in oauth1.test.ts, the per-endpoint matrix in auth-matrix.test.ts. */
import type { HTTPMethods } from 'fastify'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { issueToken } from '../auth/tokens.js'
import { json, mediaTypeOf, openRouteHarness, type RouteHarness } from '../test-support/route-harness.js'

const UNAUTHORIZED = '{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}'
const ENDPOINTS: readonly [HTTPMethods, string][] = [
  ['POST', '/2/media/upload/initialize'],
  ['POST', '/2/media/upload/1/append'],
  ['POST', '/2/media/upload/1/finalize'],
  ['POST', '/2/media/upload'],
  ['GET', '/2/media/upload?media_id=1'],
  ['POST', '/1.1/media/upload.json'],
  ['GET', '/1.1/media/upload.json?command=STATUS&media_id=1'],
]
let h: RouteHarness

beforeEach(async () => {
  h = await openRouteHarness()
})
afterEach(async () => {
  await h.close()
})

const withHeader = (authorization: string) =>
  h.app.inject({ method: 'POST', url: '/2/media/upload/initialize', headers: { authorization } })

describe('v2 authentication', () => {
  it.each(ENDPOINTS.filter(([, url]) => url.startsWith('/2/')))(
    'answers %s %s without a token with 401',
    async (method, url) => {
      const response = await h.send(method, url, undefined, null)
      expect(response.statusCode).toBe(401)
      expect(mediaTypeOf(response)).toBe('application/problem+json')
      expect(response.body).toBe(UNAUTHORIZED)
    },
  )

  it.each([
    ['an unknown token', 'Bearer bh_not-a-token'],
    ['a Basic header', 'Basic dXNlcjpwYXNz'],
    ['an empty bearer', 'Bearer '],
  ])('answers %s with 401', async (_name, header) => {
    const response = await withHeader(header)
    expect(response.statusCode).toBe(401)
    expect(response.body).toBe(UNAUTHORIZED)
  })

  it('refuses a token once it has expired', async () => {
    const token = await issueToken(h.stores.auth, h.clock, h.userId, { ttlSecs: 7200 })
    const body = json({ media_type: 'image/png', total_bytes: 10 })
    expect((await h.send('POST', '/2/media/upload/initialize', body, token)).statusCode).toBe(200)
    h.clock.advance(7_200_000)
    const response = await h.send('POST', '/2/media/upload/initialize', body, token)
    expect(response.statusCode).toBe(401)
    expect(response.body).toBe(UNAUTHORIZED)
  })

  it('accepts the scheme name in any case', async () => {
    const response = await h.app.inject({
      method: 'POST',
      url: '/2/media/upload/initialize',
      headers: { authorization: `bearer ${h.token}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ media_type: 'image/png', total_bytes: 10 }),
    })
    expect(response.statusCode).toBe(200)
  })

  it('refuses before reading the body: an oversized unauthenticated body gets 401, not 413', async () => {
    const body = json({ media: 'A'.repeat(9 * 1024 * 1024) })
    const response = await h.send('POST', '/2/media/upload', body, null)
    expect(response.statusCode).toBe(401)
    expect(response.body).toBe(UNAUTHORIZED)
  })
})

describe('v1.1 authentication', () => {
  it.each(ENDPOINTS.filter(([, url]) => url.startsWith('/1.1/')))(
    'answers %s %s without a token with 400 code 215',
    async (method, url) => {
      const response = await h.send(method, url, undefined, null)
      expect(response.statusCode).toBe(400)
      expect(response.headers['content-type']).toBe('application/json;charset=utf-8')
      expect(response.body).toBe('{"errors":[{"code":215,"message":"Bad Authentication data."}]}')
    },
  )

  it('answers an unknown token with code 89', async () => {
    const response = await h.send('POST', '/1.1/media/upload.json', undefined, 'bh_not-a-token')
    // X's docs list 403 for code 89 while clients quote it without a status (spec §7.4 ⚠); birdhouse answers 401.
    expect(response.statusCode).toBe(401)
    expect(response.body).toBe('{"errors":[{"code":89,"message":"Invalid or expired token."}]}')
  })
})

describe('routes outside authentication', () => {
  it('answers an unknown path with 404 before asking for a token', async () => {
    const response = await h.send('GET', '/2/nothing-here', undefined, null)
    expect(response.statusCode).toBe(404)
    expect(response.body).toBe('{"title":"Not Found","type":"about:blank","status":404,"detail":"Not Found"}')
  })
})
