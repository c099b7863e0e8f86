/**
 * Parsing of `POST /2/tweets` bodies against X's CreatePostsRequest: known members only
 * (additionalProperties: false), `media` exclusive with `poll`, `quote_tweet_id` and `card_uri`.
 */
import { ApiError } from '../errors.js'
import type { NewPost } from '../posts/post-service.js'
import { parseJsonObject } from './request-input.js'

const KNOWN_MEMBERS = new Set([
  'card_uri',
  'community_id',
  'direct_message_deep_link',
  'edit_options',
  'for_super_followers_only',
  'geo',
  'made_with_ai',
  'media',
  'nullcast',
  'paid_partnership',
  'poll',
  'quote_tweet_id',
  'reply',
  'reply_settings',
  'share_with_followers',
  'text',
])
const MEDIA_MEMBERS = new Set([
  'media_ids',
  'tagged_user_ids',
  'call_to_actions',
  'description',
  'embeddable',
  'preview_media_id',
  'title',
])
const EXCLUSIVE_WITH_MEDIA = ['poll', 'quote_tweet_id', 'card_uri']

function invalid(parameter: string, reason: string): ApiError {
  return new ApiError('INVALID_PARAMETER', { params: { parameter, reason }, parameters: { [parameter]: [] } })
}

function stringArray(value: unknown, parameter: string): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
    throw invalid(parameter, 'must be an array of strings.')
  return value
}

/** Reads a create-post JSON body. */
export function readCreatePost(text: string): NewPost {
  const body = parseJsonObject(text) ?? {}
  for (const name of Object.keys(body)) {
    if (!KNOWN_MEMBERS.has(name))
      throw new ApiError('UNKNOWN_PARAMETER', { params: { parameter: name }, parameters: { [name]: [] } })
  }
  if (body.text !== undefined && typeof body.text !== 'string') throw invalid('text', 'must be a string.')
  const media = body.media
  if (media === undefined)
    return { text: (body.text as string | undefined) ?? '', mediaIds: undefined, taggedUserIds: [] }
  if (media === null || typeof media !== 'object' || Array.isArray(media)) throw invalid('media', 'must be an object.')
  const members = media as Record<string, unknown>
  for (const name of Object.keys(members)) {
    if (!MEDIA_MEMBERS.has(name))
      throw new ApiError('UNKNOWN_PARAMETER', {
        params: { parameter: `media.${name}` },
        parameters: { [`media.${name}`]: [] },
      })
  }
  for (const other of EXCLUSIVE_WITH_MEDIA) {
    if (body[other] !== undefined) throw invalid('media', `cannot be combined with ${other}.`)
  }
  if (members.media_ids === undefined)
    throw new ApiError('MISSING_PARAMETER', {
      params: { parameter: 'media.media_ids' },
      parameters: { 'media.media_ids': [] },
    })
  const taggedUserIds =
    members.tagged_user_ids === undefined ? [] : stringArray(members.tagged_user_ids, 'media.tagged_user_ids')
  if (taggedUserIds.length > 10) throw invalid('media.tagged_user_ids', 'at most 10 users may be tagged.')
  return {
    text: (body.text as string | undefined) ?? '',
    mediaIds: stringArray(members.media_ids, 'media.media_ids'),
    taggedUserIds,
  }
}
