import { buildV1Error, buildV2Problem, ERROR_CODES, type ErrorCode, formatMessage } from '@birdhouse/protocol'
import { describe, expect, it } from 'vitest'
import { recognizeError } from './error-recognition.js'

const PARAMS = {
  mediaId: '123',
  maxBytes: 5,
  category: 'tweet_image',
  parameter: 'media_id',
  reason: 'bad',
  contentType: 'text/plain',
  minutes: 20,
  weightedLength: 300,
  operation: 'x',
}
const CODES = Object.keys(ERROR_CODES) as ErrorCode[]

/** The code a body is expected to read as: the first in catalogue order that renders the same. */
function firstAlike(code: ErrorCode, render: (c: ErrorCode) => unknown): ErrorCode {
  const body = JSON.stringify(render(code))
  return CODES.find((other) => JSON.stringify(render(other)) === body) ?? code
}

describe('recognizeError', () => {
  it.each(CODES)('reads the v2 body of %s back to its code', (code) => {
    const render = (c: ErrorCode) => buildV2Problem(c, { params: PARAMS })
    expect(recognizeError(ERROR_CODES[code].status, render(code)).code).toBe(firstAlike(code, render))
  })

  it.each(CODES)('reads the v1.1 body of %s back to its code', (code) => {
    const render = (c: ErrorCode) => ({
      status: ERROR_CODES[c].v1.status,
      body: buildV1Error(c, '/1.1/media/upload.json', { params: PARAMS }),
    })
    expect(recognizeError(ERROR_CODES[code].v1.status, render(code).body).code).toBe(firstAlike(code, render))
  })

  it('keeps the problem type and the message of a v2 problem', () => {
    const body = buildV2Problem('MEDIA_EXPIRED', { params: { mediaId: '42' } })
    expect(recognizeError(400, body)).toEqual({
      code: 'MEDIA_EXPIRED',
      problem: 'https://api.twitter.com/2/problems/invalid-request',
      message: `Invalid Request: ${formatMessage(ERROR_CODES.MEDIA_EXPIRED.message, { mediaId: '42' })}`,
    })
  })

  it('reads X 429 body', () => {
    const body = { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 }
    expect(recognizeError(429, body).code).toBe('RATE_LIMITED')
  })

  it('leaves unknown bodies without a code', () => {
    expect(recognizeError(502, '<html>bad gateway</html>')).toEqual({
      code: undefined,
      problem: undefined,
      message: '<html>bad gateway</html>',
    })
    expect(recognizeError(500, undefined).message).toBe('HTTP 500')
    expect(recognizeError(400, { errors: [{ code: 999, message: 'new' }] }).code).toBeUndefined()
  })
})
