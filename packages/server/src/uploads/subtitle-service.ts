/**
 * Subtitle tracks of videos (spec §9.2): a finalized `subtitles` upload is linked to a video under a
 * two-letter language code, replacing the track of that language; a track is unlinked by language.
 *
 * Who may do it: the video must be usable by the caller (uploader, or listed in its
 * `additional_owners`, as for posting), unexpired (or pinned by a post), finalized and not failed;
 * the subtitle file likewise, and a `subtitles` upload. The category named in the request, when
 * given, must be the one the video was uploaded with (a video without one is `tweet_video`).
 */
import { kindOfMediaType, type MediaCategory } from '@birdhouse/protocol'
import type { Clock } from '../clock.js'
import { ApiError } from '../errors.js'
import type { MediaRecord, MetadataStore, SubtitleTrack } from '../stores/metadata-store.js'

/** The categories subtitles attach to. */
export type SubtitleVideoCategory = 'tweet_video' | 'amplify_video'

/** Request parameter names, for errors in the caller's dialect (`id` on v2, `media_id` on v1.1). */
export interface SubtitleParameterNames {
  video: string
  category: string
  subtitle: string
}

/** A track to link. */
export interface SubtitleLinkRequest {
  videoId: string
  /** null: not given (v1.1), so not checked. */
  category: SubtitleVideoCategory | null
  tracks: readonly SubtitleTrack[]
}

/** Dependencies of the service. */
export interface SubtitleServiceOptions {
  store: MetadataStore
  clock: Clock
}

/** Links and unlinks subtitle tracks. */
export class SubtitleService {
  readonly #store: MetadataStore
  readonly #clock: Clock

  constructor(options: SubtitleServiceOptions) {
    this.#store = options.store
    this.#clock = options.clock
  }

  /** Links every track (all are checked first); resolves to the video with its tracks now. */
  async link(userId: string, request: SubtitleLinkRequest, names: SubtitleParameterNames): Promise<MediaRecord> {
    await this.#video(userId, request.videoId, request.category, names)
    for (const track of request.tracks) await this.#subtitleFile(userId, track.subtitleMediaId, names.subtitle)
    for (const track of request.tracks) {
      if (!(await this.#store.putSubtitle(request.videoId, track))) throw notFound(request.videoId, names.video)
    }
    const video = await this.#store.getMedia(request.videoId)
    if (video === undefined) throw notFound(request.videoId, names.video)
    return video
  }

  /** Unlinks the track of `languageCode`; resolves false when the video had none. */
  async unlink(
    userId: string,
    videoId: string,
    category: SubtitleVideoCategory | null,
    languageCode: string,
    names: SubtitleParameterNames,
  ): Promise<boolean> {
    await this.#video(userId, videoId, category, names)
    return await this.#store.deleteSubtitle(videoId, languageCode)
  }

  /** The category of a video subtitles were linked to (its own, or `tweet_video` when uploaded without one). */
  static categoryOf(video: MediaRecord): SubtitleVideoCategory {
    const category: MediaCategory = video.category ?? 'tweet_video'
    return category === 'amplify_video' ? category : 'tweet_video'
  }

  async #video(
    userId: string,
    id: string,
    category: SubtitleVideoCategory | null,
    names: SubtitleParameterNames,
  ): Promise<MediaRecord> {
    const video = await this.#usable(userId, id, names.video)
    if (kindOfMediaType(video.mediaType ?? video.declaredType) !== 'video') {
      throw invalid(names.video, id, 'is not a video.')
    }
    if (video.state === 'failed') throw invalid(names.video, id, 'is a video whose processing failed.')
    const own: MediaCategory = video.category ?? 'tweet_video'
    if (own !== 'tweet_video' && own !== 'amplify_video') {
      throw invalid(names.video, id, `is a ${own} video; subtitles attach to tweet_video and amplify_video.`)
    }
    if (category !== null && category !== own) {
      throw invalid(names.category, category, `must be the category the video was uploaded with (${own}).`)
    }
    return video
  }

  async #subtitleFile(userId: string, id: string, parameter: string): Promise<MediaRecord> {
    const file = await this.#usable(userId, id, parameter)
    if (kindOfMediaType(file.mediaType ?? file.declaredType) !== 'subtitles') {
      throw invalid(parameter, id, 'is not a subtitles upload.')
    }
    return file
  }

  /** The media if `userId` may use it, it is unexpired (or pinned) and finalized. */
  async #usable(userId: string, id: string, parameter: string): Promise<MediaRecord> {
    const media = await this.#store.getMedia(id)
    const usable = media !== undefined && (media.ownerId === userId || media.additionalOwners.includes(userId))
    const expired =
      media === undefined || media.state === 'expired' || (!media.pinned && media.expiresAtMs <= this.#clock.now())
    if (!usable || expired) throw notFound(id, parameter)
    if (media.state === 'uploading') {
      throw new ApiError('UPLOAD_NOT_FINALIZED', { params: { mediaId: id }, parameters: { [parameter]: [id] } })
    }
    return media
  }
}

function notFound(id: string, parameter: string): ApiError {
  return new ApiError('SUBTITLE_MEDIA_NOT_FOUND', { params: { mediaId: id }, parameters: { [parameter]: [id] } })
}

function invalid(parameter: string, value: string, reason: string): ApiError {
  return new ApiError('INVALID_PARAMETER', { params: { parameter, reason }, parameters: { [parameter]: [value] } })
}
