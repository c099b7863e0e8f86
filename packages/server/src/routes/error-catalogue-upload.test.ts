/**
 * Catalogue codes of the upload lifecycle (media parts, segments, limits, ownership, expiry,
 * storage), each provoked through HTTP with its exact v2 body and its v1.1 body (ids as `<id>`).
 * error-rendering.test.ts checks that every code is probed in one of the catalogue test files.
 */
import type { ErrorCode } from '@birdhouse/protocol'
import { afterEach, beforeEach, describe } from 'vitest'
import { type CatalogueEntry, itRendersBothDialects } from '../test-support/catalogue-probes.js'
import {
  blankProblem as blank,
  form,
  invalidRequestProblem as invalid,
  jpegBytes,
  json,
  multipart,
  openRouteHarness,
  type RouteHarness,
  v1ErrorsBody as v1Errors,
  v1RequestBody as v1Request,
} from '../test-support/route-harness.js'

type Entry = CatalogueEntry<RouteHarness>

const V1 = '/1.1/media/upload.json'
const UNKNOWN_ID = '1234567890123456789'

const initialize = (h: RouteHarness, body: unknown) => h.send('POST', '/2/media/upload/initialize', json(body))

/** An upload of `bytes` (INIT + APPEND 0), resolving to its id. */
async function uploaded(h: RouteHarness, bytes: Buffer, totalBytes = bytes.length) {
  const response = await initialize(h, { media_type: 'image/jpeg', total_bytes: totalBytes })
  const id = (response.json() as { data: { id: string } }).data.id
  await h.send('POST', `/2/media/upload/${id}/append`, multipart({ segment_index: '0' }, { name: 'media', bytes }))
  return id
}
async function finalizedJpeg(h: RouteHarness) {
  const id = await uploaded(h, await jpegBytes())
  await h.send('POST', `/2/media/upload/${id}/finalize`)
  return id
}
async function expired(h: RouteHarness) {
  const id = await uploaded(h, Buffer.from('x'))
  h.clock.advance(86_400_000)
  return id
}
async function withoutBlobs(h: RouteHarness) {
  const id = await uploaded(h, await jpegBytes())
  await h.stores.blobs.removePrefix(`uploads/${id}/`)
  return id
}
const finalizeV2 = (h: RouteHarness, id: string) => h.send('POST', `/2/media/upload/${id}/finalize`)
const finalizeV1 = (h: RouteHarness, id: string) => h.send('POST', V1, form({ command: 'FINALIZE', media_id: id }))
const appendV2 = (h: RouteHarness, id: string, index: string, bytes: Buffer | string) =>
  h.send('POST', `/2/media/upload/${id}/append`, multipart({ segment_index: index }, { name: 'media', bytes }))
const appendV1 = (h: RouteHarness, id: string, index: string, bytes: Buffer | string) =>
  h.send('POST', V1, multipart({ command: 'APPEND', media_id: id, segment_index: index }, { name: 'media', bytes }))

