/**
 * The three ways X takes a chunked upload (spec §3–§5), behind one interface so the engine does
 * not care which it speaks: `v2` (dedicated `initialize` / `{id}/append` / `{id}/finalize`
 * endpoints, X's current reference), `v2-command` (`POST /2/media/upload?command=…`), and `v1.1`
 * (`/1.1/media/upload.json` on the upload host, for OAuth 1.0a). Each method is one request; the
 * engine retries.
 */
import type { HttpContext } from '../http/send-request.js'
import type { UploadAnswer, UploadedMedia } from './uploaded-media.js'
import { buildV1Wire } from './v1-wire.js'
import { buildV2CommandWire } from './v2-command-wire.js'
import { buildV2Wire } from './v2-wire.js'

/** Which endpoints an upload uses. */
export type WireStyle = 'v2' | 'v2-command' | 'v1.1'

/** The wire styles, default first. */
export const WIRE_STYLES: readonly WireStyle[] = ['v2', 'v2-command', 'v1.1']

/** INIT parameters. */
export interface InitParams {
  totalBytes: number
  mediaType: string
  mediaCategory: string
  additionalOwners?: readonly string[] | undefined
  shared?: boolean | undefined
}

/** One wire style's requests. */
export interface UploadWire {
  readonly style: WireStyle
  /** Base URL the requests go to (recorded in checkpoints: a media id belongs to one server). */
  readonly baseUrl: string
  init(params: InitParams, signal?: AbortSignal): Promise<UploadedMedia>
  append(mediaId: string, index: number, bytes: Uint8Array, signal?: AbortSignal): Promise<void>
  finalize(mediaId: string, signal?: AbortSignal): Promise<UploadAnswer>
  status(mediaId: string, signal?: AbortSignal): Promise<UploadAnswer>
}

/** Base URLs of a client, without trailing slashes. */
export interface BaseUrls {
  api: string
  upload: string
}

/** The wire of `style`: v2 styles talk to the API host, v1.1 to the upload host (spec §2). */
export function buildUploadWire(style: WireStyle, http: HttpContext, urls: BaseUrls): UploadWire {
  switch (style) {
    case 'v2':
      return buildV2Wire(http, urls.api)
    case 'v2-command':
      return buildV2CommandWire(http, urls.api)
    case 'v1.1':
      return buildV1Wire(http, urls.upload)
  }
}
