/** Consent sessions and CSRF tokens: signed, expiring, bound to one session and one request. */
import { describe, expect, it } from 'vitest'
import type { AuthorizeParams } from './authorize-request.js'
import { ConsentSigner } from './consent-session.js'

const signer = new ConsentSigner('k'.repeat(40))
const params: AuthorizeParams = {
  response_type: 'code',
  client_id: 'client',
  redirect_uri: 'http://127.0.0.1/cb',
  scope: 'users.read',
  state: 's',
  code_challenge: 'c'.repeat(43),
  code_challenge_method: undefined,
}

describe('ConsentSigner', () => {
  it('round-trips a session until it expires', () => {
    const session = signer.create('123', 1_000_000, 60_000)
    const cookie = signer.encode(session)
    expect(signer.decode(cookie, 1_000_000)).toEqual(session)
    expect(signer.decode(cookie, 1_060_000)).toBeUndefined()
  })

  it('refuses a cookie signed with another key or edited', () => {
    const cookie = signer.encode(signer.create(null, 0, 60_000))
    expect(new ConsentSigner('x'.repeat(40)).decode(cookie, 0)).toBeUndefined()
    expect(signer.decode(cookie.replace(/^-/, '1'), 0)).toBeUndefined()
    expect(signer.decode('garbage', 0)).toBeUndefined()
  })

  it('binds CSRF tokens to the session and to every parameter, absent or present', () => {
    const session = signer.create('1', 0, 60_000)
    const token = signer.csrfToken(session, params)
    expect(signer.checkCsrf(session, params, token)).toBe(true)
    expect(signer.checkCsrf(signer.create('1', 0, 60_000), params, token)).toBe(false)
    expect(signer.checkCsrf(session, { ...params, scope: 'users.read dm.read' }, token)).toBe(false)
    expect(signer.checkCsrf(session, { ...params, code_challenge_method: 'plain' }, token)).toBe(false)
    expect(signer.checkCsrf(session, params, undefined)).toBe(false)
  })
})
