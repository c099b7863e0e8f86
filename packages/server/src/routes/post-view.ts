/**
 * Posts and media as X's v2 lookup endpoints return them: default fields (`id`, `text`,
 * `edit_history_tweet_ids`; media `media_key`, `type`), more on request through `tweet.fields`,
 * `media.fields` and `expansions`, and `includes.media` / `includes.users` for expansions.
 */
import type { FastifyRequest } from 'fastify'
import { type PostMediaType, postMediaType } from '../posts/post-rules.js'
import type { MediaRecord, TweetRecord, UserRecord } from '../stores/metadata-store.js'
import { isPhoto, posterFile, videoVariants } from '../uploads/served-files.js'
import { mediaFolderPath, photoPath, posterName, variantName } from './media-paths.js'

/** The field selection of a lookup request. */
export interface FieldSelection {
  tweetFields: Set<string>
  mediaFields: Set<string>
  expansions: Set<string>
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

/**
 * The main image URL of media: a photo's file, or the poster of a video or animated GIF (v1.1's
 * `media_url_https`); a photo-style path while a video has no poster yet.
 */
export function mediaFileUrl(baseUrl: string, media: MediaRecord): string {
  const poster = isPhoto(media) ? undefined : posterFile(media)
  return `${baseUrl}${poster === undefined ? photoPath(media) : mediaFolderPath(media, posterName(poster))}`
}

/** The base URL clients reached this server at. */
export function baseUrlOf(request: FastifyRequest): string {
  return request.server.publicUrl ?? `${request.protocol}://${request.headers.host ?? 'localhost'}`
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

/** Width and height of media: read from the upload or by processing, else those of its largest file. */
function dimensions(media: MediaRecord): { width: number; height: number } | undefined {
  const facts = media.image ?? media.video
  if (facts !== null) return { width: facts.width, height: facts.height }
  return [...media.files].sort((a, b) => b.width * b.height - a.width * a.height)[0]
}

/** MP4 variants as X lists them: `bit_rate` on each (0 for an animated GIF), no HLS playlist (docs/api-contract.md). */
function variantsOf(media: MediaRecord, type: PostMediaType, baseUrl: string): Record<string, unknown>[] {
  return videoVariants(media).map((file) => ({
    bit_rate: type === 'animated_gif' ? 0 : (file.bitRate ?? 0),
    content_type: file.contentType,
    url: `${baseUrl}${mediaFolderPath(media, variantName(file))}`,
  }))
}

/**
 * A v2 media object with the requested fields (spec §10.3): `media_key` and `type` always; `url`
 * for photos; `preview_image_url` and `variants` for videos and animated GIFs once processing made
 * them; `duration_ms` for videos. Posts and the media lookups both render media here.
 */
export function buildMedia(media: MediaRecord, fields: Set<string>, baseUrl: string): Record<string, unknown> {
  const type = postMediaType(media)
  const out: Record<string, unknown> = { media_key: media.mediaKey, type }
  const size = dimensions(media)
  const poster = type === 'photo' ? undefined : posterFile(media)
  const variants = type === 'photo' ? [] : variantsOf(media, type, baseUrl)
  if (fields.has('url') && type === 'photo') out.url = `${baseUrl}${photoPath(media)}`
  if (fields.has('preview_image_url') && poster !== undefined) {
    out.preview_image_url = `${baseUrl}${mediaFolderPath(media, posterName(poster))}`
  }
  if (fields.has('width') && size !== undefined) out.width = size.width
  if (fields.has('height') && size !== undefined) out.height = size.height
  if (fields.has('duration_ms') && type === 'video' && media.video !== null) out.duration_ms = media.video.durationMs
  if (fields.has('alt_text') && media.altText !== null) out.alt_text = media.altText
  if (fields.has('variants') && variants.length > 0) out.variants = variants
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
