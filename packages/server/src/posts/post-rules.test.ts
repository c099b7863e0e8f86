/**
 * X's rules for media on a post (spec §10.1, §7.3; fidelity cases 66 and 68) as pure functions over
 * fabricated media records: who may use an item and in which state, which combinations are allowed,
 * and the duration cap of each limits profile.
 */
import type { ErrorCode } from '@birdhouse/protocol'
import { describe, expect, it } from 'vitest'
import { isApiError } from '../errors.js'
import type { MediaRecord } from '../stores/metadata-store.js'
import { fabricatedMedia as media, fabricatedVideo as video } from '../test-support/post-fixtures.js'
import { assertCombination, assertUsable, POST_VIDEO_CAP_SECS, postMediaType } from './post-rules.js'

const POSTER = '1'
const NOW = 1_000_000
const ID = '1000000000000000001'

/** The code, params and parameters of what `run` throws, or undefined when it does not throw. */
function thrown(run: () => unknown) {
  try {
    run()
    return undefined
  } catch (error) {
    if (!isApiError(error)) throw error
    return { code: error.code, params: error.params, parameters: error.parameters }
  }
}

const usable = (record: MediaRecord | undefined, nowMs = NOW) => thrown(() => assertUsable(ID, record, POSTER, nowMs))
const refusedAs = (code: ErrorCode) => ({ code, params: {}, parameters: { 'media.media_ids': [ID] } })

describe('assertUsable', () => {
  it('accepts succeeded, unexpired media of the poster and returns it', () => {
    const record = media({ expiresAtMs: NOW + 1 })
    expect(assertUsable(ID, record, POSTER, NOW)).toBe(record)
  })

  it('accepts media of another user who listed the poster in additional_owners', () => {
    expect(usable(media({ ownerId: '2', additionalOwners: ['3', POSTER] }))).toBeUndefined()
  })

  it('accepts media without a category (treated as Post media)', () => {
    expect(usable(media({ category: null }))).toBeUndefined()
  })

  it('accepts pinned media after its expiry time (attached to a post, it no longer expires)', () => {
    expect(usable(media({ pinned: true, expiresAtMs: NOW - 1 }))).toBeUndefined()
  })

  it.each([
    ['unknown media', undefined],
    ["another user's media", media({ ownerId: '2' })],
    ["another user's media that lists someone else", media({ ownerId: '2', additionalOwners: ['3'] })],
    ['reaped media', media({ state: 'expired' })],
    ['media whose expiry is now', media({ expiresAtMs: NOW })],
    ['media past its expiry', media({ expiresAtMs: NOW - 1 })],
  ])('refuses %s as POST_MEDIA_NOT_FOUND naming the id', (_name, record) => {
    expect(usable(record)).toEqual(refusedAs('POST_MEDIA_NOT_FOUND'))
  })

  it.each([
    ['still uploading', 'uploading'],
    ['pending', 'pending'],
    ['in progress', 'in_progress'],
  ] as const)('refuses media %s as POST_MEDIA_NOT_READY', (_name, state) => {
    expect(usable(media({ state }))).toEqual(refusedAs('POST_MEDIA_NOT_READY'))
  })

  it('refuses media whose processing failed as POST_MEDIA_INVALID', () => {
    expect(usable(media({ state: 'failed' }))).toEqual(refusedAs('POST_MEDIA_INVALID'))
  })

  it.each(['dm_image', 'dm_gif', 'dm_video', 'subtitles'] as const)(
    'refuses %s media as POST_MEDIA_INVALID',
    (category) => {
      expect(usable(media({ category }))).toEqual(refusedAs('POST_MEDIA_INVALID'))
    },
  )

  it('refuses subtitle bytes uploaded without a category as POST_MEDIA_INVALID', () => {
    expect(usable(media({ category: null, declaredType: 'text/srt', mediaType: 'text/srt', image: null }))).toEqual(
      refusedAs('POST_MEDIA_INVALID'),
    )
  })
})

