/**
 * `createClient`: the SDK's entry point, on `fetch` by default (a `Transport` may replace it), so it runs in browsers and Node alike.
 * Base URLs default to X's (`https://api.x.com` for v2 and posts, `https://upload.x.com` for
 * v1.1 uploads); pointing `apiBaseUrl` anywhere else also moves uploads there unless
 * `uploadBaseUrl` is given, since birdhouse serves both on one port. Environment variables are read
 * only by the Node entry (`@birdhouse/client/node`).
 */
import type { Auth } from './auth/auth-request.js'
import { type CreatedPost, type CreatePostInput, createPost } from './create-post.js'
import { type RetryOptions, resolveRetry, withRetry } from './http/retry.js'
import { type HttpContext, sendRequest } from './http/send-request.js'
import { fetchTransport, type Transport } from './http/transport.js'
import { type OpenedSource, openSource, type UploadSource } from './sources/open-source.js'
import { waitForProcessing } from './upload/processing-wait.js'
import { uploadFromSource } from './upload/upload-media.js'
import type { UploadOptions, UploadResult } from './upload/upload-options.js'
import { type BaseUrls, buildUploadWire, type WireStyle } from './wire/upload-wire.js'
import type { ProcessingStatus, UploadedMedia } from './wire/uploaded-media.js'

/** X's API host (v2 uploads, alt text, posts). */
export const X_API_BASE_URL = 'https://api.x.com'
/** X's upload host (v1.1 uploads). */
export const X_UPLOAD_BASE_URL = 'https://upload.x.com'
/** Default per-request deadline: 2 minutes (a 4 MiB segment at 300 kbit/s). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 120_000

/** Options of `createClient`. */
export interface ClientOptions {
  /** Base URL of v2 endpoints and posts; default `https://api.x.com`. */
  apiBaseUrl?: string | URL | undefined
  /** Base URL of v1.1 uploads; default `apiBaseUrl` when that is not X's, else `https://upload.x.com`. */
  uploadBaseUrl?: string | URL | undefined
  /** Produces the Authorization header of each request (`bearer(token)`, OAuth 2.0 user, OAuth 1.0a…). */
  auth: Auth
  /** The fetch to use; default `globalThis.fetch`. Ignored when `transport` is given. */
  fetch?: typeof fetch | undefined
  /** Sends the requests; default `fetchTransport(fetch)` (the Node entry's default writes segments with no copy). */
  transport?: Transport | undefined
  /** `User-Agent` header; default none (browsers set their own). */
  userAgent?: string | undefined
  /** Deadline of each request, ms; default 120 000. */
  requestTimeoutMs?: number | undefined
  /** Default retry policy of every upload. */
  retry?: RetryOptions | undefined
}

/** Options of `getUploadStatus`. */
export interface StatusOptions {
  /** Which STATUS endpoint; default `'v2'`. */
  wireStyle?: WireStyle
  signal?: AbortSignal
}

/** Options of `waitForProcessing`. */
export interface WaitOptions extends StatusOptions {
  /** Overall deadline, ms; default 30 minutes. */
  timeoutMs?: number
  /** Called with each status read. */
  onStatus?: (status: ProcessingStatus) => void
}

/**
 * A client of X's media API (or birdhouse's). `Source` is what `uploadMedia` takes.
 * @example
 * const { mediaId } = await client.uploadMedia(bytes, { wireStyle: 'v2', parallel: 4, signal })
 * const media = await client.waitForProcessing(mediaId, { timeoutMs: 60_000 })
 * await client.setAltText(mediaId, 'a bird house')
 */
export interface Client<Source = UploadSource> {
  readonly apiBaseUrl: string
  readonly uploadBaseUrl: string
  /** Uploads media: sniffed, checked, sent in parallel segments, retried, resumed, and processed. */
  uploadMedia(source: Source, options?: UploadOptions): Promise<UploadResult>
  /** One STATUS read. */
  getUploadStatus(mediaId: string, options?: StatusOptions): Promise<UploadedMedia>
  /** Polls STATUS until processing succeeded; an `XApiError` with `processingError` when it failed. */
  waitForProcessing(mediaId: string, options?: WaitOptions): Promise<UploadedMedia>
  /** Sets alt text (`POST /2/media/metadata`). */
  setAltText(mediaId: string, text: string, options?: { signal?: AbortSignal }): Promise<void>
  /** Uploads up to four media, sets their alt text, and posts. */
  createPost(post: CreatePostInput<Source>): Promise<CreatedPost>
}

