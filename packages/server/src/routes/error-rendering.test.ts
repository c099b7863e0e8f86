/**
 * Catalogue codes a request cannot provoke on memory stores: their exact bodies from the protocol
 * builders and through the error handler (a throwaway route throws the `ApiError`), the 431 of an
 * oversized header block on a real port, and the 503 of a closing server. Also checks that every
 * catalogue code is probed by one of the catalogue test files.
 */
import { readFile } from 'node:fs/promises'
import { buildV1Error, buildV2Problem, ERROR_CODES, type ErrorCode, type ErrorParams } from '@birdhouse/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { ApiError } from '../errors.js'
import {
  blankProblem as blank,
  mediaTypeOf,
  openRouteHarness,
  type RouteHarness,
  v1ErrorsBody as v1Errors,
} from '../test-support/route-harness.js'

type Home =
  | 'auth-errors.test.ts'
  | 'error-catalogue-request.test.ts'
  | 'error-catalogue-upload.test.ts'
  | 'error-rendering.test.ts'
  | 'media-errors.test.ts'
  | 'post-errors.test.ts'
const REQUEST: Home = 'error-catalogue-request.test.ts'
const UPLOAD: Home = 'error-catalogue-upload.test.ts'
const HERE: Home = 'error-rendering.test.ts'
const POSTS: Home = 'post-errors.test.ts'
const AUTH: Home = 'auth-errors.test.ts'
const MEDIA: Home = 'media-errors.test.ts'

/** Where each code is provoked; `satisfies` makes a new catalogue code without a home a compile error. */
const PROBED_IN = {
  AUTH_MISSING: REQUEST,
  AUTH_INVALID: REQUEST,
  AUTH_SIGNATURE_INVALID: AUTH,
  AUTH_TIMESTAMP_INVALID: AUTH,
  AUTH_NONCE_REUSED: AUTH,
  AUTH_UNSUPPORTED_METHOD: AUTH,
  AUTH_SCOPE_MISSING: AUTH,
  AUTH_APP_READ_ONLY: AUTH,
  RATE_LIMITED: AUTH,
  ROUTE_NOT_FOUND: REQUEST,
  INVALID_PARAMETER: REQUEST,
  MISSING_PARAMETER: REQUEST,
  UNKNOWN_PARAMETER: REQUEST,
  INVALID_COMMAND: REQUEST,
  BODY_NOT_JSON: REQUEST,
  BODY_NOT_JSON_OBJECT: REQUEST,
  CONTENT_TYPE_NOT_JSON: REQUEST,
  UNSUPPORTED_CONTENT_TYPE: REQUEST,
  MALFORMED_BODY: REQUEST,
  BODY_TOO_LARGE: REQUEST,
  HEADERS_TOO_LARGE: HERE,
  MEDIA_PARAMETER_MISSING: UPLOAD,
  MEDIA_PARAMETER_CONFLICT: UPLOAD,
  MEDIA_TYPE_UNRECOGNIZED: UPLOAD,
  IMAGE_DIMENSIONS_INVALID: MEDIA,
  SUBTITLES_INVALID: MEDIA,
  SEGMENTS_SIZE_MISMATCH: UPLOAD,
  SEGMENT_INDEX_OUT_OF_RANGE: UPLOAD,
  SEGMENT_TOO_LARGE: UPLOAD,
  MEDIA_TOO_LARGE: UPLOAD,
  UPLOAD_ALREADY_FINALIZED: UPLOAD,
  UPLOAD_NOT_FINALIZED: MEDIA,
  MEDIA_NOT_FOUND: UPLOAD,
  SUBTITLE_MEDIA_NOT_FOUND: MEDIA,
  MEDIA_EXPIRED: UPLOAD,
  STATUS_NOT_AVAILABLE: UPLOAD,
  BLOB_NOT_FOUND: UPLOAD,
  BLOB_TOO_LARGE: HERE,
  BLOB_KEY_INVALID: HERE,
  POST_MEDIA_NOT_FOUND: POSTS,
  POST_MEDIA_INVALID: POSTS,
  POST_MEDIA_NOT_READY: POSTS,
  POST_MEDIA_TOO_FEW: POSTS,
  POST_MEDIA_TOO_MANY: POSTS,
  POST_MEDIA_GIF_MIXED: POSTS,
  POST_MEDIA_TYPES_MIXED: POSTS,
  POST_VIDEO_TOO_LONG: POSTS,
  POST_TEXT_TOO_LONG: POSTS,
  POST_EMPTY: POSTS,
  POST_NOT_FOUND: POSTS,
  ALT_TEXT_TOO_LONG: POSTS,
  UNSUPPORTED_OPERATION: HERE,
  SERVICE_UNAVAILABLE: HERE,
  INTERNAL: REQUEST,
} as const satisfies Record<ErrorCode, Home>

/** Codes rendered here, each with why no request reaches it, its params and its exact bodies. */
const RENDERED: readonly [ErrorCode, string, ErrorParams, unknown, unknown][] = [
  [
    'BLOB_TOO_LARGE',
    'routes turn staging overflows into SEGMENT_TOO_LARGE / MEDIA_TOO_LARGE',
    { maxBytes: 10 },
    blank('Payload Too Large', 413, 'The stored object would exceed 10 bytes.'),
    v1Errors(44, 'The stored object would exceed 10 bytes.'),
  ],
  [
    'BLOB_KEY_INVALID',
    'the server builds every blob key itself',
    { key: '../x' },
    blank('Internal Server Error', 500, 'Internal Server Error'),
    v1Errors(131, 'Internal error'),
  ],
  [
    'UNSUPPORTED_OPERATION',
    'memory and disk stores implement every method routes reach',
    { operation: 'localPath' },
    blank('Not Implemented', 501, 'This storage backend does not support localPath.'),
    v1Errors(131, 'This storage backend does not support localPath.'),
  ],
  [
    'SERVICE_UNAVAILABLE',
    'only a closing server or an unreachable backend answers it',
    {},
    blank('Service Unavailable', 503, 'Service Unavailable'),
    v1Errors(130, 'Over capacity'),
  ],
  [
    'HEADERS_TOO_LARGE',
    'Node rejects the header block before Fastify sees a request',
    {},
    blank('Request Header Fields Too Large', 431, 'Request Header Fields Too Large'),
    v1Errors(44, 'Request Header Fields Too Large'),
  ],
]

