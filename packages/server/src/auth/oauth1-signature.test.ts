/**
 * OAuth 1.0a signatures against published vectors: RFC 5849 §1.2 (the photo request) and
 * §3.4.1 (the base string), and X's "Creating a signature" example in its three published
 * versions (docs.x.com over api.x.com/1.1; developer.twitter.com over api.twitter.com/1.1 and,
 * earlier, /1).
 */
import { describe, expect, it } from 'vitest'
import {
  baseStringUri,
  formPairs,
  hmacSha1Signature,
  OAuth1HeaderError,
  type Pair,
  parseOAuthHeader,
  percentEncode,
  signatureBaseString,
} from './oauth1-signature.js'

describe('RFC 5849 vectors', () => {
  it('signs the §1.2 photo request as MdpQcU8iPSUjWoN/UDMsK2sui9I=', () => {
    const pairs: Pair[] = [
      ['file', 'vacation.jpg'],
      ['size', 'original'],
      ['oauth_consumer_key', 'dpf43f3p2l4k3l03'],
      ['oauth_token', 'nnch734d00sl2jdk'],
      ['oauth_signature_method', 'HMAC-SHA1'],
      ['oauth_timestamp', '137131202'],
      ['oauth_nonce', 'chapoH'],
    ]
    const base = signatureBaseString('GET', 'http://photos.example.net/photos', pairs)
    expect(hmacSha1Signature(base, 'kd94hf93k423kf44', 'pfkkdhi9sl3r4s00')).toBe('MdpQcU8iPSUjWoN/UDMsK2sui9I=')
  })

  it('builds the §3.4.1.1 base string from the query, the header and an urlencoded body', () => {
    const header = parseOAuthHeader(
      'OAuth realm="Example", oauth_consumer_key="9djdj82h48djs9d2", oauth_token="kkk9d7dh3k39sjv7", ' +
        'oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131201", oauth_nonce="7d8f3e4a", ' +
        'oauth_signature="bYT5CMsGcbgUdFHObYMEfcx6bsw%3D"',
    )
    const pairs = [...formPairs('b5=%3D%253D&a3=a&c%40=&a2=r%20b'), ...header.signed, ...formPairs('c2&a3=2+q')]
    const uri = baseStringUri('http://example.com', '/request')
    expect(signatureBaseString('POST', uri, pairs)).toBe(
      'POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7',
    )
    expect(header.signature).toBe('bYT5CMsGcbgUdFHObYMEfcx6bsw=')
  })

  it.each([
    ['http://EXAMPLE.COM:80', '/r%20v/X', 'http://example.com/r%20v/X'],
    ['https://www.example.net:8080', '/', 'https://www.example.net:8080/'],
    ['https://upload.twitter.com:443', '/1.1/media/upload.json', 'https://upload.twitter.com/1.1/media/upload.json'],
    ['http://127.0.0.1:8080', '/2/tweets', 'http://127.0.0.1:8080/2/tweets'],
  ])('builds the §3.4.1.2 base string URI of %s%s', (origin, path, expected) => {
    expect(baseStringUri(origin, path)).toBe(expected)
  })
})

describe("X's signature example (statuses/update)", () => {
  const pairs: Pair[] = [
    ['status', 'Hello Ladies + Gentlemen, a signed OAuth request!'],
    ['include_entities', 'true'],
    ['oauth_consumer_key', 'xvz1evFS4wEEPTGEFPHBog'],
    ['oauth_nonce', 'kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg'],
    ['oauth_signature_method', 'HMAC-SHA1'],
    ['oauth_timestamp', '1318622958'],
    ['oauth_token', '370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb'],
    ['oauth_version', '1.0'],
  ]
  const consumerSecret = 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw'
  const tokenSecret = 'LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE'

  it('builds the documented base string', () => {
    expect(signatureBaseString('POST', 'https://api.x.com/1.1/statuses/update.json', pairs)).toBe(
      'POST&https%3A%2F%2Fapi.x.com%2F1.1%2Fstatuses%2Fupdate.json&include_entities%3Dtrue%26oauth_consumer_key%3Dxvz1evFS4wEEPTGEFPHBog%26oauth_nonce%3DkYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1318622958%26oauth_token%3D370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb%26oauth_version%3D1.0%26status%3DHello%2520Ladies%2520%252B%2520Gentlemen%252C%2520a%2520signed%2520OAuth%2520request%2521',
    )
  })

  it.each([
    ['https://api.x.com/1.1/statuses/update.json', 'Ls93hJiZbQ3akF3HF3x1Bz8/zU4='],
    ['https://api.twitter.com/1.1/statuses/update.json', 'hCtSmYh+iHYCEqBWrE7C7hYmtUk='],
    ['https://api.twitter.com/1/statuses/update.json', 'tnnArxj06cWHq44gCs1OSKk/jLY='],
  ])('signs it over %s as %s', (url, expected) => {
    expect(hmacSha1Signature(signatureBaseString('POST', url, pairs), consumerSecret, tokenSecret)).toBe(expected)
  })
})

describe('percentEncode', () => {
  it("encodes everything but RFC 3986's unreserved characters, in upper-case hex", () => {
    expect(percentEncode("Ladies + Gentlemen, a signed OAuth request!*'()~-._")).toBe(
      'Ladies%20%2B%20Gentlemen%2C%20a%20signed%20OAuth%20request%21%2A%27%28%29~-._',
    )
    expect(percentEncode('☃')).toBe('%E2%98%83')
  })
})

describe('parseOAuthHeader', () => {
  const valid =
    'OAuth oauth_consumer_key="ck", oauth_nonce="n%20o", oauth_signature="s%3D", oauth_signature_method="HMAC-SHA1", ' +
    'oauth_timestamp="1700000000", oauth_token="t", oauth_version="1.0"'

  it('decodes every protocol parameter and leaves realm and the signature out of what is signed', () => {
    const params = parseOAuthHeader(`${valid}, realm="Photos"`)
    expect(params).toMatchObject({ consumerKey: 'ck', nonce: 'n o', signature: 's=', timestampSecs: 1_700_000_000 })
    expect(params.signed.map(([name]) => name)).toEqual([
      'oauth_consumer_key',
      'oauth_nonce',
      'oauth_signature_method',
      'oauth_timestamp',
      'oauth_token',
      'oauth_version',
    ])
  })

  it('takes the scheme in any case and no spaces after commas', () => {
    expect(parseOAuthHeader(valid.replace('OAuth', 'oauth').replaceAll(', ', ',')).token).toBe('t')
  })

  it.each([
    ['a duplicated parameter', `${valid}, oauth_nonce="again"`],
    ['a missing token', valid.replace('oauth_token="t", ', '')],
    ['a missing signature', valid.replace('oauth_signature="s%3D", ', '')],
    ['another signature method', valid.replace('HMAC-SHA1', 'PLAINTEXT')],
    ['another version', valid.replace('"1.0"', '"2.0"')],
    ['a non-numeric timestamp', valid.replace('1700000000', 'soon')],
    ['an unquoted value', valid.replace('oauth_token="t"', 'oauth_token=t')],
    ['bad percent-encoding', valid.replace('n%20o', 'n%zzo')],
    ['another scheme', valid.replace('OAuth', 'Basic')],
  ])('refuses %s', (_name, header) => {
    expect(() => parseOAuthHeader(header)).toThrow(OAuth1HeaderError)
  })
})
