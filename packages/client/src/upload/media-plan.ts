/**
 * Decides what an upload declares at INIT and refuses what X would refuse later (spec §8): the
 * type is sniffed from the first bytes unless given; the category follows the kind (Post or DM
 * media; `amplify_video` for video longer than 140 s under the classic limits, where `tweet_video`
 * stops at 140 s); then the size (and the duration, when the caller knows it) is checked against
 * the category's limits in `CATEGORY_LIMITS`, so a file that cannot succeed fails before INIT
 * instead of at FINALIZE or after processing.
 */
import {
  CATEGORY_LIMITS,
  kindOfCategory,
  kindOfMediaType,
  type LimitsProfile,
  MAX_TOTAL_BYTES,
  type MediaCategory,
  type MediaKind,
  type MediaType,
  parseMediaCategory,
  parseMediaType,
  sniffMediaType,
} from '@birdhouse/protocol'
import { PreflightError } from '../errors.js'

/** What the caller may say about the media. */
export interface MediaPlanOptions {
  /** MIME type; default sniffed from the bytes. */
  mediaType?: MediaType | string | undefined
  /** X's category (any case, CamelCase too); default chosen from the kind. */
  mediaCategory?: MediaCategory | string | undefined
  /** Direct-message media (`dm_image`, `dm_gif`, `dm_video`); default false. */
  dm?: boolean | undefined
  /** Video duration in seconds when known: checked against the category and used to pick `amplify_video`. */
  durationSecs?: number | undefined
  /** Which limit table to check against; default `'default'` (X's newest default-account limits). */
  limits?: LimitsProfile | undefined
  /** Check type, size and duration before INIT; default true. */
  preflight?: boolean | undefined
}

/** What INIT will declare. */
export interface MediaPlan {
  mediaType: MediaType
  mediaCategory: MediaCategory
  kind: MediaKind
  totalBytes: number
}

/** The longest `tweet_video` of the classic limits (spec §8.3). */
const CLASSIC_TWEET_VIDEO_SECS = 140

function chooseCategory(kind: MediaKind, options: MediaPlanOptions): MediaCategory {
  const dm = options.dm === true
  switch (kind) {
    case 'image':
    case 'model':
      return dm ? 'dm_image' : 'tweet_image'
    case 'gif':
      return dm ? 'dm_gif' : 'tweet_gif'
    case 'subtitles':
      return 'subtitles'
    case 'video': {
      if (dm) return 'dm_video'
      const long = options.durationSecs !== undefined && options.durationSecs > CLASSIC_TWEET_VIDEO_SECS
      return long && options.limits === 'classic' ? 'amplify_video' : 'tweet_video'
    }
  }
}

/** Whether a category takes media of `kind` (X's rule as birdhouse enforces it at FINALIZE). */
function categoryTakes(category: MediaCategory, kind: MediaKind): boolean {
  const wanted = kindOfCategory(category)
  if (wanted === 'image') return kind === 'image' || kind === 'gif' || kind === 'model'
  return wanted === kind
}

function resolveType(head: Uint8Array, given: string | undefined, check: boolean): MediaType {
  const sniffed = sniffMediaType(head)
  if (given === undefined) {
    if (sniffed === undefined) {
      throw new PreflightError('MEDIA_TYPE_UNRECOGNIZED', 'media type unrecognized: the bytes are no type X accepts')
    }
    return sniffed
  }
  const declared = parseMediaType(given)
  if (declared === undefined)
    throw new PreflightError('MEDIA_TYPE_UNRECOGNIZED', `media type ${given} is not one X accepts`)
  if (check && sniffed !== undefined && kindOfMediaType(sniffed) !== kindOfMediaType(declared)) {
    throw new PreflightError('MEDIA_TYPE_UNRECOGNIZED', `the bytes are ${sniffed}, not ${declared}`)
  }
  return declared
}

function checkLimits(plan: MediaPlan, options: MediaPlanOptions): void {
  const { mediaCategory: category, totalBytes } = plan
  if (totalBytes === 0) throw new PreflightError('MEDIA_EMPTY', 'the media is empty')
  if (!categoryTakes(category, plan.kind)) {
    throw new PreflightError('MEDIA_TYPE_UNRECOGNIZED', `${plan.mediaType} cannot be uploaded as ${category}`)
  }
  const limits = CATEGORY_LIMITS[options.limits ?? 'default'][category]
  const maxBytes = Math.min(limits.maxBytes, MAX_TOTAL_BYTES)
  if (totalBytes > maxBytes) {
    throw new PreflightError('MEDIA_TOO_LARGE', `File size exceeds ${maxBytes} bytes for media category ${category}.`)
  }
  const secs = options.durationSecs
  if (secs === undefined) return
  const { minDurationSecs: min, maxDurationSecs: max } = limits
  if ((min !== undefined && secs < min) || (max !== undefined && secs > max)) {
    throw new PreflightError(
      'MEDIA_DURATION_INVALID',
      `a ${category} must last ${min ?? 0}–${max ?? '∞'} s; this one lasts ${secs} s`,
    )
  }
}

/**
 * Plans the upload of `totalBytes` bytes starting with `head`; a `PreflightError` when X would refuse it.
 * @example planMedia(firstBytes, file.size, { dm: true }) // { mediaType: 'video/mp4', mediaCategory: 'dm_video', … }
 */
export function planMedia(head: Uint8Array, totalBytes: number, options: MediaPlanOptions = {}): MediaPlan {
  const check = options.preflight !== false
  const mediaType = resolveType(head, options.mediaType, check)
  const kind = kindOfMediaType(mediaType)
  let mediaCategory = chooseCategory(kind, options)
  if (options.mediaCategory !== undefined) {
    const parsed = parseMediaCategory(options.mediaCategory)
    if (parsed === undefined) {
      throw new PreflightError('MEDIA_CATEGORY_INVALID', `media category ${options.mediaCategory} is not one X defines`)
    }
    mediaCategory = parsed
  }
  const plan = { mediaType, mediaCategory, kind, totalBytes }
  if (check) checkLimits(plan, options)
  return plan
}