/** Top-level keys of the `PROBES` table in a catalogue test file. */
async function probedCodes(file: Home): Promise<string[]> {
  const source = await readFile(new URL(`./${file}`, import.meta.url), 'utf8')
  const table = source.slice(source.indexOf('const PROBES = {'), source.indexOf('} satisfies Partial<Record<ErrorCode'))
  return [...table.matchAll(/^ {2}([A-Z_]+): \{$/gm)].map((match) => match[1] ?? '').sort()
}

describe('catalogue coverage', () => {
  it.each([REQUEST, UPLOAD, POSTS, AUTH, MEDIA])('%s probes exactly the codes assigned to it', async (file) => {
    const expected = Object.entries(PROBED_IN)
      .filter(([, home]) => home === file)
      .map(([code]) => code)
    expect(await probedCodes(file)).toEqual(expected.sort())
  })

  it('renders here exactly the codes assigned here', () => {
    const expected = Object.entries(PROBED_IN)
      .filter(([, home]) => home === HERE)
      .map(([code]) => code)
    expect(RENDERED.map(([code]) => code).sort()).toEqual(expected.sort())
    expect(Object.keys(PROBED_IN).sort()).toEqual(Object.keys(ERROR_CODES).sort())
  })
})

describe.each(RENDERED)('%s (%s)', (code, _why, params, v2Body, v1Body) => {
  let h: RouteHarness | undefined
  afterEach(async () => {
    await h?.close()
  })

  it('builds its v2 and v1.1 bodies', () => {
    expect(buildV2Problem(code, { params })).toEqual(v2Body)
    expect(buildV1Error(code, '/1.1/media/upload.json', { params })).toEqual(v1Body)
  })

  it('is sent by the error handler with its statuses', async () => {
    const throwIt = async () => {
      throw new ApiError(code, { params })
    }
    h = await openRouteHarness({
      setup: (app) => {
        app.get('/2/test/api-error', throwIt)
        app.get('/1.1/test/api-error.json', throwIt)
      },
    })
    const v2 = await h.send('GET', '/2/test/api-error')
    expect([v2.statusCode, mediaTypeOf(v2), v2.json()]).toEqual([
      ERROR_CODES[code].status,
      'application/problem+json',
      v2Body,
    ])
    const v1 = await h.send('GET', '/1.1/test/api-error.json')
    expect(v1.statusCode).toBe(ERROR_CODES[code].v1.status)
    const expected =
      'request' in (v1Body as object)
        ? { request: '/1.1/test/api-error.json', error: (v1Body as { error: string }).error }
        : v1Body
    expect(v1.json()).toEqual(expected)
  })
})

describe('over a real port', () => {
  let h: RouteHarness | undefined
  afterEach(async () => {
    await h?.close()
  })

  it('answers a 20 KB header block with 431 and an X problem body', async () => {
    h = await openRouteHarness()
    const url = await h.app.listen({ port: 0, host: '127.0.0.1' })
    const response = await fetch(`${url}/2/media/upload/initialize`, {
      method: 'POST',
      headers: { 'x-padding': 'a'.repeat(20 * 1024) },
    })
    expect(response.status).toBe(431)
    expect(response.headers.get('content-type')).toBe('application/problem+json')
    expect(await response.text()).toBe(
      '{"title":"Request Header Fields Too Large","type":"about:blank","status":431,"detail":"Request Header Fields Too Large"}',
    )
  })

  it('answers requests that arrive while the server is closing with SERVICE_UNAVAILABLE in each dialect', async () => {
    let closingStarted: () => void = () => {}
    let releaseClose: () => void = () => {}
    const started = new Promise<void>((resolve) => {
      closingStarted = resolve
    })
    const released = new Promise<void>((resolve) => {
      releaseClose = resolve
    })
    // preClose runs after Fastify marked itself closing and before it stops accepting connections.
    h = await openRouteHarness({
      setup: (app) =>
        app.addHook('preClose', async () => {
          closingStarted()
          await released
        }),
    })
    const url = await h.app.listen({ port: 0, host: '127.0.0.1' })
    const closed = h.app.close()
    await started
    const headers = { authorization: `Bearer ${h.token}` }
    const v2 = await fetch(`${url}/2/media/upload?media_id=1`, { headers })
    const v1 = await fetch(`${url}/1.1/media/upload.json?command=STATUS&media_id=1`, { headers })
    const bodies = [await v2.text(), await v1.text()]
    releaseClose()
    await closed
    expect([v2.status, v2.headers.get('content-type')?.split(';')[0], bodies[0]]).toEqual([
      503,
      'application/problem+json',
      '{"title":"Service Unavailable","type":"about:blank","status":503,"detail":"Service Unavailable"}',
    ])
    expect([v1.status, v1.headers.get('content-type'), bodies[1]]).toEqual([
      503,
      'application/json;charset=utf-8',
      '{"errors":[{"code":130,"message":"Over capacity"}]}',
    ])
  })
})
