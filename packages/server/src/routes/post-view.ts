/**
 * Posts and media as X's v2 lookup endpoints return them: default fields (`id`, `text`,
 * `edit_history_tweet_ids`; media `media_key`, `type`), more on request through `tweet.fields`,
 * `media.fields` and `expansions`, and `includes.media` / `includes.users` for expansions.
 */
import type { FastifyRequest } from 'fastify'
import { postMediaType } from '../posts/post-rules.js'
import type { MediaRecord, TweetRecord, UserRecord } from '../stores/metadata-store.js'

/** The field selection of a lookup request. */
export interface FieldSelection {
  tweetFields: Set<string>
  mediaFields: Set<string>
  expansions: Set<string>
}

const EXTENSIONS: Readonly<Record<string, string>> = {
  'image/jpeg': 'jpg',
  'image/pjpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/bmp': 'bmp',
  'image/tiff': 'tiff',
  'video/mp4': 'mp4',
  'video/quicktime': 'mov',
  'video/webm': 'webm',
  'video/mp2t': 'ts',
}

function csv(value: unknown): Set<string> {
  const text = Array.isArray(value) ? value.join(',') : typeof value === 'string' ? value : ''
  return new Set(
    text
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  )
}

/** Reads `tweet.fields`, `media.fields` and `expansions` from the query. */
export function readFieldSelection(query: Record<string, unknown>): FieldSelection {
  return {
    tweetFields: csv(query['tweet.fields']),
    mediaFields: csv(query['media.fields']),
    expansions: csv(query.expansions),
  }
}

/** The URL media bytes are served at (`/media/<media_key>.<ext>`). */
export function mediaFileUrl(baseUrl: string, media: MediaRecord): string {
  return `${baseUrl}/media/${media.mediaKey}.${EXTENSIONS[media.mediaType ?? media.declaredType] ?? 'bin'}`
}

/** The extension a media file is served with. */
export function mediaFileExtension(media: MediaRecord): string {
  return EXTENSIONS[media.mediaType ?? media.declaredType] ?? 'bin'
}

/** The base URL clients reached this server at. */
export function baseUrlOf(request: FastifyRequest): string {
  return `${request.protocol}://${request.headers.host ?? 'localhost'}`
}

/** A v2 post object. */
export function buildPost(
  post: TweetRecord,
  media: Map<string, MediaRecord>,
  selection: FieldSelection,
): Record<string, unknown> {
  const out: Record<string, unknown> = { edit_history_tweet_ids: [post.id], id: post.id, text: post.text }
  if (selection.tweetFields.has('author_id') || selection.expansions.has('author_id')) out.author_id = post.authorId
  if (selection.tweetFields.has('created_at')) out.created_at = new Date(post.createdAtMs).toISOString()
  const wantsAttachments =
    selection.tweetFields.has('attachments') || selection.expansions.has('attachments.media_keys')
  if (wantsAttachments && post.mediaIds.length > 0) {
    out.attachments = { media_keys: post.mediaIds.flatMap((id) => media.get(id)?.mediaKey ?? []) }
  }
  return out
}

/** A v2 media object with the requested fields. */
export function buildMedia(media: MediaRecord, fields: Set<string>, baseUrl: string): Record<string, unknown> {
  const type = postMediaType(media)
  const out: Record<string, unknown> = { media_key: media.mediaKey, type }
  const width = media.image?.width ?? media.video?.width
  const height = media.image?.height ?? media.video?.height
  if (fields.has('url') && type === 'photo') out.url = mediaFileUrl(baseUrl, media)
  if (fields.has('width') && width !== undefined) out.width = width
  if (fields.has('height') && height !== undefined) out.height = height
  if (fields.has('duration_ms') && media.video !== null) out.duration_ms = media.video.durationMs
  if (fields.has('alt_text') && media.altText !== null) out.alt_text = media.altText
  if (fields.has('variants') && type !== 'photo') {
    out.variants = [{ content_type: media.mediaType ?? media.declaredType, url: mediaFileUrl(baseUrl, media) }]
  }
  return out
}

/** `includes` for the expansions of a set of posts; undefined when there is nothing to include. */
export function buildIncludes(
  posts: readonly TweetRecord[],
  media: Map<string, MediaRecord>,
  users: Map<string, UserRecord>,
  selection: FieldSelection,
  baseUrl: string,
): Record<string, unknown> | undefined {
  const includes: Record<string, unknown> = {}
  if (selection.expansions.has('attachments.media_keys')) {
    const ids = [...new Set(posts.flatMap((p) => p.mediaIds))]
    const items = ids.flatMap((id) => {
      const record = media.get(id)
      return record === undefined ? [] : [buildMedia(record, selection.mediaFields, baseUrl)]
    })
    if (items.length > 0) includes.media = items
  }
  if (selection.expansions.has('author_id')) {
    const items = [...new Set(posts.map((p) => p.authorId))].flatMap((id) => {
      const user = users.get(id)
      return user === undefined ? [] : [{ id: user.id, name: user.name, username: user.handle }]
    })
    if (items.length > 0) includes.users = items
  }
  return Object.keys(includes).length > 0 ? includes : undefined
}
