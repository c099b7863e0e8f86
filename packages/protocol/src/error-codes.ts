/**
 * The one error catalogue of birdhouse. Every error the server can answer with is a key here; the
 * server renders it as X's v2 problem body or X's v1.1 error body (see `problems.ts`), and
 * docs/errors.md lists the same keys (a test fails when they drift). Codes are stable: a retired
 * code is never reused.
 */

/** Problem `type` slugs X uses under `https://api.twitter.com/2/problems/`, or `about:blank`. */
export type ProblemType =
  | 'about:blank'
  | 'invalid-request'
  | 'resource-not-found'
  | 'unsupported-authentication'
  | 'oauth1-permissions'
  | 'usage-capped'

/** How a v1.1 endpoint renders an error: the generic `{"errors":[{code,message}]}` or the upload endpoint's `{"request","error"}`. */
export type V1ErrorSpec =
  | { readonly status: number; readonly shape: 'errors'; readonly code: number; readonly message: string }
  | { readonly status: number; readonly shape: 'request'; readonly message: string }

/** One catalogue entry. */
export interface ErrorSpec {
  /** HTTP status on v2 endpoints. */
  readonly status: number
  /** Problem type of the v2 body. */
  readonly problem: ProblemType
  /** Problem `title`. */
  readonly title: string
  /** `detail` for plain problems; `errors[0].message` for `invalid-request` problems. `{name}` placeholders are filled from the error's params. */
  readonly message: string
  /** v1.1 rendering. */
  readonly v1: V1ErrorSpec
  /** One sentence for docs/errors.md: when this error happens. */
  readonly description: string
}

const INVALID = { status: 400, problem: 'invalid-request', title: 'Invalid Request' } as const

