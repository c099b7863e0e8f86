/** The policy table's rules on principals, without HTTP (the route matrix is auth-matrix.test.ts). */
import { describe, expect, it } from 'vitest'
import { isApiError } from '../errors.js'
import { parseCredentials } from './authenticate.js'
import { checkPolicy, ROUTE_POLICIES, type RouteId } from './policy.js'
import type { Principal } from './principal.js'

const dev: Principal = {
  method: 'oauth2-user',
  userId: '1',
  appId: null,
  scopes: ['tweet.read'],
  permission: 'read-write',
}

function codeOf(route: RouteId, principal: Principal): string {
  try {
    checkPolicy(ROUTE_POLICIES[route], principal)
    return 'ok'
  } catch (error) {
    return isApiError(error) ? error.code : 'not an ApiError'
  }
}

describe('checkPolicy', () => {
  it('accepts development tokens on v1.1, where OAuth 2.0 tokens of apps are refused', () => {
    expect(codeOf('POST /1.1/media/upload.json', dev)).toBe('ok')
    expect(codeOf('POST /1.1/media/upload.json', { ...dev, appId: '9' })).toBe('AUTH_UNSUPPORTED_METHOD')
  })

  it('still checks the scopes of development tokens on v2', () => {
    expect(codeOf('POST /2/media/upload/initialize', dev)).toBe('AUTH_SCOPE_MISSING')
    expect(codeOf('POST /2/media/upload/initialize', { ...dev, scopes: ['media.write'] })).toBe('ok')
  })

  it("requires X's OpenAPI scopes for posting: tweet.read, tweet.write and users.read", () => {
    const writer = { ...dev, scopes: ['tweet.write'] }
    expect(codeOf('POST /2/tweets', writer)).toBe('AUTH_SCOPE_MISSING')
    expect(codeOf('POST /2/tweets', { ...dev, scopes: ['tweet.read', 'tweet.write', 'users.read'] })).toBe('ok')
  })

  it('lets read-only OAuth 1.0a apps read but not write', () => {
    const readOnly: Principal = { method: 'oauth1-user', userId: '1', appId: '9', scopes: [], permission: 'read' }
    expect(codeOf('GET /2/media/upload', readOnly)).toBe('ok')
    expect(codeOf('POST /2/media/upload', readOnly)).toBe('AUTH_APP_READ_ONLY')
  })
})

describe('parseCredentials', () => {
  it.each([
    [undefined, 'AUTH_MISSING'],
    ['', 'AUTH_MISSING'],
    ['Basic dXNlcjpwYXNz', 'AUTH_MISSING'],
    ['Bearer', 'AUTH_MISSING'],
    ['OAuth oauth_consumer_key="only"', 'AUTH_MISSING'],
  ])('refuses %j with %s', (header, code) => {
    expect(() => parseCredentials(header)).toThrow(expect.objectContaining({ code }))
  })

  it('reads bearer tokens with the scheme in any case', () => {
    expect(parseCredentials('bearer abc')).toEqual({ scheme: 'bearer', token: 'abc' })
  })
})