function trimUrl(url: string | URL): string {
  return String(url).replace(/\/+$/, '')
}

/**
 * The base URLs `options` mean.
 * @example resolveBaseUrls({ apiBaseUrl: 'http://127.0.0.1:8080/' }) // { api: 'http://127.0.0.1:8080', upload: 'http://127.0.0.1:8080' }
 */
export function resolveBaseUrls(options: Pick<ClientOptions, 'apiBaseUrl' | 'uploadBaseUrl'>): BaseUrls {
  const api = trimUrl(options.apiBaseUrl ?? X_API_BASE_URL)
  const upload = options.uploadBaseUrl ?? (api === X_API_BASE_URL ? X_UPLOAD_BASE_URL : api)
  return { api, upload: trimUrl(upload) }
}

/**
 * Builds a client whose `uploadMedia` opens sources with `open`: how the Node entry adds file paths.
 * @example
 * const client = buildClient<UploadSource | MySource>(options, async (s) => isMine(s) ? { source: toByteSource(s), owned: true } : openSource(s))
 */
export function buildClient<Source>(
  options: ClientOptions,
  open: (source: Source) => Promise<OpenedSource>,
): Client<Source> {
  const urls = resolveBaseUrls(options)
  const http: HttpContext = {
    transport: options.transport ?? fetchTransport(options.fetch),
    auth: options.auth,
    userAgent: options.userAgent,
    requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
  }
  const policy = resolveRetry(options.retry)
  const engine = { http, urls, retry: options.retry }
  const wire = (style: WireStyle | undefined) => buildUploadWire(style ?? 'v2', http, urls)

  const client: Client<Source> = {
    apiBaseUrl: urls.api,
    uploadBaseUrl: urls.upload,
    async uploadMedia(input, uploadOptions = {}) {
      const { source, owned } = await open(input)
      try {
        return await uploadFromSource(engine, source, uploadOptions)
      } finally {
        if (owned) await source.close()
      }
    },
    async getUploadStatus(mediaId, statusOptions = {}) {
      const run = () => wire(statusOptions.wireStyle).status(mediaId, statusOptions.signal)
      return (await withRetry(run, { policy, signal: statusOptions.signal })).media
    },
    async waitForProcessing(mediaId, waitOptions = {}) {
      const statusWire = wire(waitOptions.wireStyle)
      const signal = waitOptions.signal
      const first = await withRetry(() => statusWire.status(mediaId, signal), { policy, signal })
      if (first.media.processing !== undefined) waitOptions.onStatus?.(first.media.processing)
      const last = await waitForProcessing(statusWire, first, {
        timeoutMs: waitOptions.timeoutMs ?? 30 * 60_000,
        policy,
        signal,
        onStatus: waitOptions.onStatus,
      })
      return last.media
    },
    async setAltText(mediaId, text, altOptions = {}) {
      const value = { id: mediaId, metadata: { alt_text: { text } } }
      const url = `${urls.api}/2/media/metadata`
      const signal = altOptions.signal
      await withRetry(
        () => sendRequest(http, { method: 'POST', url, body: { kind: 'json', value }, signal, mediaId }),
        {
          policy,
          signal,
        },
      )
    },
    createPost(post) {
      return createPost({ http, apiBaseUrl: urls.api, policy, ...bind(client) }, post)
    },
  }
  return client
}

function bind<Source>(client: Client<Source>) {
  return {
    uploadMedia: (source: Source, options: UploadOptions) => client.uploadMedia(source, options),
    setAltText: (mediaId: string, text: string, options: { signal?: AbortSignal }) =>
      client.setAltText(mediaId, text, options),
  }
}

/**
 * Creates a client on `fetch`; defaults talk to X.
 * @example
 * const client = createClient({ apiBaseUrl: 'http://127.0.0.1:8080', auth: bearer(token) })
 * const { mediaId } = await client.uploadMedia(fileInput.files[0], { onProgress: (p) => console.log(p.bytesSent) })
 * await client.createPost({ text: 'hello', media: [{ source: photoBytes, altText: 'a bird house' }] })
 */
export function createClient(options: ClientOptions): Client {
  return buildClient<UploadSource>(options, async (source) => openSource(source))
}
