/**
 * Wire shapes of X's upload responses (snake_case, as on the wire). v1.1 bodies carry the numeric
 * `media_id`, which exceeds 2^53: it is typed as a string here and emitted as a bare JSON number
 * by the server's serialiser.
 */

/** Processing states X reports. */
export type ProcessingState = 'pending' | 'in_progress' | 'succeeded' | 'failed'

/** X's processing failure triple. */
export interface ProcessingError {
  code: number
  name: string
  message: string
}

/** `processing_info` of an upload. */
export interface ProcessingInfo {
  state: ProcessingState
  check_after_secs?: number
  progress_percent?: number
  error?: ProcessingError
}

/** `image` of an upload. */
export interface ImageInfo {
  image_type: string
  w: number
  h: number
}

/** `video` of an upload. */
export interface VideoInfo {
  video_type: string
}

/** The v2 upload object under `data`. */
export interface V2MediaUpload {
  id: string
  media_key: string
  size?: number
  expires_after_secs?: number
  image?: ImageInfo
  video?: VideoInfo
  processing_info?: ProcessingInfo
}

/** The v1.1 upload object; `media_id` is the decimal string the server writes as a JSON number. */
export interface V1MediaUpload {
  media_id: string
  media_id_string: string
  media_key?: string
  size?: number
  expires_after_secs?: number
  image?: ImageInfo
  video?: VideoInfo
  processing_info?: ProcessingInfo
}

/** v2 APPEND body. */
export interface V2AppendResponse {
  data: { expires_at: number }
}