const gif = (id: string) =>
  media({
    id,
    mediaKey: `16_${id}`,
    declaredType: 'image/gif',
    mediaType: 'image/gif',
    category: 'tweet_gif',
    processing: true,
  })
const photo = (id: string) => media({ id, mediaKey: `3_${id}` })
const ids = (...n: number[]) => n.map((i) => `100000000000000000${i}`)

describe('postMediaType', () => {
  it.each([
    ['a PNG', photo(ID), 'photo'],
    ['a processed GIF (GIF category)', gif(ID), 'animated_gif'],
    [
      'a GIF uploaded as an image (no processing)',
      media({ declaredType: 'image/gif', mediaType: 'image/gif' }),
      'photo',
    ],
    ['an MP4', video(1000), 'video'],
  ])('calls %s a %s', (_name, record, type) => {
    expect(postMediaType(record)).toBe(type)
  })
})

describe('assertCombination', () => {
  it.each([
    ['no media', []],
    ['one photo', [photo(ID)]],
    ['four photos', ids(1, 2, 3, 4).map(photo)],
    ['one animated GIF', [gif(ID)]],
    ['one video', [video(3000)]],
  ])('accepts %s', (_name, items) => {
    expect(thrown(() => assertCombination(items, 'default'))).toBeUndefined()
  })

  it.each([
    ['a GIF with a photo', [gif(ids(1)[0] as string), photo(ids(2)[0] as string)]],
    ['two GIFs', ids(1, 2).map(gif)],
    ['a GIF with a video', [gif(ids(1)[0] as string), video(3000, { id: ids(2)[0] as string })]],
  ])('refuses %s as POST_MEDIA_GIF_MIXED naming every id', (_name, items) => {
    expect(thrown(() => assertCombination(items, 'default'))).toEqual({
      code: 'POST_MEDIA_GIF_MIXED',
      params: {},
      parameters: { 'media.media_ids': items.map((m) => m.id) },
    })
  })

  it.each([
    ['a video with a photo', [video(3000, { id: ids(1)[0] as string }), photo(ids(2)[0] as string)]],
    ['two videos', [video(3000, { id: ids(1)[0] as string }), video(3000, { id: ids(2)[0] as string })]],
  ])('refuses %s as POST_MEDIA_TYPES_MIXED naming every id', (_name, items) => {
    expect(thrown(() => assertCombination(items, 'default'))).toEqual({
      code: 'POST_MEDIA_TYPES_MIXED',
      params: {},
      parameters: { 'media.media_ids': items.map((m) => m.id) },
    })
  })
})

describe("the poster's video duration cap (case 68)", () => {
  it('is 20 minutes by default, 125 with premium and 140 s with classic limits', () => {
    expect(POST_VIDEO_CAP_SECS).toEqual({ default: 1200, premium: 7500, classic: 140 })
  })

  it.each([
    ['default', 20 * 60_000, 20],
    ['premium', 125 * 60_000, 125],
  ] as const)(
    '%s: accepts exactly the cap and refuses 1 ms more with 403 POST_VIDEO_TOO_LONG',
    (limits, capMs, minutes) => {
      expect(thrown(() => assertCombination([video(capMs)], limits))).toBeUndefined()
      expect(thrown(() => assertCombination([video(capMs + 1)], limits))).toEqual({
        code: 'POST_VIDEO_TOO_LONG',
        params: { minutes },
        parameters: undefined,
      })
    },
  )

  it('default: refuses a 21-minute video, which premium accepts', () => {
    expect(thrown(() => assertCombination([video(21 * 60_000)], 'default'))?.code).toBe('POST_VIDEO_TOO_LONG')
    expect(thrown(() => assertCombination([video(21 * 60_000)], 'premium'))).toBeUndefined()
  })

  it('classic: refuses 141 s, naming the cap in whole minutes as the message template has no seconds', () => {
    expect(thrown(() => assertCombination([video(140_000)], 'classic'))).toBeUndefined()
    expect(thrown(() => assertCombination([video(141_000)], 'classic'))?.params).toEqual({ minutes: 2 })
  })
})
