/** Request-level failures: unknown routes, unreadable bodies, size limits and unexpected faults, all X-shaped. */
import type { HTTPMethods } from 'fastify'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  invalidRequestProblem,
  json,
  mediaTypeOf,
  multipart,
  openRouteHarness,
  type RequestBody,
  type RouteHarness,
} from '../test-support/route-harness.js'

let h: RouteHarness

beforeEach(async () => {
  h = await openRouteHarness({
    setup: (app) => {
      app.get('/2/test/throws', async () => {
        throw new Error('connection string postgres://admin:hunter2@db leaked')
      })
      app.get('/1.1/test/throws.json', async () => {
        throw new TypeError('undefined is not a function (secret detail)')
      })
    },
  })
})
afterEach(async () => {
  await h.close()
})

const truncated = (): RequestBody => {
  const body = multipart({ command: 'INIT' }, { name: 'media', bytes: Buffer.alloc(300, 1) })
  return { payload: body.payload.subarray(0, 200), headers: body.headers }
}
const GARBAGE: readonly [string, () => RequestBody][] = [
  ['invalid JSON', () => ({ payload: '{"media_type":', headers: { 'content-type': 'application/json' } })],
  ['a JSON array', () => json([1, 2])],
  ['JSON null', () => json(null)],
  ['multipart without boundary', () => ({ payload: 'x', headers: { 'content-type': 'multipart/form-data' } })],
  ['truncated multipart', truncated],
  [
    'bad urlencoding',
    () => ({ payload: 'command=%zz&media_data=%', headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
  ],
  [
    'binary with an odd type',
    () => ({ payload: Buffer.alloc(64, 0xff), headers: { 'content-type': 'application/x-foo' } }),
  ],
]
const ROUTES: readonly [HTTPMethods, string][] = [
  ['POST', '/2/media/upload/initialize'],
  ['POST', '/2/media/upload/1/append'],
  ['POST', '/2/media/upload/1/finalize'],
  ['POST', '/2/media/upload'],
  ['POST', '/1.1/media/upload.json'],
]

describe('unknown routes', () => {
  it.each([
    ['GET', '/2/unknown', 'v2'],
    ['DELETE', '/2/media/upload', 'v2'],
    ['PUT', '/2/media/upload/initialize', 'v2'],
    ['GET', '/1.1/media/unknown.json', 'v1'],
    ['DELETE', '/1.1/media/upload.json', 'v1'],
  ] as const)('answers %s %s with the %s not-found body', async (method, url, dialect) => {
    const response = await h.send(method, url)
    expect(response.statusCode).toBe(404)
    if (dialect === 'v2') {
      expect(mediaTypeOf(response)).toBe('application/problem+json')
      expect(response.body).toBe('{"title":"Not Found","type":"about:blank","status":404,"detail":"Not Found"}')
    } else {
      expect(response.headers['content-type']).toBe('application/json;charset=utf-8')
      expect(response.body).toBe('{"errors":[{"code":34,"message":"Sorry, that page does not exist."}]}')
    }
  })
})

describe('unreadable bodies', () => {
  it.each(ROUTES.flatMap(([method, url]) => GARBAGE.map(([name, body]) => [method, url, name, body] as const)))(
    'answers %s %s with %s as a 4xx in its dialect',
    async (method, url, _name, body) => {
      const response = await h.send(method, url, body())
      expect(response.statusCode).toBeGreaterThanOrEqual(400)
      expect(response.statusCode).toBeLessThan(500)
      const parsed = response.json() as Record<string, unknown>
      if (url.startsWith('/1.1/')) {
        expect(response.headers['content-type']).toBe('application/json;charset=utf-8')
        expect(Object.keys(parsed)).toSatisfy(
          (keys: string[]) => keys.join() === 'errors' || keys.join() === 'request,error',
        )
      } else {
        expect(mediaTypeOf(response)).toBe('application/problem+json')
        expect(parsed).toMatchObject({
          title: expect.any(String),
          type: expect.any(String),
          detail: expect.any(String),
        })
      }
    },
  )

  it('names invalid JSON with the message X sends, escaping / in the type URI', async () => {
    const response = await h.send('POST', '/2/media/upload/initialize', GARBAGE[0]?.[1]())
    expect(response.statusCode).toBe(400)
    expect(response.body).toBe(
      '{"errors":[{"message":"Request body is not valid JSON.","parameters":{}}],"title":"Invalid Request",' +
        '"detail":"One or more parameters to your request was invalid.",' +
        '"type":"https:\\/\\/api.twitter.com\\/2\\/problems\\/invalid-request"}',
    )
  })

  it('refuses a JSON body that is not an object', async () => {
    const response = await h.send('POST', '/2/media/upload/initialize', json([1, 2]))
    expect(response.json()).toEqual(invalidRequestProblem('Request body must be a JSON object.'))
  })

  it('refuses multipart without a boundary', async () => {
    const response = await h.send('POST', '/2/media/upload/1/append', GARBAGE[3]?.[1]())
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual(
      invalidRequestProblem('The request body could not be read: the multipart boundary is missing.'),
    )
  })

  it('refuses a truncated multipart body and keeps none of it', async () => {
    const response = await h.send('POST', '/2/media/upload', truncated())
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual(
      invalidRequestProblem('The request body could not be read: the multipart body is malformed or was cut off.'),
    )
    expect(await h.stores.blobs.list('')).toEqual([])
  })
})

describe('size limits', () => {
  const oversized = () => json({ media_type: 'video/mp4', total_bytes: 10, pad: 'x'.repeat(8 * 1024 * 1024) })

  it('answers an oversized JSON body with 413 on v2', async () => {
    const response = await h.send('POST', '/2/media/upload/initialize', oversized())
    expect(response.statusCode).toBe(413)
    expect(response.body).toBe(
      '{"title":"Payload Too Large","type":"about:blank","status":413,"detail":"Request body is larger than 8388608 bytes."}',
    )
  })

  it('answers an oversized urlencoded body with 413 on v1.1', async () => {
    const body = {
      payload: `media_data=${'A'.repeat(8 * 1024 * 1024)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    }
    const response = await h.send('POST', '/1.1/media/upload.json', body)
    expect(response.statusCode).toBe(413)
    expect(response.body).toBe('{"errors":[{"code":44,"message":"Request body is larger than 8388608 bytes."}]}')
  })
})

describe('unexpected faults', () => {
  it('answers a thrown Error with a generic 500 that hides its message', async () => {
    const response = await h.send('GET', '/2/test/throws')
    expect(response.statusCode).toBe(500)
    expect(mediaTypeOf(response)).toBe('application/problem+json')
    expect(response.body).toBe(
      '{"title":"Internal Server Error","type":"about:blank","status":500,"detail":"Internal Server Error"}',
    )
  })

  it('answers a thrown Error on a v1.1 path with code 131', async () => {
    const response = await h.send('GET', '/1.1/test/throws.json')
    expect(response.statusCode).toBe(500)
    expect(response.body).toBe('{"errors":[{"code":131,"message":"Internal error"}]}')
  })
})
