/**
 * The range and validator rules of media files (RFC 9110 §13, §14), as pure functions: which
 * `Range` values give a part, the whole file or a 416, and how `If-None-Match` and `If-Range`
 * compare entity tags.
 */
import { describe, expect, it } from 'vitest'
import { buildEtag, ifRangeHolds, noneMatchHits, parseRange } from './byte-ranges.js'

const partial = (start: number, end: number) => ({ kind: 'partial', range: { start, end } })
const FULL = { kind: 'full' }
const UNSATISFIABLE = { kind: 'unsatisfiable' }

describe('parseRange on a 1000-byte file', () => {
  it.each([
    ['bytes=0-99', partial(0, 99)],
    ['bytes=100-100', partial(100, 100)],
    ['bytes=900-', partial(900, 999)],
    ['bytes=990-5000', partial(990, 999)],
    ['bytes=-100', partial(900, 999)],
    ['bytes=-5000', partial(0, 999)],
    ['BYTES = 0-9', partial(0, 9)],
    ['bytes=, 5-9', partial(5, 9)],
  ])('reads %s as a single range', (header, expected) => {
    expect(parseRange(header, 1000)).toEqual(expected)
  })

  it.each([
    ['no header', undefined],
    ['several ranges', 'bytes=0-9,20-29'],
    ['several unsatisfiable ranges', 'bytes=2000-2001,3000-'],
    ['another unit', 'items=0-9'],
    ['a last position before the first', 'bytes=9-5'],
    ['no positions', 'bytes=-'],
    ['garbage', 'bytes=a-b'],
    ['a missing unit', '0-9'],
  ])('ignores %s (whole file)', (_name, header) => {
    expect(parseRange(header, 1000)).toEqual(FULL)
  })

  it.each([
    ['a first position at the size', 'bytes=1000-'],
    ['a first position past the size', 'bytes=5000-6000'],
    ['a zero-length suffix', 'bytes=-0'],
  ])('finds %s unsatisfiable', (_name, header) => {
    expect(parseRange(header, 1000)).toEqual(UNSATISFIABLE)
  })

  it('finds every range of an empty file unsatisfiable', () => {
    expect([parseRange('bytes=0-', 0), parseRange('bytes=-1', 0)]).toEqual([UNSATISFIABLE, UNSATISFIABLE])
  })
})

describe('entity tags', () => {
  const etag = buildEtag(['media/1/orig.png'], 1000)

  it('builds a strong, quoted tag that depends on the blob keys and the size', () => {
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/)
    expect(buildEtag(['media/1/orig.png'], 1000)).toBe(etag)
    expect(buildEtag(['media/1/orig.png'], 1001)).not.toBe(etag)
    expect(buildEtag(['media/2/orig.png'], 1000)).not.toBe(etag)
  })

  it.each([
    ['the tag', etag, true],
    ['the tag among others', `"a", ${etag} , "b"`, true],
    ['the weak form of the tag (weak comparison)', `W/${etag}`, true],
    ['*', '*', true],
    ['other tags', '"a", W/"b"', false],
    ['a tag with a comma in it', '"x,y"', false],
  ])('If-None-Match with %s hits: %s', (_name, header, hits) => {
    expect(noneMatchHits(header, etag)).toBe(hits)
  })

  it('does not hit without If-None-Match', () => {
    expect(noneMatchHits(undefined, etag)).toBe(false)
  })

  it.each([
    ['absent', undefined, true],
    ['the tag', etag, true],
    ['the weak form of the tag (strong comparison fails)', `W/${etag}`, false],
    ['another tag', '"other"', false],
    ['an HTTP date (no Last-Modified to compare)', 'Wed, 21 Oct 2015 07:28:00 GMT', false],
  ])('If-Range %s lets the range through: %s', (_name, header, holds) => {
    expect(ifRangeHolds(header, etag)).toBe(holds)
  })
})
