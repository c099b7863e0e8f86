/**
 * Catalogue codes about the request itself (auth, routing, parameters, bodies, faults), each
 * provoked through HTTP with its exact v2 body and, where a /1.1/ route reaches it, its v1.1 body.
 * error-rendering.test.ts checks that every code is probed in one of the catalogue test files.
 */
import type { ErrorCode } from '@birdhouse/protocol'
import { afterEach, beforeEach, describe } from 'vitest'
import { type CatalogueEntry, itRendersBothDialects } from '../test-support/catalogue-probes.js'
import {
  blankProblem as blank,
  form,
  invalidRequestProblem as invalid,
  json,
  openRouteHarness,
  type RouteHarness,
  v1ErrorsBody as v1Errors,
} from '../test-support/route-harness.js'

type Entry = CatalogueEntry<RouteHarness>

const V1 = '/1.1/media/upload.json'
const UNKNOWN_ID = '1234567890123456789'
const initialize = (h: RouteHarness, body: unknown) => h.send('POST', '/2/media/upload/initialize', json(body))
const noBoundary = { payload: 'x', headers: { 'content-type': 'multipart/form-data' } }
const badJson = { payload: '{"media', headers: { 'content-type': 'application/json' } }
const oversized = (field: string) => ({
  payload: `${field}=${'A'.repeat(8 * 1024 * 1024)}`,
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
})

