/**
 * Posts with media: creating (X's rules, then one store transaction that also pins the media so it
 * never expires), reading, deleting and listing a user's posts, and setting alt text.
 */
import { ID_PATTERN, type LimitsProfile } from '@birdhouse/protocol'
import type { Clock } from '../clock.js'
import { ApiError } from '../errors.js'
import type { MediaRecord, MetadataStore, TweetRecord, VideoFacts } from '../stores/metadata-store.js'
import type { SnowflakeGenerator } from '../uploads/snowflake.js'
import { assertCombination, assertUsable, postMediaType } from './post-rules.js'
import { assertTextLength, buildPostText } from './post-text.js'

/** Longest alt text, characters. */
export const MAX_ALT_TEXT_CHARS = 1000

/** What a new post carries. */
export interface NewPost {
  text: string
  /** Undefined when the request had no media object. */
  mediaIds: readonly string[] | undefined
  taggedUserIds: readonly string[]
  /** Name of the media ids parameter in errors (v2 `media.media_ids`, v1.1 `media_ids`). */
  mediaIdsParameter?: string
}

/** Dependencies of the service. */
export interface PostServiceOptions {
  store: MetadataStore
  clock: Clock
  ids: SnowflakeGenerator
  limits: LimitsProfile
  /** Reads a video's facts when processing did not (media uploaded without a category). */
  describeVideo?: (media: MediaRecord) => Promise<VideoFacts | undefined>
}

function assertIds(ids: readonly string[], parameter: string): void {
  for (const id of ids) {
    if (!ID_PATTERN.test(id)) {
      throw new ApiError('INVALID_PARAMETER', {
        params: { parameter, reason: 'ids must match ^[0-9]{1,19}$.' },
        parameters: { [parameter]: [id] },
      })
    }
  }
}

/** Creates and reads posts. */
export class PostService {
  readonly #o: PostServiceOptions

  constructor(options: PostServiceOptions) {
    this.#o = options
  }

  /** Creates a post after checking X's rules; resolves to the stored post. */
  async create(authorId: string, post: NewPost): Promise<TweetRecord> {
    const mediaIds = post.mediaIds ?? []
    if (post.mediaIds !== undefined && mediaIds.length === 0) throw new ApiError('POST_MEDIA_TOO_FEW')
    if (mediaIds.length > 4)
      throw new ApiError('POST_MEDIA_TOO_MANY', { parameters: { 'media.media_ids': [...mediaIds] } })
    assertIds(mediaIds, post.mediaIdsParameter ?? 'media.media_ids')
    assertIds(post.taggedUserIds, 'media.tagged_user_ids')
    if (post.text === '' && mediaIds.length === 0) throw new ApiError('POST_EMPTY')
    assertTextLength(post.text)
    const media = await this.#withVideoFacts(await this.#usableMedia(authorId, mediaIds))
    assertCombination(media, this.#o.limits)
    const id = this.#o.ids.next()
    const tweet: TweetRecord = {
      id,
      authorId,
      text: buildPostText(post.text, id, mediaIds.length > 0),
      mediaIds: [...mediaIds],
      taggedUserIds: [...post.taggedUserIds],
      createdAtMs: this.#o.clock.now(),
    }
    if (!(await this.#o.store.createTweet(tweet, tweet.createdAtMs))) {
      // A media item changed between the checks and the insert (it expired): report it as X would.
      await this.#usableMedia(authorId, mediaIds)
      throw new ApiError('POST_MEDIA_NOT_FOUND', { parameters: { 'media.media_ids': [...mediaIds] } })
    }
    return tweet
  }

  /** A post, or undefined. */
  get(id: string): Promise<TweetRecord | undefined> {
    return this.#o.store.getTweet(id)
  }

  /** The posts that exist among `ids`, in order. */
  getMany(ids: readonly string[]): Promise<TweetRecord[]> {
    return this.#o.store.getTweets(ids)
  }

  /** Deletes the author's post; `POST_NOT_FOUND` when there is none. */
  async delete(authorId: string, id: string): Promise<void> {
    if (!(await this.#o.store.deleteTweet(id, authorId))) {
      throw new ApiError('POST_NOT_FOUND', {
        params: { id },
        extra: { resource_type: 'tweet', resource_id: id, parameter: 'id', value: id },
      })
    }
  }

  /** A page of a user's posts, newest first. */
  listByUser(userId: string, limit: number, untilId?: string): Promise<TweetRecord[]> {
    return this.#o.store.listUserTweets(userId, limit, untilId)
  }

  /** The media attached to `posts`, by id. */
  async mediaOf(posts: readonly TweetRecord[]): Promise<Map<string, MediaRecord>> {
    const ids = [...new Set(posts.flatMap((p) => p.mediaIds))]
    const found = await Promise.all(ids.map((id) => this.#o.store.getMedia(id)))
    return new Map(found.flatMap((m) => (m === undefined ? [] : [[m.id, m] as const])))
  }

  /** Sets alt text on media the user owns (or co-owns). */
  async setAltText(userId: string, mediaId: string, text: string): Promise<MediaRecord> {
    if ([...text].length > MAX_ALT_TEXT_CHARS)
      throw new ApiError('ALT_TEXT_TOO_LONG', { parameters: { 'metadata.alt_text.text': [] } })
    const media = await this.#o.store.getMedia(mediaId)
    if (media === undefined || (media.ownerId !== userId && !media.additionalOwners.includes(userId))) {
      throw new ApiError('MEDIA_NOT_FOUND', { params: { mediaId }, parameters: { id: [mediaId] } })
    }
    if (media.state === 'expired' || (!media.pinned && media.expiresAtMs <= this.#o.clock.now())) {
      throw new ApiError('MEDIA_EXPIRED', { params: { mediaId }, parameters: { id: [mediaId] } })
    }
    await this.#o.store.setAltText(mediaId, text)
    return { ...media, altText: text }
  }

  async #withVideoFacts(media: MediaRecord[]): Promise<MediaRecord[]> {
    const describe = this.#o.describeVideo
    if (describe === undefined) return media
    return await Promise.all(
      media.map(async (m) =>
        m.video === null && postMediaType(m) === 'video' ? { ...m, video: (await describe(m)) ?? null } : m,
      ),
    )
  }

  async #usableMedia(authorId: string, mediaIds: readonly string[]): Promise<MediaRecord[]> {
    const now = this.#o.clock.now()
    const found = await Promise.all(mediaIds.map((id) => this.#o.store.getMedia(id)))
    return mediaIds.map((id, i) => assertUsable(id, found[i], authorId, now))
  }
}
