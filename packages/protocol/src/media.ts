/**
 * X's media vocabulary: categories, media types, kinds, media_key prefixes and the size and
 * duration limits of each category (spec §8). Input spellings are normalised leniently, as real
 * clients send CamelCase (`TweetVideo`) and upper case (`TWEET_IMAGE`) categories.
 */

/** Media categories X defines. */
export const MEDIA_CATEGORIES = [
  'tweet_image',
  'tweet_gif',
  'tweet_video',
  'amplify_video',
  'dm_image',
  'dm_gif',
  'dm_video',
  'subtitles',
] as const
/** A media category. */
export type MediaCategory = (typeof MEDIA_CATEGORIES)[number]

/** Media types accepted at INIT (OpenAPI 2.167 enum). */
export const MEDIA_TYPES = [
  'video/mp4',
  'video/webm',
  'video/mp2t',
  'video/quicktime',
  'text/srt',
  'text/vtt',
  'image/jpeg',
  'image/gif',
  'image/bmp',
  'image/png',
  'image/webp',
  'image/pjpeg',
  'image/tiff',
  'model/gltf-binary',
  'model/vnd.usdz+zip',
] as const
/** A media type. */
export type MediaType = (typeof MEDIA_TYPES)[number]

/** What a piece of media is, which decides its processing. */
export type MediaKind = 'image' | 'gif' | 'video' | 'subtitles' | 'model'

/** Spellings real clients send that mean an enum type (x-ruby sends application/x-subrip for .srt). */
const MEDIA_TYPE_ALIASES: Readonly<Record<string, MediaType>> = {
  'application/x-subrip': 'text/srt',
  'application/srt': 'text/srt',
  'text/x-srt': 'text/srt',
  'image/jpg': 'image/jpeg',
  'video/x-matroska': 'video/webm',
  'video/mov': 'video/quicktime',
}

/** Normalises a category in any case or CamelCase (`TweetVideo`, `TWEET_VIDEO`) to snake_case; undefined when unknown. */
export function parseMediaCategory(input: string): MediaCategory | undefined {
  const trimmed = input.trim()
  const snake = trimmed.includes('_') ? trimmed : trimmed.replace(/([a-z0-9])([A-Z])/g, '$1_$2')
  const lower = snake.toLowerCase()
  return (MEDIA_CATEGORIES as readonly string[]).includes(lower) ? (lower as MediaCategory) : undefined
}

/** Normalises a MIME type (case, parameters, known aliases); undefined when not in X's enum. */
export function parseMediaType(input: string): MediaType | undefined {
  const bare = (input.split(';')[0] ?? '').trim().toLowerCase()
  const aliased = MEDIA_TYPE_ALIASES[bare] ?? bare
  return (MEDIA_TYPES as readonly string[]).includes(aliased) ? (aliased as MediaType) : undefined
}

/** The kind of a media type. */
export function kindOfMediaType(type: MediaType): MediaKind {
  if (type === 'image/gif') return 'gif'
  if (type.startsWith('image/')) return 'image'
  if (type.startsWith('video/')) return 'video'
  if (type.startsWith('text/')) return 'subtitles'
  return 'model'
}

/** The kind a category is for. */
export function kindOfCategory(category: MediaCategory): MediaKind {
  if (category === 'subtitles') return 'subtitles'
  if (category.endsWith('_gif')) return 'gif'
  if (category.endsWith('_image')) return 'image'
  return 'video'
}

/** The category X assumes when none is given: Post media of the file's kind (spec §8.1). */
export function defaultCategoryForKind(kind: MediaKind): MediaCategory {
  switch (kind) {
    case 'image':
    case 'model':
      return 'tweet_image'
    case 'gif':
      return 'tweet_gif'
    case 'video':
      return 'tweet_video'
    case 'subtitles':
      return 'subtitles'
  }
}

/**
 * media_key prefix (spec §8.9): image 3, video 7, amplify video 13, animated GIF 16. Subtitles have
 * no documented prefix; birdhouse uses 18 and says so in docs/api-contract.md.
 */
