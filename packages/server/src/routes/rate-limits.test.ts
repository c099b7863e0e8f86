/**
 * Rate limits through HTTP (spec §11; cases 72–74), with a small table injected and a manual
 * clock moved past window ends instead of sleeping.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { createBearerToken } from '../test-support/auth-fixtures.js'
import { type AuthHarness, bearer, openAuthHarness } from '../test-support/auth-harness.js'
import { json, multipart } from '../test-support/route-harness.js'

const INIT = '/2/media/upload/initialize'
const BUCKET = 'POST /2/media/upload/initialize'
const body = json({ media_type: 'image/png', total_bytes: 10 })
// ManualClock starts at 2026-01-01T00:00:00Z, the start of a 15-minute and of a 24-hour window.
const START_SECS = Date.UTC(2026, 0, 1) / 1000
const TOO_MANY = { title: 'Too Many Requests', type: 'about:blank', status: 429, detail: 'Too Many Requests' }

let h: AuthHarness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

const rateHeaders = (headers: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => /^x-(rate|app|user)-limit/.test(name)))

describe('per-user windows', () => {
  it('sends decrementing headers on every response, then 429 with remaining 0', async () => {
    h = await openAuthHarness({ rateLimits: { [BUCKET]: { user: 2, appDaily: 10 } } })
    const first = await h.sendRaw('POST', INIT, bearer(h.oauth2), body)
    expect(rateHeaders(first.headers)).toEqual({
      'x-rate-limit-limit': '2',
      'x-rate-limit-remaining': '1',
      'x-rate-limit-reset': String(START_SECS + 900),
      'x-app-limit-24hour-limit': '10',
      'x-app-limit-24hour-remaining': '9',
      'x-app-limit-24hour-reset': String(START_SECS + 86_400),
    })
    const second = await h.sendRaw('POST', INIT, bearer(h.oauth2), json({ media_type: 'nope' }))
    expect([second.statusCode, second.headers['x-rate-limit-remaining']]).toEqual([400, '0'])
    const third = await h.sendRaw('POST', INIT, bearer(h.oauth2), body)
    expect([third.statusCode, third.json(), third.headers['x-rate-limit-remaining']]).toEqual([429, TOO_MANY, '0'])
    expect(third.headers['x-rate-limit-reset']).toBe(String(START_SECS + 900))
  })

  it('lets requests through again once the window has passed', async () => {
    h = await openAuthHarness({ rateLimits: { [BUCKET]: { user: 1 } } })
    expect((await h.send('POST', INIT, body)).statusCode).toBe(200)
    expect((await h.send('POST', INIT, body)).statusCode).toBe(429)
    h.clock.advance(899_999)
    expect((await h.send('POST', INIT, body)).statusCode).toBe(429)
    h.clock.advance(1)
    const next = await h.send('POST', INIT, body)
    expect([next.statusCode, next.headers['x-rate-limit-remaining']]).toEqual([200, '0'])
    expect(next.headers['x-rate-limit-reset']).toBe(String(START_SECS + 1800))
  })

  it('counts each user on their own', async () => {
    h = await openAuthHarness({ rateLimits: { [BUCKET]: { user: 1 } } })
    expect((await h.send('POST', INIT, body)).statusCode).toBe(200)
    expect((await h.send('POST', INIT, body, h.otherToken)).statusCode).toBe(200)
    expect((await h.send('POST', INIT, body)).statusCode).toBe(429)
  })

  it('counts OAuth 1.0a requests against the same user', async () => {
    h = await openAuthHarness({ rateLimits: { [BUCKET]: { user: 1 } } })
    expect((await h.sendSigned(h.oauth1, 'POST', INIT, body)).statusCode).toBe(200)
    expect((await h.sendRaw('POST', INIT, bearer(h.oauth2), body)).statusCode).toBe(429)
  })

  it("sends X's default limits (1,875 per 15 minutes on initialize)", async () => {
    h = await openAuthHarness()
    const response = await h.send('POST', INIT, body)
    expect([response.headers['x-rate-limit-limit'], response.headers['x-rate-limit-remaining']]).toEqual([
      '1875',
      '1874',
    ])
  })
})

describe('per-app windows', () => {
  it('caps every user of an app together over 24 hours', async () => {
    h = await openAuthHarness({ rateLimits: { [BUCKET]: { user: 100, appDaily: 2 } } })
    const appId = h.readWriteApp.record.id
    const bobs = await createBearerToken(h.stores.auth, h.clock, { appId, userId: h.otherUserId })
    expect((await h.sendRaw('POST', INIT, bearer(h.oauth2), body)).statusCode).toBe(200)
    expect((await h.sendRaw('POST', INIT, bearer(bobs), body)).statusCode).toBe(200)
    const capped = await h.sendRaw('POST', INIT, bearer(bobs), body)
    expect([capped.statusCode, capped.headers['x-app-limit-24hour-remaining']]).toEqual([429, '0'])
    expect(capped.headers['x-rate-limit-remaining']).toBe('98')
    h.clock.advance(86_400_000)
    expect((await h.sendRaw('POST', INIT, bearer(bobs), body)).statusCode).toBe(200)
  })

  it('limits app-only lookups per app in 15-minute windows', async () => {
    h = await openAuthHarness({ rateLimits: { 'GET /2/tweets/:id': { user: 5, app: 1 } } })
    const url = '/2/tweets/1234567890123456789'
    const first = await h.sendRaw('GET', url, bearer(h.appOnly))
    expect([first.statusCode, first.headers['x-rate-limit-limit']]).toEqual([200, '1'])
    expect((await h.sendRaw('GET', url, bearer(h.appOnly))).statusCode).toBe(429)
    expect((await h.sendRaw('GET', url, bearer(h.oauth2))).statusCode).toBe(200)
  })
})

describe('command-style uploads', () => {
  it('count v1.1 INIT and APPEND in their own buckets, also when the command is in a multipart body', async () => {
    h = await openAuthHarness({
      rateLimits: {
        'POST /1.1/media/upload.json INIT': { user: 1 },
        'POST /1.1/media/upload.json APPEND': { user: 5 },
      },
    })
    const init = await h.send(
      'POST',
      '/1.1/media/upload.json',
      multipart({ command: 'INIT', total_bytes: '4', media_type: 'image/png' }),
    )
    expect([init.statusCode, init.headers['x-rate-limit-limit']]).toEqual([202, '1'])
    const mediaId = (init.json() as { media_id_string: string }).media_id_string
    const append = multipart(
      { command: 'APPEND', media_id: mediaId, segment_index: '0' },
      { name: 'media', bytes: 'abcd' },
    )
    const appended = await h.send('POST', '/1.1/media/upload.json', append)
    expect([appended.statusCode, appended.headers['x-rate-limit-limit']]).toEqual([204, '5'])
    const again = await h.send('POST', '/1.1/media/upload.json?command=INIT&total_bytes=4&media_type=image%2Fpng')
    expect([again.statusCode, again.json()]).toEqual([429, { errors: [{ code: 88, message: 'Rate limit exceeded' }] }])
  })

  it('count v2 command-style INIT in the bucket of the dedicated initialize endpoint', async () => {
    h = await openAuthHarness({ rateLimits: { [BUCKET]: { user: 1 } } })
    const init = await h.send(
      'POST',
      '/2/media/upload',
      multipart({ command: 'INIT', total_bytes: '4', media_type: 'image/png' }),
    )
    expect(init.statusCode).toBe(202)
    expect((await h.send('POST', INIT, body)).statusCode).toBe(429)
  })
})

describe('switched off', () => {
  it('sends no rate-limit headers and never 429 with BIRDHOUSE_RATE_LIMITS=off', async () => {
    h = await openAuthHarness({ env: { BIRDHOUSE_RATE_LIMITS: 'off' }, rateLimits: { [BUCKET]: { user: 1 } } })
    for (let i = 0; i < 3; i++) {
      const response = await h.send('POST', INIT, body)
      expect([response.statusCode, rateHeaders(response.headers)]).toEqual([200, {}])
    }
  })
})