/** Probes by code; `satisfies` rejects a misspelt code. */
const PROBES = {
  AUTH_MISSING: {
    v2: {
      provoke: (h) => h.send('POST', '/2/media/upload/initialize', undefined, null),
      status: 401,
      body: blank('Unauthorized', 401, 'Unauthorized'),
    },
    v1: {
      provoke: (h) => h.send('POST', V1, undefined, null),
      status: 400,
      body: v1Errors(215, 'Bad Authentication data.'),
    },
  },
  AUTH_INVALID: {
    v2: {
      provoke: (h) => h.send('POST', '/2/media/upload/initialize', undefined, 'bh_unknown'),
      status: 401,
      body: blank('Unauthorized', 401, 'Unauthorized'),
    },
    v1: {
      provoke: (h) => h.send('POST', V1, undefined, 'bh_unknown'),
      status: 401,
      body: v1Errors(89, 'Invalid or expired token.'),
    },
  },
  ROUTE_NOT_FOUND: {
    v2: { provoke: (h) => h.send('GET', '/2/nope'), status: 404, body: blank('Not Found', 404, 'Not Found') },
    v1: {
      provoke: (h) => h.send('GET', '/1.1/media/nope.json'),
      status: 404,
      body: v1Errors(34, 'Sorry, that page does not exist.'),
    },
  },
  INVALID_PARAMETER: {
    v2: {
      provoke: (h) => initialize(h, { media_type: 'application/pdf', total_bytes: 1 }),
      status: 400,
      body: invalid('The `media_type` parameter is invalid: is not a supported media type.', {
        media_type: ['application/pdf'],
      }),
    },
    v1: {
      provoke: (h) => h.send('POST', V1, form({ command: 'INIT', media_type: 'application/pdf', total_bytes: '1' })),
      status: 400,
      body: v1Errors(44, 'media_type parameter is invalid.'),
    },
  },
  MISSING_PARAMETER: {
    v2: {
      provoke: (h) => initialize(h, { media_type: 'image/png' }),
      status: 400,
      body: invalid('The `total_bytes` parameter is missing.', { total_bytes: [] }),
    },
    v1: {
      provoke: (h) => h.send('POST', V1, form({ command: 'INIT', media_type: 'image/png' })),
      status: 400,
      body: v1Errors(38, 'total_bytes parameter is missing.'),
    },
  },
  UNKNOWN_PARAMETER: {
    v2: {
      provoke: (h) => initialize(h, { media_type: 'image/png', total_bytes: 1, colour: 'red' }),
      status: 400,
      body: invalid('The `colour` parameter is not allowed here.', { colour: [] }),
    },
    v1: {
      unreachable: 'v1.1 INIT ignores extra fields; only JSON-only initialize enforces additionalProperties: false',
    },
  },
  INVALID_COMMAND: {
    v2: {
      provoke: (h) => h.send('POST', '/2/media/upload', form({ command: 'NOPE' })),
      status: 400,
      body: invalid('The `command` parameter must be one of INIT, APPEND, FINALIZE or STATUS.', { command: ['NOPE'] }),
    },
    v1: {
      provoke: (h) => h.send('POST', V1, form({ command: 'NOPE' })),
      status: 400,
      body: v1Errors(44, 'command parameter is invalid.'),
    },
  },
  BODY_NOT_JSON: {
    v2: {
      provoke: (h) => h.send('POST', '/2/media/upload/initialize', badJson),
      status: 400,
      body: invalid('Request body is not valid JSON.'),
    },
    v1: {
      provoke: (h) => h.send('POST', V1, badJson),
      status: 400,
      body: v1Errors(44, 'Request body is not valid JSON.'),
    },
  },
  BODY_NOT_JSON_OBJECT: {
    v2: { provoke: (h) => initialize(h, ['media']), status: 400, body: invalid('Request body must be a JSON object.') },
    v1: {
      provoke: (h) => h.send('POST', V1, json('media')),
      status: 400,
      body: v1Errors(44, 'Request body must be a JSON object.'),
    },
  },
  CONTENT_TYPE_NOT_JSON: {
    v2: {
      provoke: (h) => h.send('POST', '/2/media/upload/initialize', form({ media_type: 'image/png' })),
      status: 400,
      body: invalid('Requests with bodies must have content-type of application/json.'),
    },
    v1: { unreachable: 'every v1.1 command takes form bodies' },
  },
  UNSUPPORTED_CONTENT_TYPE: {
    v2: {
      provoke: (h) =>
        h.send('POST', '/2/media/upload?media_category=tweet_image', {
          payload: Buffer.from('raw bytes'),
          headers: { 'content-type': 'application/octet-stream' },
        }),
      status: 415,
      body: blank('Unsupported Media Type', 415, 'Content-Type application/octet-stream is not supported here.'),
    },
    v1: {
      provoke: (h) =>
        h.send('POST', V1, {
          payload: Buffer.from('raw bytes'),
          headers: { 'content-type': 'application/octet-stream' },
        }),
      status: 415,
      body: v1Errors(44, 'Content-Type application/octet-stream is not supported here.'),
    },
  },
  MALFORMED_BODY: {
    v2: {
      provoke: (h) => h.send('POST', `/2/media/upload/${UNKNOWN_ID}/append`, noBoundary),
      status: 400,
      body: invalid('The request body could not be read: the multipart boundary is missing.'),
    },
    v1: {
      provoke: (h) => h.send('POST', V1, noBoundary),
      status: 400,
      body: v1Errors(44, 'The request body could not be read: the multipart boundary is missing.'),
    },
  },
  BODY_TOO_LARGE: {
    v2: {
      provoke: (h) => h.send('POST', '/2/media/upload', oversized('media')),
      status: 413,
      body: blank('Payload Too Large', 413, 'Request body is larger than 8388608 bytes.'),
    },
    v1: {
      provoke: (h) => h.send('POST', V1, oversized('media_data')),
      status: 413,
      body: v1Errors(44, 'Request body is larger than 8388608 bytes.'),
    },
  },
  INTERNAL: {
    v2: {
      provoke: (h) => h.send('GET', '/2/test/throws'),
      status: 500,
      body: blank('Internal Server Error', 500, 'Internal Server Error'),
    },
    v1: { provoke: (h) => h.send('GET', '/1.1/test/throws.json'), status: 500, body: v1Errors(131, 'Internal error') },
  },
} satisfies Partial<Record<ErrorCode, Entry>>

let h: RouteHarness

beforeEach(async () => {
  h = await openRouteHarness({
    setup: (app) => {
      const fail = async () => {
        throw new Error('secret: do not send')
      }
      app.get('/2/test/throws', fail)
      app.get('/1.1/test/throws.json', fail)
    },
  })
})
afterEach(async () => {
  await h.close()
})

const entries = Object.entries(PROBES) as [ErrorCode, Entry][]

describe.each(entries)('%s', (code, { v2, v1 }) => {
  itRendersBothDialects(code, { v2, v1 }, () => h)
})
