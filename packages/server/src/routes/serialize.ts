/**
 * Media records → X's upload objects. One view feeds both wire dialects: v1.1 (numeric `media_id`
 * plus `media_id_string`, `media_key` only with a category) and v2 (under `data`, string ids).
 */
import { kindOfMediaType, type ProcessingInfo, type V1MediaUpload, type V2MediaUpload } from '@birdhouse/protocol'
import type { FastifyReply } from 'fastify'
import type { MediaRecord } from '../stores/metadata-store.js'
import { JsonNumber, toWireJson } from './wire-json.js'

/** Which fields a response carries: INIT's three, or the full object after FINALIZE. */
export type UploadPhase = 'init' | 'final'

/** Seconds suggested between STATUS polls while processing runs: the shortest, and the answer while pending. */
export const CHECK_AFTER_SECS = 1
/** The longest `check_after_secs` suggested (the largest X was seen sending). */
export const MAX_CHECK_AFTER_SECS = 10

/** Seconds until the media (or the upload window) expires, never negative. */
export function expiresAfterSecs(media: MediaRecord, nowMs: number): number {
  return Math.max(0, Math.ceil((media.expiresAtMs - nowMs) / 1000))
}

/**
 * `processing_info` of processed media; undefined for media without processing.
 *
 * `check_after_secs` (spec §8.6; X was seen sending 1, 5 and 10) is derived from what remains:
 * - `pending`: 1. Nothing is known yet, and an idle worker takes a job within its poll interval
 *   (500 ms; at once in-process), so the next poll usually finds it running.
 * - `in_progress` at p % (0 < p < 100), `elapsed` seconds after FINALIZE: the rate so far predicts
 *   `remaining = elapsed × (100 − p) / p`, and the answer is `ceil(remaining)` clamped to 1–10.
 *   `elapsed` includes time queued, so a job that waited is estimated high; the clamp bounds that.
 *   At 0 % (or without `nowMs`) nothing predicts the rest: 1.
 */
export function processingInfo(media: MediaRecord, nowMs?: number): ProcessingInfo | undefined {
  if (!media.processing) return undefined
  switch (media.state) {
    case 'pending':
      return { state: 'pending', check_after_secs: CHECK_AFTER_SECS }
    case 'in_progress': {
      const percent = media.progressPercent ?? 0
      return {
        state: 'in_progress',
        check_after_secs: checkAfterSecs(media, percent, nowMs),
        progress_percent: percent,
      }
    }
    case 'succeeded':
      return { state: 'succeeded', progress_percent: 100 }
    case 'failed':
      return media.error === null
        ? { state: 'failed', progress_percent: media.progressPercent ?? 100 }
        : { state: 'failed', progress_percent: media.progressPercent ?? 100, error: media.error }
    default:
      return undefined
  }
}

function checkAfterSecs(media: MediaRecord, percent: number, nowMs: number | undefined): number {
  if (nowMs === undefined || media.finalizedAtMs === null || percent <= 0 || percent >= 100) return CHECK_AFTER_SECS
  const elapsedSecs = Math.max(0, nowMs - media.finalizedAtMs) / 1000
  const remainingSecs = (elapsedSecs * (100 - percent)) / percent
  return Math.min(MAX_CHECK_AFTER_SECS, Math.max(CHECK_AFTER_SECS, Math.ceil(remainingSecs)))
}

function details(media: MediaRecord, nowMs: number, phase: UploadPhase): Omit<V2MediaUpload, 'id' | 'media_key'> {
  const out: Omit<V2MediaUpload, 'id' | 'media_key'> = {}
  if (phase === 'final' && media.sizeBytes !== null) out.size = media.sizeBytes
  out.expires_after_secs = expiresAfterSecs(media, nowMs)
  if (phase === 'init') return out
  if (media.image !== null) out.image = { image_type: media.image.type, w: media.image.width, h: media.image.height }
  const type = media.mediaType ?? media.declaredType
  if (kindOfMediaType(type) === 'video' && media.state === 'succeeded') out.video = { video_type: type }
  const info = processingInfo(media, nowMs)
  if (info !== undefined) out.processing_info = info
  return out
}

/** The v2 upload object. */
export function buildV2Upload(media: MediaRecord, nowMs: number, phase: UploadPhase): V2MediaUpload {
  return { id: media.id, media_key: media.mediaKey, ...details(media, nowMs, phase) }
}

/** The v1.1 upload object, `media_id` as an exact JSON number (field order as X sends it). */
export function buildV1Upload(media: MediaRecord, nowMs: number, phase: UploadPhase): Record<string, unknown> {
  const head: Pick<V1MediaUpload, 'media_id_string' | 'media_key'> & { media_id: JsonNumber } = {
    media_id: new JsonNumber(media.id),
    media_id_string: media.id,
  }
  if (media.category !== null) head.media_key = media.mediaKey
  return { ...head, ...details(media, nowMs, phase) }
}

/** Sends a v1.1 JSON body. */
export function sendV1(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).type('application/json;charset=utf-8').send(toWireJson(body))
}

/** Sends a v2 JSON body. */
export function sendV2(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).type('application/json').send(toWireJson(body))
}

/** Sends an empty 204. */
export function sendNoContent(reply: FastifyReply): FastifyReply {
  return reply.code(204).send()
}
