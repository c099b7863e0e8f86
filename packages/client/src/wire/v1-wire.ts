/**
 * v1.1 chunked upload (spec §3) on the upload host: INIT and FINALIZE as urlencoded bodies (as
 * tweepy sends them; OAuth 1.0a signs their parameters), APPEND as multipart with every field in
 * the body (as twitter-api-v2 sends it; multipart is not signed), STATUS as a GET with a query.
 * v1.1 takes OAuth 1.0a user context only on X (spec §2); birdhouse's dev tokens work too.
 */
import { type HttpContext, sendRequest } from '../http/send-request.js'
import type { InitParams, UploadWire } from './upload-wire.js'
import { uploadAnswer } from './uploaded-media.js'

/** The v1.1 wire on `uploadBaseUrl`. */
export function buildV1Wire(http: HttpContext, uploadBaseUrl: string): UploadWire {
  const endpoint = `${uploadBaseUrl}/1.1/media/upload.json`
  return {
    style: 'v1.1',
    baseUrl: uploadBaseUrl,
    async init(params: InitParams, signal?: AbortSignal) {
      const fields: Record<string, string> = {
        command: 'INIT',
        total_bytes: String(params.totalBytes),
        media_type: params.mediaType,
        media_category: params.mediaCategory,
      }
      if (params.additionalOwners !== undefined && params.additionalOwners.length > 0) {
        fields.additional_owners = params.additionalOwners.join(',')
      }
      if (params.shared !== undefined) fields.shared = String(params.shared)
      const request = { method: 'POST', url: endpoint, body: { kind: 'form', fields }, signal } as const
      return uploadAnswer(await sendRequest(http, request), request, false).media
    },
    async append(mediaId, index, bytes, signal) {
      await sendRequest(http, {
        method: 'POST',
        url: endpoint,
        body: {
          kind: 'multipart',
          fields: { command: 'APPEND', media_id: mediaId, segment_index: String(index) },
          file: { name: 'media', bytes, filename: 'media' },
        },
        signal,
        mediaId,
      })
    },
    async finalize(mediaId, signal) {
      const fields = { command: 'FINALIZE', media_id: mediaId }
      const request = { method: 'POST', url: endpoint, body: { kind: 'form', fields }, signal, mediaId } as const
      return uploadAnswer(await sendRequest(http, request), request, false)
    },
    async status(mediaId, signal) {
      const query = new URLSearchParams({ command: 'STATUS', media_id: mediaId })
      const request = { method: 'GET', url: `${endpoint}?${query.toString()}`, signal, mediaId } as const
      return uploadAnswer(await sendRequest(http, request), request, false)
    },
  }
}
