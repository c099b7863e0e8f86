/**
 * v2 dedicated endpoints (spec §5): JSON `initialize`, multipart `{id}/append` (`segment_index`
 * field, then the `media` part), `{id}/finalize` with body `{}` (one client saw X refuse an empty
 * body, spec §2), and STATUS as `GET /2/media/upload?command=STATUS&media_id=…`.
 */
import { type HttpContext, sendRequest } from '../http/send-request.js'
import type { InitParams, UploadWire } from './upload-wire.js'
import { uploadAnswer } from './uploaded-media.js'

/** The v2 dedicated-endpoint wire on `apiBaseUrl`. */
export function buildV2Wire(http: HttpContext, apiBaseUrl: string): UploadWire {
  const base = `${apiBaseUrl}/2/media/upload`
  return {
    style: 'v2',
    baseUrl: apiBaseUrl,
    async init(params: InitParams, signal?: AbortSignal) {
      const value: Record<string, unknown> = {
        media_type: params.mediaType,
        total_bytes: params.totalBytes,
        media_category: params.mediaCategory,
      }
      if (params.additionalOwners !== undefined && params.additionalOwners.length > 0) {
        value.additional_owners = [...params.additionalOwners]
      }
      if (params.shared !== undefined) value.shared = params.shared
      const request = { method: 'POST', url: `${base}/initialize`, body: { kind: 'json', value }, signal } as const
      return uploadAnswer(await sendRequest(http, request), request, true).media
    },
    async append(mediaId, index, bytes, signal) {
      await sendRequest(http, {
        method: 'POST',
        url: `${base}/${mediaId}/append`,
        body: {
          kind: 'multipart',
          fields: { segment_index: String(index) },
          file: { name: 'media', bytes, filename: 'media' },
        },
        signal,
        mediaId,
      })
    },
    async finalize(mediaId, signal) {
      const request = {
        method: 'POST',
        url: `${base}/${mediaId}/finalize`,
        body: { kind: 'json', value: {} },
        signal,
        mediaId,
      } as const
      return uploadAnswer(await sendRequest(http, request), request, true)
    },
    async status(mediaId, signal) {
      const query = new URLSearchParams({ command: 'STATUS', media_id: mediaId })
      const request = { method: 'GET', url: `${base}?${query.toString()}`, signal, mediaId } as const
      return uploadAnswer(await sendRequest(http, request), request, true)
    },
  }
}
