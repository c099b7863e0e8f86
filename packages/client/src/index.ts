/**
 * `@birdhouse/client`: the uploader SDK for X's media API, against X and against birdhouse. This
 * entry runs in browsers and Node alike (it needs only `fetch`, `Blob` and WebCrypto);
 * file paths, on-disk checkpoints and environment variables are in `@birdhouse/client/node`.
 */
export {
  buildV1Error,
  buildV2Problem,
  CATEGORY_LIMITS,
  ERROR_CODES,
  type ErrorCode,
  type LimitsProfile,
  type MediaCategory,
  type MediaType,
  type ProcessingError,
  sniffMediaType,
} from '@birdhouse/protocol'
// The auth helpers (src/auth): the Auth interface the engine calls, bearer/OAuth 2.0/OAuth 1.0a.
export { appOnly } from './auth/app-only.js'
export { isOAuthClientError, OAuthClientError, type OAuthClientErrorCode } from './auth/auth-error.js'
export type { Auth, AuthRequest, FormParams } from './auth/auth-request.js'
export {
  type OAuth1Credentials,
  type OAuth1Options,
  type OAuth1SigningValues,
  oauth1,
  signOAuth1,
} from './auth/oauth1.js'
export { type OAuth2UserAuth, type OAuth2UserOptions, oauth2User, type RefreshOptions } from './auth/oauth2-user.js'
export {
  type AuthorizeUrlOptions,
  buildAuthorizeUrl,
  createPkcePair,
  createState,
  DEFAULT_SCOPES,
  type PkcePair,
  s256Challenge,
  X_AUTHORIZE_URL,
} from './auth/pkce.js'
export {
  type ExchangeCodeOptions,
  exchangeCode,
  type RefreshTokenOptions,
  refreshToken,
  type TokenClientOptions,
  X_TOKEN_URL,
} from './auth/token-request.js'
export { MemoryTokenStore, type TokenStore } from './auth/token-store.js'
export type { Tokens } from './auth/tokens.js'
export { bearer } from './bearer.js'
export { type CheckpointStore, isUploadCheckpoint, type UploadCheckpoint } from './checkpoints/checkpoint-store.js'
export { MemoryCheckpointStore } from './checkpoints/memory.js'
export { type KeyValueStorage, WebStorageCheckpointStore } from './checkpoints/web-storage.js'
export {
  buildClient,
  type Client,
  type ClientOptions,
  createClient,
  DEFAULT_REQUEST_TIMEOUT_MS,
  resolveBaseUrls,
  type StatusOptions,
  type WaitOptions,
  X_API_BASE_URL,
  X_UPLOAD_BASE_URL,
} from './client.js'
export {
  type CreatedPost,
  CreatePostError,
  type CreatePostInput,
  isCreatePostError,
  MAX_POST_MEDIA,
  type PostMediaInput,
  type PostMediaOutcome,
} from './create-post.js'
export {
  isNetworkError,
  isPreflightError,
  isSourceError,
  isTimeoutError,
  isXApiError,
  NetworkError,
  PreflightError,
  type PreflightErrorCode,
  SourceError,
  TimeoutError,
  type TimeoutKind,
  XApiError,
  type XApiErrorOptions,
} from './errors.js'
export { DEFAULT_RETRY, type RetryOptions } from './http/retry.js'
export {
  type BodyPart,
  fetchTransport,
  type Transport,
  type TransportRequest,
  type TransportResponse,
} from './http/transport.js'
export { type ByteSource, edgeFingerprint, FINGERPRINT_EDGE_BYTES } from './sources/byte-source.js'
export type { OpenedSource, UploadSource } from './sources/open-source.js'
export type { StreamInput } from './sources/stream-source.js'
export { type MediaPlan, type MediaPlanOptions, planMedia } from './upload/media-plan.js'
export {
  DEFAULT_CHUNK_BYTES,
  DEFAULT_PARALLEL,
  DEFAULT_PROCESSING_TIMEOUT_MS,
  type ResumeOptions,
  type UploadOptions,
  type UploadProgress,
  type UploadResult,
} from './upload/upload-options.js'
export { WIRE_STYLES, type WireStyle } from './wire/upload-wire.js'
export type { ProcessingStatus, UploadedMedia } from './wire/uploaded-media.js'
