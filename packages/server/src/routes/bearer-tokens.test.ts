/**
 * The life of OAuth 2.0 bearer tokens at the resource endpoints: an access token stops working
 * at its expiry (7200 s, case 8) and as soon as it is revoked, in both dialects.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { hashToken } from '../auth/crypto.js'
import { createBearerToken } from '../test-support/auth-fixtures.js'
import { type AuthHarness, bearer, openAuthHarness } from '../test-support/auth-harness.js'

const UNAUTHORIZED = { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' }
const INVALID_V1 = { errors: [{ code: 89, message: 'Invalid or expired token.' }] }

let h: AuthHarness
beforeEach(async () => {
  h = await openAuthHarness()
})
afterEach(async () => {
  await h.close()
})

describe('expiry', () => {
  it('accepts an access token until 7200 s have passed, then answers 401', async () => {
    const token = await createBearerToken(h.stores.auth, h.clock, {
      appId: h.readWriteApp.record.id,
      userId: h.userId,
      ttlSecs: 7200,
    })
    h.clock.advance(7_199_999)
    expect((await h.sendRaw('GET', '/2/users/me', bearer(token))).statusCode).toBe(200)
    h.clock.advance(1)
    const expired = await h.sendRaw('GET', '/2/users/me', bearer(token))
    expect([expired.statusCode, expired.json()]).toEqual([401, UNAUTHORIZED])
  })

  it('answers an expired token on v1.1 with code 89 before judging the method', async () => {
    const token = await createBearerToken(h.stores.auth, h.clock, {
      appId: h.readWriteApp.record.id,
      userId: h.userId,
      ttlSecs: 60,
    })
    h.clock.advance(60_000)
    const response = await h.sendRaw('GET', '/1.1/media/upload.json?command=STATUS&media_id=1', bearer(token))
    expect([response.statusCode, response.json()]).toEqual([401, INVALID_V1])
  })
})

describe('revocation', () => {
  it.each([
    ['an OAuth 2.0 user token', (x: AuthHarness) => x.oauth2, '/2/users/me'],
    ['an app-only token', (x: AuthHarness) => x.appOnly, '/2/tweets/1234567890123456789'],
    ['a development token', (x: AuthHarness) => x.token, '/2/users/me'],
  ])('refuses %s once revoked', async (_name, tokenOf, url) => {
    const token = tokenOf(h)
    expect((await h.sendRaw('GET', url, bearer(token))).statusCode).toBe(200)
    expect(await h.stores.auth.revokeToken(hashToken(token), h.clock.now())).toBe(true)
    const response = await h.sendRaw('GET', url, bearer(token))
    expect([response.statusCode, response.json()]).toEqual([401, UNAUTHORIZED])
  })
})
