/**
 * Which credentials each endpoint accepts (spec §2, §7.4, §12; cases 1–8), as one matrix: every
 * kind of endpoint × every kind of credentials, with X's exact refusal bodies. A request that
 * passes authentication answers what its handler answers (the pass column).
 */
import type { HTTPMethods, LightMyRequestResponse } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AuthHarness, bearer, openAuthHarness } from '../test-support/auth-harness.js'
import { form, json, mediaTypeOf, type RequestBody } from '../test-support/route-harness.js'

const ID = '1234567890123456789'

type Outcome = 'pass' | 'missing' | 'unsupported' | 'scope' | 'read-only'
type Credential = 'none' | 'dev' | 'oauth2' | 'oauth2-read-scopes' | 'app-only' | 'oauth1' | 'oauth1-read-only'

type Kind = 'v1' | 'v2-user' | 'v2-lookup'
/** `write`: writes and needs a write scope; `status`: reads with a write scope (STATUS); `read`: reads. */
type Access = 'write' | 'status' | 'read'

interface Endpoint {
  name: string
  method: HTTPMethods
  url: string
  /** What the handler answers once authentication passed. */
  passStatus: number
  /** v1.1 (OAuth 1.0a only), user-context v2 (app-only refused), or a v2 lookup (app-only allowed). */
  kind: Kind
  access: Access
  body?: RequestBody
  /** Urlencoded fields, signed by OAuth 1.0a clients. */
  fields?: Record<string, string>
}

const row = (
  name: string,
  method: HTTPMethods,
  url: string,
  passStatus: number,
  kind: Kind,
  access: Access,
  body?: RequestBody,
  fields?: Record<string, string>,
): Endpoint => ({ name, method, url, passStatus, kind, access, ...(body && { body }), ...(fields && { fields }) })

const INIT_QUERY = 'command=INIT&total_bytes=10&media_type=image%2Fpng'
const statusForm = { status: 'hello from the matrix' }
const altText = { text: 'a cat' }
const ENDPOINTS: Endpoint[] = [
  row('v1.1 upload', 'POST', `/1.1/media/upload.json?${INIT_QUERY}`, 202, 'v1', 'write'),
  row('v1.1 STATUS', 'GET', `/1.1/media/upload.json?command=STATUS&media_id=${ID}`, 400, 'v1', 'status'),
  row(
    'v1.1 alt text',
    'POST',
    '/1.1/media/metadata/create.json',
    400,
    'v1',
    'write',
    json({ media_id: ID, alt_text: altText }),
  ),
  row('v1.1 statuses/update', 'POST', '/1.1/statuses/update.json', 200, 'v1', 'write', form(statusForm), statusForm),
  row(
    'v1.1 subtitles create',
    'POST',
    '/1.1/media/subtitles/create.json',
    404,
    'v1',
    'write',
    json({ media_id: ID, subtitle_info: { subtitles: [{ media_id: ID, language_code: 'EN' }] } }),
  ),
  row(
    'v1.1 subtitles delete',
    'POST',
    '/1.1/media/subtitles/delete.json',
    404,
    'v1',
    'write',
    json({ media_id: ID, subtitle_info: { subtitles: [{ language_code: 'EN' }] } }),
  ),
  row(
    'v2 initialize',
    'POST',
    '/2/media/upload/initialize',
    200,
    'v2-user',
    'write',
    json({ media_type: 'image/png', total_bytes: 10 }),
  ),
  row(
    'v2 append',
    'POST',
    `/2/media/upload/${ID}/append`,
    400,
    'v2-user',
    'write',
    json({ segment_index: 0, media: 'AAAA' }),
  ),
  row('v2 command style', 'POST', `/2/media/upload?${INIT_QUERY}`, 202, 'v2-user', 'write'),
  row('v2 STATUS', 'GET', `/2/media/upload?media_id=${ID}`, 400, 'v2-user', 'status'),
  row(
    'v2 alt text',
    'POST',
    '/2/media/metadata',
    400,
    'v2-user',
    'write',
    json({ id: ID, metadata: { alt_text: altText } }),
  ),
  row(
    'v2 link subtitles',
    'POST',
    '/2/media/subtitles',
    400,
    'v2-user',
    'write',
    json({ id: ID, media_category: 'TweetVideo', subtitles: { id: ID, language_code: 'EN' } }),
  ),
  row(
    'v2 unlink subtitles',
    'DELETE',
    '/2/media/subtitles',
    400,
    'v2-user',
    'write',
    json({ id: ID, media_category: 'TweetVideo', language_code: 'EN' }),
  ),
  row('v2 create post', 'POST', '/2/tweets', 201, 'v2-user', 'write', json({ text: 'hello' })),
  row('v2 delete post', 'DELETE', `/2/tweets/${ID}`, 404, 'v2-user', 'write'),
  row('v2 users/me', 'GET', '/2/users/me', 200, 'v2-user', 'read'),
  row('v2 post lookup', 'GET', `/2/tweets/${ID}`, 200, 'v2-lookup', 'read'),
  row('v2 posts lookup', 'GET', `/2/tweets?ids=${ID}`, 200, 'v2-lookup', 'read'),
  row('v2 user timeline', 'GET', `/2/users/${ID}/tweets`, 200, 'v2-lookup', 'read'),
  row('v2 media lookup', 'GET', `/2/media/3_${ID}`, 200, 'v2-lookup', 'read'),
  row('v2 media lookups', 'GET', `/2/media?media_keys=3_${ID}`, 200, 'v2-lookup', 'read'),
]

