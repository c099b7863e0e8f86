/**
 * Post text as X counts it (twitter-text's weighted length: 280, URLs count 23, most CJK and emoji
 * count 2), and the t.co link X appends to the text of a post with media.
 */
import { createHash } from 'node:crypto'
import twitterText from 'twitter-text'
import { ApiError } from '../errors.js'

/** Longest text, in weighted characters. */
export const MAX_WEIGHTED_LENGTH = 280

/** X's weighted length of a text. */
export function weightedLength(text: string): number {
  return twitterText.parseTweet(text).weightedLength
}

/** Throws `POST_TEXT_TOO_LONG` for text over 280 weighted characters. */
export function assertTextLength(text: string): void {
  const length = weightedLength(text)
  if (length > MAX_WEIGHTED_LENGTH) {
    throw new ApiError('POST_TEXT_TOO_LONG', { params: { weightedLength: length }, parameters: { text: [] } })
  }
}

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

/** The `https://t.co/…` link X appends for a post's media, derived from the post id. */
export function mediaLink(postId: string): string {
  const digest = createHash('sha256').update(postId).digest()
  let slug = ''
  for (let i = 0; i < 10; i++) slug += ALPHABET[(digest[i] ?? 0) % ALPHABET.length]
  return `https://t.co/${slug}`
}

/** The stored text of a post: the given text, plus the media link when media is attached. */
export function buildPostText(text: string, postId: string, hasMedia: boolean): string {
  if (!hasMedia) return text
  return text === '' ? mediaLink(postId) : `${text} ${mediaLink(postId)}`
}
