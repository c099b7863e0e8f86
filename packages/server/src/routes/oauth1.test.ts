/**
 * OAuth 1.0a through HTTP: the base URLs real clients sign over, what of a body is signed, and
 * X's v1.1 and v2 answers to bad signatures, stale timestamps, replays and unknown credentials
 * (spec §7.4, §12.2, cases 5 and 6).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { signRequest } from '../test-support/auth-fixtures.js'
import { type AuthHarness, openAuthHarness } from '../test-support/auth-harness.js'
import { form, json, multipart, pngBytes } from '../test-support/route-harness.js'

const V1 = '/1.1/media/upload.json'
const INIT_QUERY = '?command=INIT&total_bytes=10&media_type=image%2Fpng'
const UNAUTHORIZED = { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' }
const v1Error = (code: number, message: string) => ({ errors: [{ code, message }] })
const COULD_NOT = 'Could not authenticate you.'

let h: AuthHarness
beforeEach(async () => {
  h = await openAuthHarness()
})
afterEach(async () => {
  await h.close()
})

describe('base URLs a client may have signed over', () => {
  it.each([
    ['the local URL the request reached', 'http://localhost:80'],
    ['https:// and the Host header (tweepy behind a rewriting adapter)', 'https://localhost:80'],
    ["X's upload host (twitter-api-v2 behind an agent)", 'https://upload.twitter.com'],
    ["X's new upload host", 'https://upload.x.com'],
    ["X's API host", 'https://api.x.com'],
  ])('accepts a signature over %s', async (_name, origin) => {
    const response = await h.sendSigned(h.oauth1, 'POST', `${V1}${INIT_QUERY}`, undefined, { signedOrigin: origin })
    expect(response.statusCode).toBe(202)
  })

  it("refuses a signature over a host that is neither the request's nor configured", async () => {
    const response = await h.sendSigned(h.oauth1, 'POST', `${V1}${INIT_QUERY}`, undefined, {
      signedOrigin: 'https://evil.example',
    })
    expect([response.statusCode, response.json()]).toEqual([401, v1Error(32, COULD_NOT)])
  })

  it('uses only the configured list when BIRDHOUSE_OAUTH1_BASE_URLS is set', async () => {
    await h.close()
    h = await openAuthHarness({ env: { BIRDHOUSE_OAUTH1_BASE_URLS: 'https://media.example.org:8443' } })
    const ours = await h.sendSigned(h.oauth1, 'POST', `${V1}${INIT_QUERY}`, undefined, {
      signedOrigin: 'https://media.example.org:8443',
    })
    expect(ours.statusCode).toBe(202)
    const xs = await h.sendSigned(h.oauth1, 'POST', `${V1}${INIT_QUERY}`, undefined, {
      signedOrigin: 'https://upload.twitter.com',
    })
    expect(xs.statusCode).toBe(401)
  })
})

describe('what is signed', () => {
  it('verifies an urlencoded body as part of the signature', async () => {
    const fields = { command: 'INIT', total_bytes: '10', media_type: 'image/png' }
    const response = await h.sendSigned(h.oauth1, 'POST', V1, { ...form(fields), form: fields })
    expect(response.statusCode).toBe(202)
  })

  it('refuses an urlencoded body changed after signing', async () => {
    const signed = { command: 'INIT', total_bytes: '10', media_type: 'image/png' }
    const sent = form({ ...signed, total_bytes: '11' })
    const response = await h.sendSigned(h.oauth1, 'POST', V1, { ...sent, form: signed })
    expect([response.statusCode, response.json()]).toEqual([401, v1Error(32, COULD_NOT)])
  })

  it('refuses an urlencoded body that was left out of the signature', async () => {
    const response = await h.sendSigned(
      h.oauth1,
      'POST',
      V1,
      form({ command: 'INIT', total_bytes: '10', media_type: 'image/png' }),
    )
    expect(response.statusCode).toBe(401)
  })

  it('accepts a multipart upload whose body is not signed (the query is)', async () => {
    const body = multipart({ media_category: 'tweet_image' }, { name: 'media', bytes: await pngBytes() })
    const response = await h.sendSigned(h.oauth1, 'POST', `${V1}?media_category=tweet_image`, body)
    expect(response.statusCode).toBe(200)
  })

  it("accepts a multipart upload signed without its query parameters (X's old media docs)", async () => {
    const body = multipart({}, { name: 'media', bytes: await pngBytes() })
    const url = `${V1}?media_category=tweet_image`
    const response = await h.sendSigned(h.oauth1, 'POST', url, body, { omitQuery: true })
    expect(response.statusCode).toBe(200)
  })

  it('requires the query in the signature of a request that is not multipart', async () => {
    const response = await h.sendSigned(h.oauth1, 'POST', `${V1}${INIT_QUERY}`, undefined, { omitQuery: true })
    expect(response.statusCode).toBe(401)
  })

  it('leaves a JSON body out of the signature (v2 initialize)', async () => {
    const body = json({ media_type: 'image/png', total_bytes: 10 })
    const response = await h.sendSigned(h.oauth1, 'POST', '/2/media/upload/initialize', body, {
      signedOrigin: 'https://api.x.com',
    })
    expect(response.statusCode).toBe(200)
  })
})

describe("X's errors", () => {
  it('answers a wrong signature with 401 code 32 (v1.1) and the Unauthorized problem (v2)', async () => {
    const wrong = { ...h.oauth1, tokenSecret: 'not-the-secret' }
    const v1 = await h.sendSigned(wrong, 'POST', `${V1}${INIT_QUERY}`)
    expect([v1.statusCode, v1.headers['content-type'], v1.json()]).toEqual([
      401,
      'application/json;charset=utf-8',
      v1Error(32, COULD_NOT),
    ])
    const v2 = await h.sendSigned(
      wrong,
      'POST',
      '/2/media/upload/initialize',
      json({ media_type: 'image/png', total_bytes: 10 }),
    )
    expect([v2.statusCode, v2.json()]).toEqual([401, UNAUTHORIZED])
  })

  it('answers a timestamp outside the window with 401 code 135, and takes one inside it', async () => {
    const now = Math.floor(h.clock.now() / 1000)
    const old = await h.sendSigned(h.oauth1, 'POST', `${V1}${INIT_QUERY}`, undefined, { timestampSecs: now - 301 })
    expect([old.statusCode, old.json()]).toEqual([401, v1Error(135, COULD_NOT)])
    const ahead = await h.sendSigned(h.oauth1, 'POST', `${V1}${INIT_QUERY}`, undefined, { timestampSecs: now + 301 })
    expect(ahead.json()).toEqual(v1Error(135, COULD_NOT))
    const skewed = await h.sendSigned(h.oauth1, 'POST', `${V1}${INIT_QUERY}`, undefined, { timestampSecs: now - 300 })
    expect(skewed.statusCode).toBe(202)
  })

  it('refuses a replayed request (same nonce and timestamp) with 401 code 32', async () => {
    const header = signRequest(h.oauth1, h.clock, { method: 'POST', url: `http://localhost${V1}${INIT_QUERY}` })
    expect((await h.sendRaw('POST', `${V1}${INIT_QUERY}`, header)).statusCode).toBe(202)
    const replay = await h.sendRaw('POST', `${V1}${INIT_QUERY}`, header)
    expect([replay.statusCode, replay.json()]).toEqual([401, v1Error(32, COULD_NOT)])
  })

  it('does not spend a nonce on a request whose signature is wrong', async () => {
    const wrong = { ...h.oauth1, consumerSecret: 'nope' }
    await h.sendSigned(wrong, 'POST', `${V1}${INIT_QUERY}`, undefined, { nonce: 'n-1' })
    const genuine = await h.sendSigned(h.oauth1, 'POST', `${V1}${INIT_QUERY}`, undefined, { nonce: 'n-1' })
    expect(genuine.statusCode).toBe(202)
  })

  it.each([
    ['an unknown token', { token: 'nobody-token' }],
    ['an unknown consumer key', { consumerKey: 'ck_unknown' }],
  ])('answers %s with code 89', async (_name, change) => {
    const response = await h.sendSigned({ ...h.oauth1, ...change }, 'POST', `${V1}${INIT_QUERY}`)
    expect([response.statusCode, response.json()]).toEqual([401, v1Error(89, 'Invalid or expired token.')])
    const v2 = await h.sendSigned({ ...h.oauth1, ...change }, 'GET', '/2/users/me')
    expect([v2.statusCode, v2.json()]).toEqual([401, UNAUTHORIZED])
  })

  it("answers a token presented with another app's consumer key with code 89", async () => {
    const mixed = { ...h.oauth1, consumerKey: h.readOnlyApp.consumerKey, consumerSecret: h.readOnlyApp.consumerSecret }
    const response = await h.sendSigned(mixed, 'POST', `${V1}${INIT_QUERY}`)
    expect(response.json()).toEqual(v1Error(89, 'Invalid or expired token.'))
  })

  it('answers a garbled OAuth header with 400 code 215 (v1.1) and 401 (v2)', async () => {
    const garbled = 'OAuth oauth_consumer_key="a", oauth_consumer_key="b"'
    const v1 = await h.sendRaw('POST', V1, garbled)
    expect([v1.statusCode, v1.json()]).toEqual([400, v1Error(215, 'Bad Authentication data.')])
    const v2 = await h.sendRaw('POST', '/2/media/upload/initialize', garbled)
    expect([v2.statusCode, v2.json()]).toEqual([401, UNAUTHORIZED])
  })

  it('refuses a duplicated protocol parameter of an otherwise valid header with code 215', async () => {
    const header = signRequest(h.oauth1, h.clock, { method: 'POST', url: `http://localhost${V1}${INIT_QUERY}` })
    const response = await h.sendRaw('POST', `${V1}${INIT_QUERY}`, `${header}, oauth_nonce="again"`)
    expect([response.statusCode, response.json()]).toEqual([400, v1Error(215, 'Bad Authentication data.')])
  })

  it('answers a revoked OAuth 1.0a token with code 89', async () => {
    const record = await h.stores.auth.getOAuth1Token(h.oauth1.token)
    if (record === undefined) throw new Error('token missing')
    const revoked = { ...h.oauth1, token: `${h.oauth1.token}-revoked` }
    await h.stores.auth.createOAuth1Token({ ...record, token: revoked.token, revokedAtMs: h.clock.now() })
    const response = await h.sendSigned(revoked, 'POST', `${V1}${INIT_QUERY}`)
    expect(response.json()).toEqual(v1Error(89, 'Invalid or expired token.'))
  })

  it('refuses before reading a multipart body: a bad signature gets 401 even when the body is broken', async () => {
    const broken = { payload: 'x', headers: { 'content-type': 'multipart/form-data' } }
    const response = await h.sendSigned({ ...h.oauth1, tokenSecret: 'x' }, 'POST', V1, broken)
    expect(response.json()).toEqual(v1Error(32, COULD_NOT))
  })
})