function expectedOutcome(endpoint: Endpoint, credential: Credential): Outcome {
  switch (credential) {
    case 'none':
      return 'missing'
    case 'dev':
    case 'oauth1':
      return 'pass'
    case 'oauth1-read-only':
      return endpoint.access === 'write' ? 'read-only' : 'pass'
    case 'oauth2':
      return endpoint.kind === 'v1' ? 'unsupported' : 'pass'
    case 'oauth2-read-scopes':
      if (endpoint.kind === 'v1') return 'unsupported'
      return endpoint.access === 'read' ? 'pass' : 'scope'
    case 'app-only':
      return endpoint.kind === 'v2-lookup' ? 'pass' : 'unsupported'
  }
}

const v1 = (code: number, message: string) => ({ errors: [{ code, message }] })
const REFUSALS: Record<Exclude<Outcome, 'pass'>, { v1: [number, unknown]; v2: [number, unknown] }> = {
  missing: {
    v1: [400, v1(215, 'Bad Authentication data.')],
    v2: [401, { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' }],
  },
  unsupported: {
    v1: [403, v1(220, 'Your credentials do not allow access to this resource.')],
    v2: [
      403,
      {
        title: 'Unsupported Authentication',
        detail:
          'Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.  Supported authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context].',
        type: 'https://api.twitter.com/2/problems/unsupported-authentication',
        status: 403,
      },
    ],
  },
  scope: {
    v1: [403, v1(220, 'Your credentials do not allow access to this resource.')],
    v2: [403, { title: 'Forbidden', type: 'about:blank', status: 403, detail: 'Forbidden' }],
  },
  'read-only': {
    v1: [403, v1(261, 'Your App cannot perform write actions.')],
    v2: [
      403,
      {
        title: 'Forbidden',
        status: 403,
        detail: 'Your client app is not configured with the appropriate oauth1 app permissions for this endpoint.',
        type: 'https://api.twitter.com/2/problems/oauth1-permissions',
      },
    ],
  },
}

let h: AuthHarness
beforeAll(async () => {
  h = await openAuthHarness()
})
afterAll(async () => {
  await h.close()
})

function send(endpoint: Endpoint, credential: Credential): Promise<LightMyRequestResponse> {
  const { method, url, body } = endpoint
  const signedBody = body === undefined ? undefined : { ...body, ...(endpoint.fields ? { form: endpoint.fields } : {}) }
  switch (credential) {
    case 'none':
      return h.sendRaw(method, url, null, body)
    case 'dev':
      return h.sendRaw(method, url, bearer(h.token), body)
    case 'oauth2':
      return h.sendRaw(method, url, bearer(h.oauth2), body)
    case 'oauth2-read-scopes':
      return h.sendRaw(method, url, bearer(h.oauth2ReadScopes), body)
    case 'app-only':
      return h.sendRaw(method, url, bearer(h.appOnly), body)
    case 'oauth1':
      return h.sendSigned(h.oauth1, method, url, signedBody)
    case 'oauth1-read-only':
      return h.sendSigned(h.oauth1ReadOnly, method, url, signedBody)
  }
}

const CREDENTIALS: Credential[] = [
  'none',
  'dev',
  'oauth2',
  'oauth2-read-scopes',
  'app-only',
  'oauth1',
  'oauth1-read-only',
]
const CASES = ENDPOINTS.flatMap((endpoint) =>
  CREDENTIALS.map(
    (credential) => [endpoint.name, credential, expectedOutcome(endpoint, credential), endpoint] as const,
  ),
)

describe('authentication matrix', () => {
  it.each(CASES)('%s with %s → %s', async (_name, credential, outcome, endpoint) => {
    const response = await send(endpoint, credential)
    if (outcome === 'pass') {
      expect(response.statusCode, response.body).toBe(endpoint.passStatus)
      return
    }
    const [status, body] = REFUSALS[outcome][endpoint.kind === 'v1' ? 'v1' : 'v2']
    expect([response.statusCode, response.json()]).toEqual([status, body])
    if (endpoint.kind === 'v1') expect(response.headers['content-type']).toBe('application/json;charset=utf-8')
    else expect(mediaTypeOf(response)).toBe('application/problem+json')
  })
})

describe('GET /2/users/me', () => {
  it.each([
    ['an OAuth 2.0 user token', () => bearer(h.oauth2)],
    ['a development token', () => bearer(h.token)],
  ])('answers who %s acts for', async (_name, header) => {
    const response = await h.sendRaw('GET', '/2/users/me', header())
    expect(response.json()).toEqual({ data: { id: h.userId, name: 'alice', username: 'alice' } })
  })

  it('answers who an OAuth 1.0a token acts for', async () => {
    const response = await h.sendSigned(h.oauth1, 'GET', '/2/users/me')
    expect(response.json()).toEqual({ data: { id: h.userId, name: 'alice', username: 'alice' } })
  })
})
