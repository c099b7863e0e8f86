/**
 * Subtitles (spec §9.2), JSON bodies only:
 * - v2 `POST /2/media/subtitles` `{"id","media_category","subtitles":{"id","language_code","display_name"}}`
 *   → 200 `{"data":{"id","media_category","associated_subtitles":[{"id","language_code","display_name"}]}}`;
 * - v2 `DELETE /2/media/subtitles` `{"id","media_category","language_code"}` → 200 `{"data":{"deleted"}}`;
 * - v1.1 `POST /1.1/media/subtitles/create.json` `{"media_id","media_category","subtitle_info":{"subtitles":[…]}}`
 *   and `…/delete.json` (tracks name only `language_code`) → an empty 200.
 *
 * `language_code` must match `^[A-Z]{2}$` on v2 create (X's schema; case 62). v2 delete, whose schema
 * has no pattern, and v1.1, whose docs write `en`, take two letters in any case.
 */
import { parseMediaCategory } from '@birdhouse/protocol'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { ApiError } from '../errors.js'
import type { MediaRecord, SubtitleTrack } from '../stores/metadata-store.js'
import {
  type SubtitleParameterNames,
  SubtitleService,
  type SubtitleVideoCategory,
} from '../uploads/subtitle-service.js'
import { userIdOf } from './context.js'
import { mediaIdField, objectField, objectsField, readJsonBody, stringField } from './json-body.js'
import { requireAuth } from './require-auth.js'
import { sendV2 } from './serialize.js'

const V2_NAMES: SubtitleParameterNames = { video: 'id', category: 'media_category', subtitle: 'subtitles.id' }
const V1_TRACKS = 'subtitle_info.subtitles'
const V1_NAMES: SubtitleParameterNames = {
  video: 'media_id',
  category: 'media_category',
  subtitle: `${V1_TRACKS}.media_id`,
}
const WIRE_CATEGORIES = { tweet_video: 'TweetVideo', amplify_video: 'AmplifyVideo' } as const
const LANGUAGE_CODE = /^[A-Z]{2}$/

function invalid(parameter: string, value: string, reason: string): ApiError {
  return new ApiError('INVALID_PARAMETER', { params: { parameter, reason }, parameters: { [parameter]: [value] } })
}

/** `media_category`: `TweetVideo` or `AmplifyVideo` in any spelling X's categories take; null when absent and optional. */
function categoryField(value: unknown, required: boolean): SubtitleVideoCategory | null {
  const text = required
    ? stringField(value, 'media_category')
    : stringField(value, 'media_category', { optional: true })
  if (text === undefined) return null
  const category = parseMediaCategory(text)
  if (category !== 'tweet_video' && category !== 'amplify_video') {
    throw invalid('media_category', text, 'must be one of AmplifyVideo, TweetVideo.')
  }
  return category
}

/** A two-letter language code; `strict` takes upper case only, otherwise any case is upper-cased. */
function languageField(value: unknown, parameter: string, strict: boolean): string {
  const text = stringField(value, parameter)
  const code = strict ? text : text.trim().toUpperCase()
  if (!LANGUAGE_CODE.test(code)) throw invalid(parameter, text, 'must match ^[A-Z]{2}$.')
  return code
}

function trackOf(object: Record<string, unknown>, path: string, idName: string, strict: boolean): SubtitleTrack {
  const subtitleMediaId = mediaIdField(object[idName], `${path}.${idName}`)
  const languageCode = languageField(object.language_code, `${path}.language_code`, strict)
  const displayName = stringField(object.display_name, `${path}.display_name`, { optional: true })
  return { subtitleMediaId, languageCode, displayName: displayName ?? languageCode }
}

function associatedSubtitles(video: MediaRecord) {
  return video.subtitles.map((track) => ({
    id: track.subtitleMediaId,
    language_code: track.languageCode,
    display_name: track.displayName,
  }))
}

function sendEmpty(reply: FastifyReply): FastifyReply {
  return reply.code(200).type('text/html;charset=utf-8').send('')
}

/** Registers the four subtitles endpoints on `service`. */
export function registerSubtitles(app: FastifyInstance, service: SubtitleService): void {
  async function createV2(request: FastifyRequest, reply: FastifyReply) {
    const body = readJsonBody(request)
    const videoId = mediaIdField(body.id, 'id')
    const category = categoryField(body.media_category, false)
    const track = trackOf(objectField(body.subtitles, 'subtitles'), 'subtitles', 'id', true)
    const video = await service.link(userIdOf(request), { videoId, category, tracks: [track] }, V2_NAMES)
    const data = {
      id: videoId,
      media_category: WIRE_CATEGORIES[SubtitleService.categoryOf(video)],
      associated_subtitles: associatedSubtitles(video),
    }
    return sendV2(reply, 200, { data })
  }

  async function deleteV2(request: FastifyRequest, reply: FastifyReply) {
    const body = readJsonBody(request)
    const videoId = mediaIdField(body.id, 'id')
    const category = categoryField(body.media_category, true)
    const languageCode = languageField(body.language_code, 'language_code', false)
    const deleted = await service.unlink(userIdOf(request), videoId, category, languageCode, V2_NAMES)
    return sendV2(reply, 200, { data: { deleted } })
  }

  async function createV1(request: FastifyRequest, reply: FastifyReply) {
    const body = readJsonBody(request)
    const videoId = mediaIdField(body.media_id, 'media_id')
    const category = categoryField(body.media_category, false)
    const info = objectField(body.subtitle_info, 'subtitle_info')
    const tracks = objectsField(info.subtitles, V1_TRACKS).map((item) => trackOf(item, V1_TRACKS, 'media_id', false))
    await service.link(userIdOf(request), { videoId, category, tracks }, V1_NAMES)
    return sendEmpty(reply)
  }

  async function deleteV1(request: FastifyRequest, reply: FastifyReply) {
    const body = readJsonBody(request)
    const videoId = mediaIdField(body.media_id, 'media_id')
    const category = categoryField(body.media_category, false)
    const info = objectField(body.subtitle_info, 'subtitle_info')
    const tracks = objectsField(info.subtitles, V1_TRACKS)
    const codes = tracks.map((item) => languageField(item.language_code, `${V1_TRACKS}.language_code`, false))
    for (const code of codes) await service.unlink(userIdOf(request), videoId, category, code, V1_NAMES)
    return sendEmpty(reply)
  }

  app.post('/2/media/subtitles', requireAuth('POST /2/media/subtitles'), createV2)
  app.delete('/2/media/subtitles', requireAuth('DELETE /2/media/subtitles'), deleteV2)
  app.post('/1.1/media/subtitles/create.json', requireAuth('POST /1.1/media/subtitles/create.json'), createV1)
  app.post('/1.1/media/subtitles/delete.json', requireAuth('POST /1.1/media/subtitles/delete.json'), deleteV1)
}
