/**
 * v2 command style (spec §4): `POST /2/media/upload?command=INIT|APPEND|FINALIZE` with the
 * parameters in the query string, as X's OpenAPI models them (so OAuth 1.0a signs them); APPEND
 * carries `segment_index` and `media` in a multipart body. STATUS is the GET of the same path.
 */
import { type HttpContext, sendRequest } from '../http/send-request.js'
import type { InitParams, UploadWire } from './upload-wire.js'
import { uploadAnswer } from './uploaded-media.js'

/** The v2 command-style wire on `apiBaseUrl`. */
export function buildV2CommandWire(http: HttpContext, apiBaseUrl: string): UploadWire {
  const endpoint = `${apiBaseUrl}/2/media/upload`
  const url = (params: Record<string, string>) => `${endpoint}?${new URLSearchParams(params).toString()}`
  return {
    style: 'v2-command',
    baseUrl: apiBaseUrl,
    async init(params: InitParams, signal?: AbortSignal) {
      const query: Record<string, string> = {
        command: 'INIT',
        total_bytes: String(params.totalBytes),
        media_type: params.mediaType,
        media_category: params.mediaCategory,
      }
      if (params.additionalOwners !== undefined && params.additionalOwners.length > 0) {
        query.additional_owners = params.additionalOwners.join(',')
      }
      if (params.shared !== undefined) query.shared = String(params.shared)
      const request = { method: 'POST', url: url(query), signal } as const
      return uploadAnswer(await sendRequest(http, request), request, true).media
    },
    async append(mediaId, index, bytes, signal) {
      await sendRequest(http, {
        method: 'POST',
        url: url({ command: 'APPEND', media_id: mediaId }),
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
      const request = { method: 'POST', url: url({ command: 'FINALIZE', media_id: mediaId }), signal, mediaId } as const
      return uploadAnswer(await sendRequest(http, request), request, true)
    },
    async status(mediaId, signal) {
      const request = { method: 'GET', url: url({ command: 'STATUS', media_id: mediaId }), signal, mediaId } as const
      return uploadAnswer(await sendRequest(http, request), request, true)
    },
  }
}
