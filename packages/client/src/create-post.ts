/**
 * A post with media in one call (real-clients.md §d.14): every item is uploaded at once (X takes
 * at most four), alt text is set on each that has some, then `POST /2/tweets` names the media. If
 * any item fails nothing is posted, and the `CreatePostError` says which items failed and which
 * media ids are ready, so the caller can retry only what failed. Posting itself is retried only on
 * 429 and 503, which X answers before doing anything: a lost answer to a post that went through
 * must not become a second post.
 */
import { isXApiError, PreflightError } from './errors.js'
import { type RetryPolicy, withRetry } from './http/retry.js'
import { type HttpContext, sendRequest } from './http/send-request.js'
import type { UploadOptions, UploadProgress, UploadResult } from './upload/upload-options.js'

/** Most media a post takes (spec §10.1). */
export const MAX_POST_MEDIA = 4

/** One medium of a post. */
export interface PostMediaInput<Source> extends Omit<UploadOptions, 'signal' | 'onProgress'> {
  source: Source
  /** Alt text (at most 1000 characters), set with `POST /2/media/metadata`. */
  altText?: string
}

/** What to post. */
export interface CreatePostInput<Source> {
  text?: string
  /** Up to four media. */
  media?: readonly PostMediaInput<Source>[]
  /** Progress of each medium, by its index in `media`. */
  onProgress?: (index: number, progress: UploadProgress) => void
  signal?: AbortSignal
}

/** A created post. */
export interface CreatedPost {
  id: string
  text: string
  mediaIds: string[]
}

/** What became of one medium of a post. */
export interface PostMediaOutcome {
  index: number
  /** Set when the upload succeeded (even if its alt text failed). */
  mediaId: string | undefined
  /** Set when the medium failed. */
  error: unknown
}

/**
 * A post that was not created: some media failed (`code` `POST_MEDIA_FAILED`), or the post itself
 * was refused (`POST_FAILED`, with the refusal as `cause`).
 * @example
 * catch (error) { if (isCreatePostError(error)) console.error(error.failed.map((item) => item.index)) }
 */
export class CreatePostError extends Error {
  override readonly name = 'CreatePostError'
  readonly code: 'POST_MEDIA_FAILED' | 'POST_FAILED'
  readonly items: readonly PostMediaOutcome[]

  constructor(code: 'POST_MEDIA_FAILED' | 'POST_FAILED', message: string, items: PostMediaOutcome[], cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause })
    this.code = code
    this.items = items
  }

  /** The items that failed. */
  get failed(): PostMediaOutcome[] {
    return this.items.filter((item) => item.error !== undefined)
  }

  /** Media ids that were uploaded and are ready to post again. */
  get mediaIds(): string[] {
    return this.items
      .filter((item) => item.error === undefined && item.mediaId !== undefined)
      .map((i) => i.mediaId as string)
  }
}

/**
 * Whether `error` is a `CreatePostError`.
 * @example if (isCreatePostError(error)) retry(error.failed)
 */
export function isCreatePostError(error: unknown): error is CreatePostError {
  return error instanceof CreatePostError
}

/** What `createPost` needs from its client. */
export interface PostDependencies<Source> {
  http: HttpContext
  apiBaseUrl: string
  policy: RetryPolicy
  uploadMedia(source: Source, options: UploadOptions): Promise<UploadResult>
  setAltText(mediaId: string, text: string, options: { signal?: AbortSignal }): Promise<void>
}

async function uploadItem<Source>(
  deps: PostDependencies<Source>,
  item: PostMediaInput<Source>,
  index: number,
  input: CreatePostInput<Source>,
): Promise<PostMediaOutcome> {
  const { source, altText, ...options } = item
  const signal = input.signal === undefined ? {} : { signal: input.signal }
  let mediaId: string | undefined
  try {
    const onProgress = input.onProgress
    const uploaded = await deps.uploadMedia(source, {
      ...options,
      ...signal,
      ...(onProgress === undefined ? {} : { onProgress: (progress: UploadProgress) => onProgress(index, progress) }),
    })
    mediaId = uploaded.mediaId
    if (altText !== undefined) await deps.setAltText(mediaId, altText, signal)
    return { index, mediaId, error: undefined }
  } catch (error) {
    return { index, mediaId, error }
  }
}

/** Uploads the media, sets alt text, and posts. */
export async function createPost<Source>(
  deps: PostDependencies<Source>,
  input: CreatePostInput<Source>,
): Promise<CreatedPost> {
  const media = input.media ?? []
  if (media.length > MAX_POST_MEDIA) {
    throw new PreflightError('POST_MEDIA_TOO_MANY', `a post takes at most ${MAX_POST_MEDIA} media, not ${media.length}`)
  }
  const items = await Promise.all(media.map((item, index) => uploadItem(deps, item, index, input)))
  if (input.signal?.aborted) throw input.signal.reason
  const failed = items.filter((item) => item.error !== undefined)
  if (failed.length > 0) {
    const which = failed.map((item) => item.index).join(', ')
    throw new CreatePostError('POST_MEDIA_FAILED', `media ${which} of the post failed; nothing was posted`, items)
  }
  const mediaIds = items.map((item) => item.mediaId as string)
  const value = {
    ...(input.text === undefined ? {} : { text: input.text }),
    ...(mediaIds.length > 0 ? { media: { media_ids: mediaIds } } : {}),
  }
  try {
    const response = await withRetry(
      () =>
        sendRequest(deps.http, {
          method: 'POST',
          url: `${deps.apiBaseUrl}/2/tweets`,
          body: { kind: 'json', value },
          signal: input.signal,
        }),
      {
        policy: deps.policy,
        signal: input.signal,
        retryable: (error) => isXApiError(error) && [429, 503].includes(error.status),
      },
    )
    const data = (response.body as { data?: { id?: unknown; text?: unknown } } | undefined)?.data
    return {
      id: String(data?.id ?? ''),
      text: typeof data?.text === 'string' ? data.text : (input.text ?? ''),
      mediaIds,
    }
  } catch (error) {
    if (input.signal?.aborted) throw error
    throw new CreatePostError('POST_FAILED', `the post was refused: ${(error as Error).message}`, items, error)
  }
}
