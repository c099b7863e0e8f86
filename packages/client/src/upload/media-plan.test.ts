import { CATEGORY_LIMITS } from '@birdhouse/protocol'
import { describe, expect, it } from 'vitest'
import { isPreflightError } from '../errors.js'
import { planMedia } from './media-plan.js'

const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])
const GIF = new TextEncoder().encode('GIF89a\x01\x00\x01\x00')
const MP4 = Uint8Array.from(Buffer.from('000000186674797069736f6d0000020069736f6d6d703432', 'hex'))
const SRT = new TextEncoder().encode('1\n00:00:01,000 --> 00:00:02,000\nHello\n')

function refusal(run: () => unknown): unknown {
  try {
    run()
  } catch (error) {
    return error
  }
  throw new Error('expected a refusal')
}

describe('planMedia', () => {
  it('sniffs the type and picks the Post category of its kind', () => {
    expect(planMedia(PNG, 100)).toMatchObject({ mediaType: 'image/png', mediaCategory: 'tweet_image', kind: 'image' })
    expect(planMedia(GIF, 100)).toMatchObject({ mediaType: 'image/gif', mediaCategory: 'tweet_gif' })
    expect(planMedia(MP4, 100)).toMatchObject({ mediaType: 'video/mp4', mediaCategory: 'tweet_video' })
    expect(planMedia(SRT, 100)).toMatchObject({ mediaType: 'text/srt', mediaCategory: 'subtitles' })
  })

  it('picks DM categories when told', () => {
    expect(planMedia(PNG, 100, { dm: true }).mediaCategory).toBe('dm_image')
    expect(planMedia(GIF, 100, { dm: true }).mediaCategory).toBe('dm_gif')
    expect(planMedia(MP4, 100, { dm: true }).mediaCategory).toBe('dm_video')
  })

  it('picks amplify_video for video over 140 s only under the classic limits', () => {
    expect(planMedia(MP4, 100, { durationSecs: 200, preflight: false, limits: 'classic' }).mediaCategory).toBe(
      'amplify_video',
    )
    expect(planMedia(MP4, 100, { durationSecs: 200 }).mediaCategory).toBe('tweet_video')
    expect(planMedia(MP4, 100, { durationSecs: 100, limits: 'classic' }).mediaCategory).toBe('tweet_video')
  })

  it('takes a given type and category in any spelling', () => {
    expect(planMedia(MP4, 100, { mediaCategory: 'AmplifyVideo' }).mediaCategory).toBe('amplify_video')
    expect(planMedia(new Uint8Array(8), 100, { mediaType: 'video/mov' }).mediaType).toBe('video/quicktime')
  })

  it('refuses bytes of no known type, and a type the bytes contradict', () => {
    expect(
      isPreflightError(
        refusal(() => planMedia(new Uint8Array(8), 10)),
        'MEDIA_TYPE_UNRECOGNIZED',
      ),
    ).toBe(true)
    expect(
      isPreflightError(
        refusal(() => planMedia(PNG, 10, { mediaType: 'video/mp4' })),
        'MEDIA_TYPE_UNRECOGNIZED',
      ),
    ).toBe(true)
  })

  it('refuses a category that cannot take the kind, and unknown categories', () => {
    expect(
      isPreflightError(
        refusal(() => planMedia(MP4, 10, { mediaCategory: 'tweet_image' })),
        'MEDIA_TYPE_UNRECOGNIZED',
      ),
    ).toBe(true)
    expect(
      isPreflightError(
        refusal(() => planMedia(PNG, 10, { mediaCategory: 'selfie' })),
        'MEDIA_CATEGORY_INVALID',
      ),
    ).toBe(true)
  })

  it('refuses sizes over the category limit of the chosen profile, and empty media', () => {
    const max = CATEGORY_LIMITS.default.tweet_image.maxBytes
    expect(planMedia(PNG, max).totalBytes).toBe(max)
    const error = refusal(() => planMedia(PNG, max + 1))
    expect(isPreflightError(error, 'MEDIA_TOO_LARGE')).toBe(true)
    expect((error as Error).message).toBe(`File size exceeds ${max} bytes for media category tweet_image.`)
    const classic = CATEGORY_LIMITS.classic.tweet_video.maxBytes
    expect(
      isPreflightError(
        refusal(() => planMedia(MP4, classic + 1, { limits: 'classic' })),
        'MEDIA_TOO_LARGE',
      ),
    ).toBe(true)
    expect(planMedia(MP4, classic + 1).mediaCategory).toBe('tweet_video')
    expect(
      isPreflightError(
        refusal(() => planMedia(PNG, 0)),
        'MEDIA_EMPTY',
      ),
    ).toBe(true)
  })

  it('refuses a known duration outside the category range', () => {
    expect(
      isPreflightError(
        refusal(() => planMedia(MP4, 10, { dm: true, durationSecs: 141 })),
        'MEDIA_DURATION_INVALID',
      ),
    ).toBe(true)
    expect(
      isPreflightError(
        refusal(() => planMedia(MP4, 10, { durationSecs: 0.2 })),
        'MEDIA_DURATION_INVALID',
      ),
    ).toBe(true)
    expect(planMedia(MP4, 10, { durationSecs: 600 }).mediaCategory).toBe('tweet_video')
  })

  it('skips every check with preflight: false', () => {
    expect(planMedia(PNG, 0, { preflight: false, mediaCategory: 'tweet_video' }).mediaCategory).toBe('tweet_video')
  })
})