export const ERROR_CODES = {
  AUTH_MISSING: {
    status: 401,
    problem: 'about:blank',
    title: 'Unauthorized',
    message: 'Unauthorized',
    v1: { status: 400, shape: 'errors', code: 215, message: 'Bad Authentication data.' },
    description: 'The request carries no usable Authorization header.',
  },
  AUTH_INVALID: {
    status: 401,
    problem: 'about:blank',
    title: 'Unauthorized',
    message: 'Unauthorized',
    v1: { status: 401, shape: 'errors', code: 89, message: 'Invalid or expired token.' },
    description: 'The bearer token, or the OAuth 1.0a consumer key or access token, is unknown, revoked or expired.',
  },
  AUTH_SIGNATURE_INVALID: {
    status: 401,
    problem: 'about:blank',
    title: 'Unauthorized',
    message: 'Unauthorized',
    v1: { status: 401, shape: 'errors', code: 32, message: 'Could not authenticate you.' },
    description: 'The OAuth 1.0a signature matches none of the base URLs the request may have been signed over.',
  },
  AUTH_TIMESTAMP_INVALID: {
    status: 401,
    problem: 'about:blank',
    title: 'Unauthorized',
    message: 'Unauthorized',
    v1: { status: 401, shape: 'errors', code: 135, message: 'Could not authenticate you.' },
    description:
      '`oauth_timestamp` is further from the server clock than `BIRDHOUSE_OAUTH1_WINDOW_SECS` (default 300).',
  },
  AUTH_NONCE_REUSED: {
    status: 401,
    problem: 'about:blank',
    title: 'Unauthorized',
    message: 'Unauthorized',
    v1: { status: 401, shape: 'errors', code: 32, message: 'Could not authenticate you.' },
    description:
      'An OAuth 1.0a request repeats the nonce and timestamp of an earlier one from the same app (a replay).',
  },
  AUTH_UNSUPPORTED_METHOD: {
    status: 403,
    problem: 'unsupported-authentication',
    title: 'Unsupported Authentication',
    message:
      'Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.  Supported authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context].',
    v1: { status: 403, shape: 'errors', code: 220, message: 'Your credentials do not allow access to this resource.' },
    description:
      'The endpoint does not accept this kind of credentials: an app-only bearer token on a user-context endpoint, or an OAuth 2.0 token on v1.1.',
  },
  AUTH_SCOPE_MISSING: {
    status: 403,
    problem: 'about:blank',
    title: 'Forbidden',
    message: 'Forbidden',
    v1: { status: 403, shape: 'errors', code: 220, message: 'Your credentials do not allow access to this resource.' },
    description: 'The OAuth 2.0 user token lacks a scope the endpoint requires (e.g. `media.write`).',
  },
  AUTH_APP_READ_ONLY: {
    status: 403,
    problem: 'oauth1-permissions',
    title: 'Forbidden',
    message: 'Your client app is not configured with the appropriate oauth1 app permissions for this endpoint.',
    v1: { status: 403, shape: 'errors', code: 261, message: 'Your App cannot perform write actions.' },
    description: 'An OAuth 1.0a token of a read-only app called an endpoint that writes.',
  },
  RATE_LIMITED: {
    status: 429,
    problem: 'about:blank',
    title: 'Too Many Requests',
    message: 'Too Many Requests',
    v1: { status: 429, shape: 'errors', code: 88, message: 'Rate limit exceeded' },
    description: 'A rate limit of the endpoint (per user and 15 minutes, or per app and 24 hours) is used up.',
  },
  ROUTE_NOT_FOUND: {
    status: 404,
    problem: 'about:blank',
    title: 'Not Found',
    message: 'Not Found',
    v1: { status: 404, shape: 'errors', code: 34, message: 'Sorry, that page does not exist.' },
    description: 'No endpoint exists at this method and path.',
  },
  INVALID_PARAMETER: {
    ...INVALID,
    message: 'The `{parameter}` parameter is invalid: {reason}',
    v1: { status: 400, shape: 'errors', code: 44, message: '{parameter} parameter is invalid.' },
    description: 'A parameter has the wrong type, format or value.',
  },
  MISSING_PARAMETER: {
    ...INVALID,
    message: 'The `{parameter}` parameter is missing.',
    v1: { status: 400, shape: 'errors', code: 38, message: '{parameter} parameter is missing.' },
    description: 'A required parameter is absent.',
  },
  UNKNOWN_PARAMETER: {
    ...INVALID,
    message: 'The `{parameter}` parameter is not allowed here.',
    v1: { status: 400, shape: 'errors', code: 44, message: '{parameter} parameter is invalid.' },
    description: 'A JSON body carries a property the endpoint does not define (additionalProperties: false).',
  },
  INVALID_COMMAND: {
    ...INVALID,
    message: 'The `command` parameter must be one of INIT, APPEND, FINALIZE or STATUS.',
    v1: { status: 400, shape: 'errors', code: 44, message: 'command parameter is invalid.' },
    description: 'The `command` value is not a known upload command.',
  },
  BODY_NOT_JSON: {
    ...INVALID,
    message: 'Request body is not valid JSON.',
    v1: { status: 400, shape: 'errors', code: 44, message: 'Request body is not valid JSON.' },
    description: 'A JSON body could not be parsed.',
  },
  BODY_NOT_JSON_OBJECT: {
    ...INVALID,
    message: 'Request body must be a JSON object.',
    v1: { status: 400, shape: 'errors', code: 44, message: 'Request body must be a JSON object.' },
    description: 'A JSON body parsed but is not an object.',
  },
  CONTENT_TYPE_NOT_JSON: {
    ...INVALID,
    message: 'Requests with bodies must have content-type of application/json.',
    v1: {
      status: 400,
      shape: 'errors',
      code: 44,
      message: 'Requests with bodies must have content-type of application/json.',
    },
    description: 'An endpoint that only takes JSON received another content type.',
  },
  UNSUPPORTED_CONTENT_TYPE: {
    status: 415,
    problem: 'about:blank',
    title: 'Unsupported Media Type',
    message: 'Content-Type {contentType} is not supported here.',
    v1: { status: 415, shape: 'errors', code: 44, message: 'Content-Type {contentType} is not supported here.' },
    description: 'The request body has a content type the endpoint cannot read.',
  },
  MALFORMED_BODY: {
    ...INVALID,
    message: 'The request body could not be read: {reason}',
    v1: { status: 400, shape: 'errors', code: 44, message: 'The request body could not be read: {reason}' },
    description: 'A multipart or urlencoded body is malformed or was cut off.',
  },
  BODY_TOO_LARGE: {
    status: 413,
    problem: 'about:blank',
    title: 'Payload Too Large',
    message: 'Request body is larger than {maxBytes} bytes.',
    v1: { status: 413, shape: 'errors', code: 44, message: 'Request body is larger than {maxBytes} bytes.' },
    description: 'The request body exceeds what the endpoint accepts.',
  },
  HEADERS_TOO_LARGE: {
    status: 431,
    problem: 'about:blank',
    title: 'Request Header Fields Too Large',
    message: 'Request Header Fields Too Large',
    v1: { status: 431, shape: 'errors', code: 44, message: 'Request Header Fields Too Large' },
    description: 'The request line and headers together exceed the server limit.',
  },
  MEDIA_PARAMETER_MISSING: {
    ...INVALID,
    message: 'media parameter is missing.',
    v1: { status: 400, shape: 'errors', code: 38, message: 'media parameter is missing.' },
    description: 'An upload or APPEND carries neither `media` nor `media_data`.',
  },
  MEDIA_PARAMETER_CONFLICT: {
    ...INVALID,
    message: 'media and media_data cannot be sent together.',
    v1: { status: 400, shape: 'errors', code: 44, message: 'media and media_data cannot be sent together.' },
    description: 'Both `media` and `media_data` were sent in one request.',
  },
  MEDIA_TYPE_UNRECOGNIZED: {
    ...INVALID,
    message: 'media type unrecognized.',
    v1: { status: 400, shape: 'request', message: 'media type unrecognized.' },
    description: 'The uploaded bytes are not a supported media type, or not the type or category declared.',
  },
  IMAGE_DIMENSIONS_INVALID: {
    ...INVALID,
    message: 'Image dimensions must be >= 4x4 and <= 8192x8192',
    v1: { status: 400, shape: 'errors', code: 324, message: 'Image dimensions must be >= 4x4 and <= 8192x8192' },
    description:
      'At FINALIZE an image is wider or taller than 8192 px or has more than 8192² pixels (a decompression bomb is refused before it is decoded).',
  },
  SUBTITLES_INVALID: {
    ...INVALID,
    message: 'Invalid subtitle file: {reason}',
    v1: { status: 400, shape: 'request', message: 'Invalid subtitle file: {reason}' },
    description:
      'At FINALIZE a `subtitles` upload is not a valid SRT or WebVTT file; the message names the line at fault.',
  },
  SEGMENTS_SIZE_MISMATCH: {
    ...INVALID,
    message: 'Segments do not add up to provided total file size.',
    v1: { status: 400, shape: 'request', message: 'Segments do not add up to provided total file size.' },
    description: 'At FINALIZE the segments are not contiguous from 0 or do not sum to `total_bytes`.',
  },
  SEGMENT_INDEX_OUT_OF_RANGE: {
    ...INVALID,
    message: 'SegmentIndex must be between 0 and 999.',
    v1: { status: 400, shape: 'errors', code: 44, message: 'SegmentIndex must be between 0 and 999.' },
    description: '`segment_index` is not an integer from 0 to 999.',
  },
  SEGMENT_TOO_LARGE: {
    ...INVALID,
    message: 'Segment is larger than the maximum of {maxBytes} bytes.',
    v1: { status: 400, shape: 'request', message: 'Segment is larger than the maximum of {maxBytes} bytes.' },
    description: 'One APPEND carries more than the per-segment maximum; nothing of it is kept.',
  },
  MEDIA_TOO_LARGE: {
    ...INVALID,
    message: 'File size exceeds {maxBytes} bytes for media category {category}.',
    v1: { status: 400, shape: 'request', message: 'File size exceeds {maxBytes} bytes for media category {category}.' },
    description: '`total_bytes`, or the bytes appended so far, exceed the limit of the media category.',
  },
  UPLOAD_ALREADY_FINALIZED: {
    ...INVALID,
    message: 'Media id {mediaId} has already been finalized.',
    v1: { status: 400, shape: 'request', message: 'Media id {mediaId} has already been finalized.' },
    description: 'An APPEND arrived for an upload that was already finalized.',
  },
  UPLOAD_NOT_FINALIZED: {
    ...INVALID,
    message: 'Media id {mediaId} has not been finalized.',
    v1: { status: 400, shape: 'request', message: 'Media id {mediaId} has not been finalized.' },
    description: 'The operation needs a finalized upload.',
  },
  MEDIA_NOT_FOUND: {
    ...INVALID,
    message: 'BadRequest: Not found',
    v1: { status: 400, shape: 'request', message: 'Invalid mediaId {mediaId}.' },
    description: 'The media id is unknown, or belongs to another user.',
  },
  SUBTITLE_MEDIA_NOT_FOUND: {
    ...INVALID,
    message: 'BadRequest: Not found',
    v1: { status: 404, shape: 'errors', code: 34, message: 'Sorry, that page does not exist.' },
    description:
      'A subtitles link or unlink names a video or subtitle media id that is unknown, expired, or not usable by the caller.',
  },
  MEDIA_EXPIRED: {
    ...INVALID,
    message: 'Media id {mediaId} has expired.',
    v1: { status: 400, shape: 'request', message: 'Media id {mediaId} has expired.' },
    description: 'The upload was not finalized in time, or the media passed its expiry; its bytes are gone.',
  },
  STATUS_NOT_AVAILABLE: {
    ...INVALID,
    message: 'BadRequest: Not found',
    v1: { status: 404, shape: 'errors', code: 34, message: 'Sorry, that page does not exist.' },
    description: 'STATUS was asked for media that has no processing (an image, or an upload not yet finalized).',
  },
  BLOB_NOT_FOUND: {
    status: 500,
    problem: 'about:blank',
    title: 'Internal Server Error',
    message: 'Stored bytes for this media are missing.',
    v1: { status: 500, shape: 'errors', code: 131, message: 'Internal error' },
    description: 'A blob store has no object under a key the metadata refers to (a storage fault, logged).',
  },
  BLOB_TOO_LARGE: {
    status: 413,
    problem: 'about:blank',
    title: 'Payload Too Large',
    message: 'The stored object would exceed {maxBytes} bytes.',
    v1: { status: 413, shape: 'errors', code: 44, message: 'The stored object would exceed {maxBytes} bytes.' },
    description: 'A blob write passed its byte limit; nothing of it was kept.',
  },
  BLOB_KEY_INVALID: {
    status: 500,
    problem: 'about:blank',
    title: 'Internal Server Error',
    message: 'Internal Server Error',
    v1: { status: 500, shape: 'errors', code: 131, message: 'Internal error' },
    description: 'A blob key is empty, absolute or escapes the store root (a programming fault, logged).',
  },
  POST_MEDIA_NOT_FOUND: {
    ...INVALID,
    message: 'Your media IDs are invalid.',
    v1: { status: 400, shape: 'errors', code: 325, message: 'A media id was not found.' },
    description:
      'A post names a media id that does not exist, expired, or belongs to someone who did not list the poster in `additional_owners`.',
  },
  POST_MEDIA_INVALID: {
    ...INVALID,
    message: 'Your media IDs are invalid.',
    v1: { status: 400, shape: 'errors', code: 324, message: 'The validation of media ids failed.' },
    description: 'A post names media of a DM or subtitles category, or media whose processing failed.',
  },
  POST_MEDIA_NOT_READY: {
    ...INVALID,
    message: 'Your media IDs are invalid.',
    v1: { status: 400, shape: 'errors', code: 324, message: 'Not valid video' },
    description: 'A post names media that is not finalized or still processing.',
  },
  POST_MEDIA_TOO_FEW: {
    ...INVALID,
    message: '$.media.media_ids: there must be a minimum of 1 item in the array',
    v1: { status: 400, shape: 'errors', code: 44, message: 'media_ids parameter is invalid.' },
    description: '`media.media_ids` is an empty array.',
  },
  POST_MEDIA_TOO_MANY: {
    ...INVALID,
    message: '$.media.media_ids: there must be a maximum of 4 items in the array',
    v1: { status: 400, shape: 'errors', code: 324, message: 'Tweet must not have more than 4 mediaIds.' },
    description: 'More than four media ids.',
  },
  POST_MEDIA_GIF_MIXED: {
    ...INVALID,
    message: 'Your media IDs are invalid.',
    v1: {
      status: 400,
      shape: 'errors',
      code: 323,
      message: 'Animated GIFs are not allowed when uploading multiple images.',
    },
    description: 'An animated GIF is combined with other media (a post takes one GIF alone).',
  },
  POST_MEDIA_TYPES_MIXED: {
    ...INVALID,
    message: 'Your media IDs are invalid.',
    v1: {
      status: 403,
      shape: 'errors',
      code: 386,
      message: 'The Post exceeds the number of allowed attachment types.',
    },
    description: 'A video is combined with other media, or more than one video is attached.',
  },
  POST_VIDEO_TOO_LONG: {
    status: 403,
    problem: 'about:blank',
    title: 'Forbidden',
    message: 'This user is not allowed to post a video longer than {minutes} minutes.',
    v1: { status: 403, shape: 'errors', code: 324, message: 'Not valid video' },
    description:
      "An attached video is longer than the poster's duration cap (20 minutes; 125 with the premium limits).",
  },
  POST_TEXT_TOO_LONG: {
    ...INVALID,
    message: '$.text: Tweet text is too long. It is {weightedLength} weighted characters; the maximum is 280.',
    v1: { status: 403, shape: 'errors', code: 186, message: 'Tweet needs to be a bit shorter.' },
    description: 'The text is over 280 weighted characters (X counts URLs as 23 and most CJK and emoji as 2).',
  },
  POST_EMPTY: {
    ...INVALID,
    message: 'Post text or media is required.',
    v1: { status: 400, shape: 'errors', code: 170, message: 'Missing required parameter: status.' },
    description: 'A post has neither text nor media.',
  },
  POST_NOT_FOUND: {
    status: 404,
    problem: 'resource-not-found',
    title: 'Not Found Error',
    message: 'Could not find tweet with id: [{id}].',
    v1: { status: 404, shape: 'errors', code: 144, message: 'No status found with that ID.' },
    description: 'The post does not exist (or, for DELETE, is not yours).',
  },
  ALT_TEXT_TOO_LONG: {
    ...INVALID,
    message: '$.metadata.alt_text.text: must be at most 1000 characters',
    v1: { status: 400, shape: 'errors', code: 44, message: 'alt_text parameter is invalid.' },
    description: 'Alt text is longer than 1000 characters.',
  },
  UNSUPPORTED_OPERATION: {
    status: 501,
    problem: 'about:blank',
    title: 'Not Implemented',
    message: 'This storage backend does not support {operation}.',
    v1: { status: 501, shape: 'errors', code: 131, message: 'This storage backend does not support {operation}.' },
    description: 'A store backend lacks a capability the request needs.',
  },
  SERVICE_UNAVAILABLE: {
    status: 503,
    problem: 'about:blank',
    title: 'Service Unavailable',
    message: 'Service Unavailable',
    v1: { status: 503, shape: 'errors', code: 130, message: 'Over capacity' },
    description: 'The server is shutting down or a backend is unreachable; retry later.',
  },
  INTERNAL: {
    status: 500,
    problem: 'about:blank',
    title: 'Internal Server Error',
    message: 'Internal Server Error',
    v1: { status: 500, shape: 'errors', code: 131, message: 'Internal error' },
    description: 'An unexpected failure; the server logged it with its stack.',
  },
} as const satisfies Record<string, ErrorSpec>

/** Every stable error code. */
export type ErrorCode = keyof typeof ERROR_CODES

/** Tells whether a string is a catalogue code. */
export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(ERROR_CODES, value)
}
