/**
 * OAuth 1.0a signing against published vectors: RFC 5849 §1.2 (the photo request) and X's
 * "Creating a signature" example (the same parameters as the server's oauth1-signature.test.ts).
 */
import { describe, expect, it } from 'vitest'
import { appOnly } from './app-only.js'
import { oauth1, signOAuth1 } from './oauth1.js'

/** The header's parameters, decoded. */
function headerParams(header: string): Record<string, string> {
  expect(header).toMatch(/^OAuth /)
  const params: Record<string, string> = {}
  for (const match of header.slice(6).matchAll(/([a-z_]+)="([^"]*)"/g)) {
    params[match[1] as string] = decodeURIComponent(match[2] as string)
  }
  return params
}

describe('RFC 5849 §1.2', () => {
  it('signs the photo request as MdpQcU8iPSUjWoN/UDMsK2sui9I=', async () => {
    const header = await signOAuth1(
      { method: 'GET', url: 'http://photos.example.net/photos?file=vacation.jpg&size=original' },
      {
        consumerKey: 'dpf43f3p2l4k3l03',
        consumerSecret: 'kd94hf93k423kf44',
        token: 'nnch734d00sl2jdk',
        tokenSecret: 'pfkkdhi9sl3r4s00',
      },
      { timestampSecs: 137131202, nonce: 'chapoH', includeVersion: false },
    )
    expect(headerParams(header).oauth_signature).toBe('MdpQcU8iPSUjWoN/UDMsK2sui9I=')
  })
})

describe("X's signature example (statuses/update)", () => {
  const credentials = {
    consumerKey: 'xvz1evFS4wEEPTGEFPHBog',
    consumerSecret: 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw',
    token: '370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb',
    tokenSecret: 'LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE',
  }
  const values = { timestampSecs: 1318622958, nonce: 'kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg' }
  const bodyParams = { status: 'Hello Ladies + Gentlemen, a signed OAuth request!' }

  it.each([
    ['https://api.twitter.com/1.1/statuses/update.json', 'hCtSmYh+iHYCEqBWrE7C7hYmtUk='],
    ['https://api.x.com/1.1/statuses/update.json', 'Ls93hJiZbQ3akF3HF3x1Bz8/zU4='],
  ])('signs the query and the urlencoded body over %s as %s', async (base, expected) => {
    const url = `${base}?include_entities=true`
    const header = await signOAuth1({ method: 'POST', url, bodyParams }, credentials, values)
    expect(headerParams(header).oauth_signature).toBe(expected)
  })

  it('writes the header exactly as X documents it, parameters sorted and percent-encoded', async () => {
    const url = 'https://api.twitter.com/1/statuses/update.json?include_entities=true'
    const header = await signOAuth1(
      { method: 'post', url, bodyParams: new URLSearchParams(bodyParams) },
      credentials,
      values,
    )
    expect(header).toBe(
      'OAuth oauth_consumer_key="xvz1evFS4wEEPTGEFPHBog", oauth_nonce="kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg", ' +
        'oauth_signature="tnnArxj06cWHq44gCs1OSKk%2FjLY%3D", oauth_signature_method="HMAC-SHA1", ' +
        'oauth_timestamp="1318622958", oauth_token="370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb", ' +
        'oauth_version="1.0"',
    )
  })

  it('leaves a multipart or JSON body out (no bodyParams): only the query is signed', async () => {
    const url = 'https://api.twitter.com/1.1/statuses/update.json?include_entities=true'
    const withBody = await signOAuth1({ method: 'POST', url, bodyParams }, credentials, values)
    const without = await signOAuth1({ method: 'POST', url }, credentials, values)
    expect(headerParams(without).oauth_signature).not.toBe(headerParams(withBody).oauth_signature)
    const reordered = await signOAuth1(
      { method: 'POST', url: 'https://API.TWITTER.COM:443/1.1/statuses/update.json?include_entities=true' },
      credentials,
      values,
    )
    expect(reordered).toBe(without)
  })
})

describe('oauth1()', () => {
  it('signs every request with the current time and a fresh alphanumeric nonce', async () => {
    const auth = oauth1({
      consumerKey: 'ck',
      consumerSecret: 'cs',
      token: 't',
      tokenSecret: 'ts',
      now: () => 1_700_000_000_999,
    })
    const request = { method: 'POST', url: 'https://upload.x.com/1.1/media/upload.json' }
    const [a, b] = [headerParams(await auth.authorize(request)), headerParams(await auth.authorize(request))]
    expect(a).toMatchObject({
      oauth_consumer_key: 'ck',
      oauth_token: 't',
      oauth_timestamp: '1700000000',
      oauth_version: '1.0',
    })
    expect(a.oauth_nonce).toMatch(/^[A-Za-z0-9]{30,}$/)
    expect(a.oauth_nonce).not.toBe(b.oauth_nonce)
  })
})

describe('appOnly()', () => {
  it('sends the app bearer token as is', async () => {
    expect(await appOnly('AAAA%2Fx').authorize({ method: 'GET', url: 'https://api.x.com/2/media' })).toBe(
      'Bearer AAAA%2Fx',
    )
  })
})
