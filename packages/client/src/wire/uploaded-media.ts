/**
 * X's upload objects (v2 under `data`, v1.1 bare with `media_id_string`) read into one camelCase
 * shape. Reading is lenient, as X's answers vary (spec §5): unknown fields are ignored and unknown
 * processing states are kept as they are, to be treated as "still working".
 */
import type { ProcessingError } from '@birdhouse/protocol'
import { XApiError } from '../errors.js'
import type { HttpResponse } from '../http/send-request.js'

/** Processing as STATUS reports it. */
export interface ProcessingStatus {
  /** `pending`, `in_progress`, `succeeded`, `failed`, or another value X sent. */
  state: string
  checkAfterSecs: number | undefined
  progressPercent: number | undefined
  /** X's failure triple; a failure even when `state` still says `in_progress` (spec §3.5). */
  error: ProcessingError | undefined
}

/** An upload as the server describes it. */
export interface UploadedMedia {
  mediaId: string
  mediaKey: string | undefined
  sizeBytes: number | undefined
  expiresAfterSecs: number | undefined
  image: { imageType: string; width: number; height: number } | undefined
  video: { videoType: string } | undefined
  processing: ProcessingStatus | undefined
}

/** An upload object and the request and HTTP status it came with. */
export interface UploadAnswer {
  method: string
  url: string
  status: number
  media: UploadedMedia
}

type Json = Record<string, unknown>

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

const num = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined)
const str = (value: unknown) => (typeof value === 'string' ? value : undefined)

function readError(value: unknown): ProcessingError | undefined {
  if (!isObject(value)) return undefined
  return { code: num(value.code) ?? 0, name: str(value.name) ?? 'Error', message: str(value.message) ?? '' }
}

function readProcessing(value: unknown): ProcessingStatus | undefined {
  if (!isObject(value)) return undefined
  return {
    state: str(value.state) ?? 'pending',
    checkAfterSecs: num(value.check_after_secs),
    progressPercent: num(value.progress_percent),
    error: readError(value.error),
  }
}

/** Reads an upload object; undefined when it has no id. */
export function readUploadedMedia(value: unknown): UploadedMedia | undefined {
  if (!isObject(value)) return undefined
  // v1.1's numeric `media_id` exceeds 2^53 and is rounded by JSON.parse: only the string is exact.
  const mediaId = str(value.id) ?? str(value.media_id_string)
  if (mediaId === undefined || mediaId === '') return undefined
  const image = isObject(value.image) ? value.image : undefined
  const video = isObject(value.video) ? value.video : undefined
  return {
    mediaId,
    mediaKey: str(value.media_key),
    sizeBytes: num(value.size),
    expiresAfterSecs: num(value.expires_after_secs),
    image:
      image === undefined
        ? undefined
        : { imageType: str(image.image_type) ?? '', width: num(image.w) ?? 0, height: num(image.h) ?? 0 },
    video: video === undefined ? undefined : { videoType: str(video.video_type) ?? '' },
    processing: readProcessing(value.processing_info),
  }
}

/** The upload object of an answer (`data` on v2, the body on v1.1); an `XApiError` when there is none. */
export function uploadAnswer(
  response: HttpResponse,
  request: { method: string; url: string },
  wrapped: boolean,
): UploadAnswer {
  const body = response.body
  const media = readUploadedMedia(wrapped ? (isObject(body) ? body.data : undefined) : body)
  if (media === undefined) {
    throw new XApiError(`${request.method} ${request.url}: the answer carries no upload object`, {
      status: response.status,
      method: request.method,
      url: request.url,
      body,
    })
  }
  return { method: request.method, url: request.url, status: response.status, media }
}
