/** The exit code of every failure class, and the README's exit-code table against `EXIT`. */
import { readFile } from 'node:fs/promises'
import {
  CreatePostError,
  NetworkError,
  OAuthClientError,
  PreflightError,
  TimeoutError,
  XApiError,
  type XApiErrorOptions,
} from '@birdhouse/client'
import { TokenStoreError } from '@birdhouse/client/node'
import { describe, expect, it } from 'vitest'
import { describeFailure, exitCodeFor } from './api-failure.js'
import { CliError } from './cli-error.js'
import { EXIT } from './exit-codes.js'

function apiError(status: number, extra: Partial<XApiErrorOptions> = {}): XApiError {
  return new XApiError(`HTTP ${status}`, {
    status,
    method: 'POST',
    url: 'http://x/2/media/upload',
    body: undefined,
    ...extra,
  })
}

describe('exitCodeFor', () => {
  it.each([
    ['a usage error found by the CLI', new CliError('usage', 'photo.png: no such file'), EXIT.usage],
    ['no answer', new NetworkError('POST', 'http://x', new Error('ECONNREFUSED')), EXIT.unavailable],
    ['a request timeout', new TimeoutError('request', 1000, 'slow'), EXIT.unavailable],
    ['a 5xx after retries', apiError(503), EXIT.unavailable],
    ['a 429 after retries', apiError(429), EXIT.unavailable],
    ['a 401', apiError(401), EXIT.auth],
    ['a 403', apiError(403), EXIT.auth],
    ['a refused refresh token', new OAuthClientError('REAUTHORIZE_REQUIRED', 'log in again'), EXIT.auth],
    ['a refused code exchange', new OAuthClientError('TOKEN_REQUEST_REJECTED', 'no'), EXIT.auth],
    ['a token endpoint answering garbage', new OAuthClientError('TOKEN_REQUEST_FAILED', '502'), EXIT.unavailable],
    ['a corrupt token file', new TokenStoreError('TOKEN_STORE_CORRUPT', 'bad'), EXIT.auth],
    ['a 400', apiError(400), EXIT.rejected],
    ['a preflight refusal', new PreflightError('MEDIA_TOO_LARGE', 'too big'), EXIT.rejected],
    [
      'failed processing',
      apiError(200, { processingError: { code: 1, name: 'InvalidMedia', message: 'Unsupported video format' } }),
      EXIT.processingFailed,
    ],
    ['processing past its deadline', new TimeoutError('processing', 1000, 'still processing'), EXIT.processingFailed],
    ['an abort', new DOMException('This operation was aborted', 'AbortError'), EXIT.aborted],
    ['anything else', new Error('bug'), EXIT.internal],
  ])('maps %s', (_name, error, code) => {
    expect(exitCodeFor(error)).toBe(code)
  })

  it('maps a post whose media failed by the first failure, and says what did upload', () => {
    const items = [
      { index: 0, mediaId: '11', error: undefined },
      { index: 1, mediaId: undefined, error: apiError(400, { body: { title: 'Invalid Request', detail: 'too big' } }) },
    ]
    const error = new CreatePostError('POST_MEDIA_FAILED', 'media 1 failed', items)
    expect(exitCodeFor(error)).toBe(EXIT.rejected)
    expect(describeFailure(error)).toBe(
      'nothing was posted (media 2: Invalid Request: too big; uploaded and ready: 11)',
    )
  })
})

describe('describeFailure', () => {
  it("prints a problem body as title: detail, preferring errors[0].message over X's generic detail", () => {
    const body = {
      title: 'Invalid Request',
      detail: 'One or more parameters to your request was invalid.',
      errors: [{ message: 'BadRequest: Not found' }],
    }
    expect(describeFailure(apiError(400, { body }))).toBe('Invalid Request: BadRequest: Not found')
    expect(describeFailure(apiError(401, { body: { title: 'Unauthorized', detail: 'Unauthorized' } }))).toBe(
      'Unauthorized: Unauthorized',
    )
  })
})

describe('the README', () => {
  it('documents every exit code with the meaning exit-codes.ts gives it', async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8')
    const rows = [...readme.matchAll(/^\| (\d+) +\|/gm)].map((match) => Number(match[1]))
    expect(rows).toEqual(Object.values(EXIT))
  })
})
