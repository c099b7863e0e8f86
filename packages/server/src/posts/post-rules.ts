/**
 * X's rules for media on a post (spec §10.1): one to four photos, or one animated GIF, or one
 * video; every item usable by the poster, finalized, processed and unexpired; Post (not DM)
 * categories only; videos within the poster's duration cap. Pure functions over media records.
 */
import { kindOfMediaType, type LimitsProfile } from '@birdhouse/protocol'
import { ApiError } from '../errors.js'
import type { MediaRecord } from '../stores/metadata-store.js'

/** How a piece of media shows on a post (X's `type`). */
export type PostMediaType = 'photo' | 'animated_gif' | 'video'

/** Longest video a poster may attach, by limits profile (X: 20 minutes, 125 with Premium). */
export const POST_VIDEO_CAP_SECS: Readonly<Record<LimitsProfile, number>> = {
  default: 20 * 60,
  premium: 125 * 60,
  classic: 140,
}

/** The post type of a media record. */
export function postMediaType(media: MediaRecord): PostMediaType {
  const kind = kindOfMediaType(media.mediaType ?? media.declaredType)
  if (kind === 'video') return 'video'
  if (kind === 'gif' && media.processing) return 'animated_gif'
  return 'photo'
}

function invalid(code: 'POST_MEDIA_NOT_FOUND' | 'POST_MEDIA_INVALID' | 'POST_MEDIA_NOT_READY', id: string): ApiError {
  return new ApiError(code, { parameters: { 'media.media_ids': [id] } })
}

/** Throws unless `media` (looked up for `id`) may be attached by `authorId` at `nowMs`. */
export function assertUsable(id: string, media: MediaRecord | undefined, authorId: string, nowMs: number): MediaRecord {
  if (media === undefined) throw invalid('POST_MEDIA_NOT_FOUND', id)
  if (media.ownerId !== authorId && !media.additionalOwners.includes(authorId))
    throw invalid('POST_MEDIA_NOT_FOUND', id)
  if (media.state === 'expired' || (!media.pinned && media.expiresAtMs <= nowMs))
    throw invalid('POST_MEDIA_NOT_FOUND', id)
  if (media.state === 'failed') throw invalid('POST_MEDIA_INVALID', id)
  if (media.state !== 'succeeded') throw invalid('POST_MEDIA_NOT_READY', id)
  const category = media.category
  if (category !== null && (category.startsWith('dm_') || category === 'subtitles'))
    throw invalid('POST_MEDIA_INVALID', id)
  const kind = kindOfMediaType(media.mediaType ?? media.declaredType)
  if (kind === 'subtitles' || kind === 'model') throw invalid('POST_MEDIA_INVALID', id)
  return media
}

/** Throws unless the combination is 1–4 photos, or one GIF, or one video within the cap. */
export function assertCombination(items: readonly MediaRecord[], limits: LimitsProfile): void {
  const types = items.map(postMediaType)
  const ids = items.map((m) => m.id)
  if (types.includes('animated_gif') && items.length > 1) {
    throw new ApiError('POST_MEDIA_GIF_MIXED', { parameters: { 'media.media_ids': ids } })
  }
  if (types.includes('video') && items.length > 1) {
    throw new ApiError('POST_MEDIA_TYPES_MIXED', { parameters: { 'media.media_ids': ids } })
  }
  const capSecs = POST_VIDEO_CAP_SECS[limits]
  for (const media of items) {
    if (media.video !== null && media.video.durationMs > capSecs * 1000) {
      throw new ApiError('POST_VIDEO_TOO_LONG', { params: { minutes: Math.round(capSecs / 60) } })
    }
  }
}