/** Probes by code; `satisfies` rejects a misspelt code. */
const PROBES = {
  MEDIA_PARAMETER_MISSING: {
    v2: {
      provoke: (h) => h.send('POST', '/2/media/upload', json({ media_category: 'tweet_image' })),
      status: 400,
      body: invalid('media parameter is missing.'),
    },
    v1: {
      provoke: (h) => h.send('POST', V1, form({ media_category: 'tweet_image' })),
      status: 400,
      body: v1Errors(38, 'media parameter is missing.'),
    },
  },
  MEDIA_PARAMETER_CONFLICT: {
    v2: {
      provoke: (h) =>
        h.send(
          'POST',
          '/2/media/upload',
          multipart({ media_category: 'tweet_image', media_data: 'eA==' }, { name: 'media', bytes: 'x' }),
        ),
      status: 400,
      body: invalid('media and media_data cannot be sent together.'),
    },
    v1: {
      provoke: (h) => h.send('POST', V1, form({ media: 'x', media_data: 'eA==' })),
      status: 400,
      body: v1Errors(44, 'media and media_data cannot be sent together.'),
    },
  },
  MEDIA_TYPE_UNRECOGNIZED: {
    v2: {
      provoke: (h) =>
        h.send(
          'POST',
          '/2/media/upload',
          multipart({ media_category: 'tweet_image' }, { name: 'media', bytes: 'plain text' }),
        ),
      status: 400,
      body: invalid('media type unrecognized.'),
    },
    v1: {
      provoke: (h) => h.send('POST', V1, multipart({}, { name: 'media', bytes: 'plain text' })),
      status: 400,
      body: v1Request('media type unrecognized.'),
    },
  },
  SEGMENTS_SIZE_MISMATCH: {
    v2: {
      provoke: async (h) => finalizeV2(h, await uploaded(h, await jpegBytes(), 4000)),
      status: 400,
      body: invalid('Segments do not add up to provided total file size.'),
    },
    v1: {
      provoke: async (h) => finalizeV1(h, await uploaded(h, await jpegBytes(), 4000)),
      status: 400,
      body: v1Request('Segments do not add up to provided total file size.'),
    },
  },
  SEGMENT_INDEX_OUT_OF_RANGE: {
    v2: {
      provoke: async (h) => appendV2(h, await uploaded(h, Buffer.from('x'), 9), '1000', 'x'),
      status: 400,
      body: invalid('SegmentIndex must be between 0 and 999.', { segment_index: ['1000'] }),
    },
    v1: {
      provoke: async (h) => appendV1(h, await uploaded(h, Buffer.from('x'), 9), '1000', 'x'),
      status: 400,
      body: v1Errors(44, 'SegmentIndex must be between 0 and 999.'),
    },
  },
  SEGMENT_TOO_LARGE: {
    v2: {
      provoke: async (h) => appendV2(h, await uploaded(h, Buffer.from('x'), 9), '1', Buffer.alloc(1025)),
      status: 400,
      body: invalid('Segment is larger than the maximum of 1024 bytes.'),
    },
    v1: {
      provoke: async (h) => appendV1(h, await uploaded(h, Buffer.from('x'), 9), '1', Buffer.alloc(1025)),
      status: 400,
      body: v1Request('Segment is larger than the maximum of 1024 bytes.'),
    },
  },
  MEDIA_TOO_LARGE: {
    v2: {
      provoke: (h) => initialize(h, { media_type: 'image/png', total_bytes: 5242881, media_category: 'tweet_image' }),
      status: 400,
      body: invalid('File size exceeds 5242880 bytes for media category tweet_image.', { total_bytes: ['5242881'] }),
    },
    v1: {
      provoke: (h) =>
        h.send(
          'POST',
          V1,
          form({ command: 'INIT', media_type: 'image/png', total_bytes: '5242881', media_category: 'tweet_image' }),
        ),
      status: 400,
      body: v1Request('File size exceeds 5242880 bytes for media category tweet_image.'),
    },
  },
  UPLOAD_ALREADY_FINALIZED: {
    v2: {
      provoke: async (h) => appendV2(h, await finalizedJpeg(h), '1', 'x'),
      status: 400,
      body: invalid('Media id <id> has already been finalized.'),
    },
    v1: {
      provoke: async (h) => appendV1(h, await finalizedJpeg(h), '1', 'x'),
      status: 400,
      body: v1Request('Media id <id> has already been finalized.'),
    },
  },
  MEDIA_NOT_FOUND: {
    v2: {
      provoke: (h) => finalizeV2(h, UNKNOWN_ID),
      status: 400,
      body: invalid('BadRequest: Not found', { media_id: ['<id>'] }),
    },
    v1: { provoke: (h) => finalizeV1(h, UNKNOWN_ID), status: 400, body: v1Request('Invalid mediaId <id>.') },
  },
  MEDIA_EXPIRED: {
    v2: {
      provoke: async (h) => finalizeV2(h, await expired(h)),
      status: 400,
      body: invalid('Media id <id> has expired.', { media_id: ['<id>'] }),
    },
    v1: {
      provoke: async (h) => finalizeV1(h, await expired(h)),
      status: 400,
      body: v1Request('Media id <id> has expired.'),
    },
  },
  STATUS_NOT_AVAILABLE: {
    v2: {
      provoke: async (h) => h.send('GET', `/2/media/upload?media_id=${await finalizedJpeg(h)}`),
      status: 400,
      body: invalid('BadRequest: Not found'),
    },
    v1: {
      provoke: async (h) => h.send('GET', `${V1}?command=STATUS&media_id=${await finalizedJpeg(h)}`),
      status: 404,
      body: v1Errors(34, 'Sorry, that page does not exist.'),
    },
  },
  BLOB_NOT_FOUND: {
    v2: {
      provoke: async (h) => finalizeV2(h, await withoutBlobs(h)),
      status: 500,
      body: blank('Internal Server Error', 500, 'Stored bytes for this media are missing.'),
    },
    v1: {
      provoke: async (h) => finalizeV1(h, await withoutBlobs(h)),
      status: 500,
      body: v1Errors(131, 'Internal error'),
    },
  },
} satisfies Partial<Record<ErrorCode, Entry>>

let h: RouteHarness

beforeEach(async () => {
  h = await openRouteHarness({ env: { BIRDHOUSE_MAX_SEGMENT_BYTES: '1024' } })
})
afterEach(async () => {
  await h.close()
})

const entries = Object.entries(PROBES) as [ErrorCode, Entry][]

describe.each(entries)('%s', (code, { v2, v1 }) => {
  itRendersBothDialects(code, { v2, v1 }, () => h)
})