export function mediaKeyPrefix(kind: MediaKind, category: MediaCategory | undefined): number {
  if (category === 'amplify_video') return 13
  if (kind === 'video') return 7
  if (kind === 'gif' && category !== undefined && kindOfCategory(category) === 'gif') return 16
  if (kind === 'subtitles') return 18
  return 3
}

/** Builds `<prefix>_<id>`. */
export function buildMediaKey(id: string, kind: MediaKind, category: MediaCategory | undefined): string {
  return `${mediaKeyPrefix(kind, category)}_${id}`
}

/** Whether media of this kind in this category is processed asynchronously (STATUS polling). */
export function isAsyncProcessed(kind: MediaKind, category: MediaCategory | undefined): boolean {
  return category !== undefined && (kind === 'video' || (kind === 'gif' && kindOfCategory(category) === 'gif'))
}

/** Limits of one category. */
export interface CategoryLimits {
  /** Largest file, bytes. */
  readonly maxBytes: number
  /** Shortest video, seconds (video and GIF categories). */
  readonly minDurationSecs?: number
  /** Longest video, seconds. */
  readonly maxDurationSecs?: number
}

/** Named limit tables: X's newest default-account limits, Premium, and the classic 512 MB / 140 s. */
export type LimitsProfile = 'default' | 'premium' | 'classic'

const MiB = 1024 * 1024
const GiB = 1024 * MiB

const BASE_LIMITS = {
  tweet_image: { maxBytes: 5 * MiB },
  dm_image: { maxBytes: 5 * MiB },
  tweet_gif: { maxBytes: 15 * MiB },
  dm_gif: { maxBytes: 15 * MiB },
  subtitles: { maxBytes: 5 * MiB },
} as const

/** Category limits per profile (spec §8.3). */
export const CATEGORY_LIMITS: Readonly<Record<LimitsProfile, Readonly<Record<MediaCategory, CategoryLimits>>>> = {
  default: {
    ...BASE_LIMITS,
    tweet_video: { maxBytes: 8 * GiB, minDurationSecs: 0.5, maxDurationSecs: 20 * 60 },
    amplify_video: { maxBytes: 8 * GiB, minDurationSecs: 0.5, maxDurationSecs: 20 * 60 },
    dm_video: { maxBytes: 512 * MiB, minDurationSecs: 0.5, maxDurationSecs: 140 },
  },
  premium: {
    ...BASE_LIMITS,
    tweet_video: { maxBytes: 16 * GiB, minDurationSecs: 0.5, maxDurationSecs: 125 * 60 },
    amplify_video: { maxBytes: 16 * GiB, minDurationSecs: 0.5, maxDurationSecs: 125 * 60 },
    dm_video: { maxBytes: GiB, minDurationSecs: 0.5, maxDurationSecs: 10 * 60 },
  },
  classic: {
    ...BASE_LIMITS,
    tweet_video: { maxBytes: 512 * MiB, minDurationSecs: 0.5, maxDurationSecs: 140 },
    amplify_video: { maxBytes: 512 * MiB, minDurationSecs: 0.5, maxDurationSecs: 140 },
    dm_video: { maxBytes: 512 * MiB, minDurationSecs: 0.5, maxDurationSecs: 140 },
  },
}

/** Largest `total_bytes` the v2 schema allows (16 GiB). */
export const MAX_TOTAL_BYTES = 17_179_869_184
/** Highest segment index (0-based, inclusive). */
export const MAX_SEGMENT_INDEX = 999
/** Default largest APPEND segment, bytes (X documents 5 MB). */
export const DEFAULT_MAX_SEGMENT_BYTES = 5 * MiB
/** Largest number of additional owners. */
export const MAX_ADDITIONAL_OWNERS = 100
/** Pattern of media ids and user ids. */
export const ID_PATTERN = /^[0-9]{1,19}$/
