/**
 * Post text as X counts it (twitter-text's weighted length, spec §10.1 / api-contract "Posts"):
 * 280 weighted characters, URLs 23, CJK and emoji 2; and the t.co link appended for media.
 */
import { describe, expect, it } from 'vitest'
import { isApiError } from '../errors.js'
import { assertTextLength, buildPostText, MAX_WEIGHTED_LENGTH, mediaLink, weightedLength } from './post-text.js'

/** The error `assertTextLength` throws for `text`, or undefined. */
function refusal(text: string) {
  try {
    assertTextLength(text)
    return undefined
  } catch (error) {
    if (!isApiError(error)) throw error
    return { code: error.code, params: error.params, parameters: error.parameters }
  }
}

describe('weightedLength', () => {
  it.each([
    ['280 ASCII letters', 'a'.repeat(280), 280],
    ['a URL, whatever its length', `https://example.com/${'x'.repeat(200)}`, 23],
    ['text around a URL', 'see https://example.com/a and more', 4 + 23 + 9],
    ['a bare domain, which twitter-text links', 'example.com', 23],
    ['three CJK characters', '日本語', 6],
    ['a fullwidth letter', 'ａ', 2],
    ['an emoji', '😀', 2],
    ['an emoji with a skin tone', '👍🏽', 2],
    ['a ZWJ family sequence', '👨‍👩‍👧', 2],
    ['Latin-1 accents', 'café', 4],
    ['Arabic letters', 'مرحبا', 5],
  ])('counts %s', (_name, text, expected) => {
    expect(weightedLength(text)).toBe(expected)
  })
})

describe('assertTextLength', () => {
  it('accepts 280 ASCII characters, the maximum', () => {
    expect(MAX_WEIGHTED_LENGTH).toBe(280)
    expect(refusal('a'.repeat(280))).toBeUndefined()
  })

  it('refuses 281 ASCII characters with POST_TEXT_TOO_LONG naming the weighted length', () => {
    expect(refusal('a'.repeat(281))).toEqual({
      code: 'POST_TEXT_TOO_LONG',
      params: { weightedLength: 281 },
      parameters: { text: [] },
    })
  })

  it('accepts 140 CJK characters (280 weighted) and refuses 141', () => {
    expect(refusal('字'.repeat(140))).toBeUndefined()
    expect(refusal('字'.repeat(141))?.params).toEqual({ weightedLength: 282 })
  })

  it('accepts 140 emoji and refuses 141', () => {
    expect(refusal('😀'.repeat(140))).toBeUndefined()
    expect(refusal('😀'.repeat(141))?.code).toBe('POST_TEXT_TOO_LONG')
  })

  it('counts a long URL as 23, so 256 letters, a space and a 300-character URL fit', () => {
    const text = `${'a'.repeat(256)} https://example.com/${'p'.repeat(280)}`
    expect(text.length).toBeGreaterThan(500)
    expect(weightedLength(text)).toBe(280)
    expect(refusal(text)).toBeUndefined()
    expect(refusal(`a${text}`)?.params).toEqual({ weightedLength: 281 })
  })

  it('accepts empty text (a post may be media only)', () => {
    expect(refusal('')).toBeUndefined()
  })
})

describe('the media link', () => {
  it('is https://t.co/ and ten alphanumerics, derived from the post id only', () => {
    const link = mediaLink('1880028106020515841')
    expect(link).toMatch(/^https:\/\/t\.co\/[0-9A-Za-z]{10}$/)
    expect(mediaLink('1880028106020515841')).toBe(link)
    expect(mediaLink('1880028106020515842')).not.toBe(link)
  })

  it('is appended after a space when media is attached, and is the whole text of a media-only post', () => {
    const id = '1880028106020515841'
    expect(buildPostText('hi', id, true)).toBe(`hi ${mediaLink(id)}`)
    expect(buildPostText('', id, true)).toBe(mediaLink(id))
  })

  it('is not added to a post without media', () => {
    expect(buildPostText('hi', '1880028106020515841', false)).toBe('hi')
  })
})
