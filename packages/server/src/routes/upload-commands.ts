/**
 * The command style shared by v1.1 `/1.1/media/upload.json` and v2 `/2/media/upload`: INIT,
 * APPEND, FINALIZE (and STATUS) named by `command`, or a one-shot upload when no command is sent.
 * Both dialects run the same steps; they differ in status codes and body shape only.
 */
import type { MediaCategory } from '@birdhouse/protocol'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { ApiError, isApiError } from '../errors.js'
import type { MediaRecord } from '../stores/metadata-store.js'
import type { UploadService } from '../uploads/upload-service.js'
import { userIdOf } from './context.js'
import {
  parseAdditionalOwners,
  parseCategoryParam,
  parseCommand,
  parseMediaId,
  parseMediaTypeParam,
  parseSegmentIndex,
  parseShared,
  parseTotalBytes,
  requireParam,
} from './param-parsers.js'
import { Params } from './params.js'
import { readUploadInput } from './request-input.js'
import { settleRateLimit } from './require-auth.js'
import { buildV1Upload, buildV2Upload, sendNoContent, sendV1, sendV2, type UploadPhase } from './serialize.js'

/** Which wire dialect answers. */
export type Dialect = 'v1' | 'v2'

function categoryOrNull(params: Params): MediaCategory | null {
  return parseCategoryParam(params.first('media_category'))
}

function mediaLimit(uploads: UploadService, dialect: Dialect, params: Params): number {
  if (parseCommand(params.first('command')) === 'APPEND') return uploads.maxSegmentBytes
  if (dialect === 'v1') return uploads.maxBytesFor('tweet_gif', 'image/gif')
  const category = parseCategoryParam(params.first('media_category'))
  return category === null
    ? uploads.maxBytesFor('tweet_video', 'video/mp4')
    : uploads.maxBytesFor(category, 'video/mp4')
}

function send(
  reply: FastifyReply,
  dialect: Dialect,
  status: number,
  media: MediaRecord,
  phase: UploadPhase,
  nowMs: number,
) {
  if (dialect === 'v1') return sendV1(reply, status, buildV1Upload(media, nowMs, phase))
  return sendV2(reply, status, { data: buildV2Upload(media, nowMs, phase) })
}

/** Turns a staging overflow into the error of what was being uploaded. */
export function tooLarge(error: ApiError, appending: boolean, category = 'any'): ApiError {
  const maxBytes = error.params.maxBytes ?? 0
  if (appending) return new ApiError('SEGMENT_TOO_LARGE', { params: { maxBytes }, cause: error })
  return new ApiError('MEDIA_TOO_LARGE', { params: { maxBytes, category }, cause: error })
}

/** Handles a POST in the command style. */
export async function handleCommandPost(request: FastifyRequest, reply: FastifyReply, dialect: Dialect) {
  const uploads = request.server.uploads
  let appending = false
  let category = dialect === 'v1' ? 'tweet_gif' : 'tweet_video'
  const input = await readUploadInput(request, uploads, (params) => {
    appending = parseCommand(params.first('command')) === 'APPEND'
    category = parseCategoryParam(params.first('media_category')) ?? category
    return mediaLimit(uploads, dialect, params)
  }).catch((error: unknown) => {
    throw isApiError(error, 'BLOB_TOO_LARGE') ? tooLarge(error, appending, category) : error
  })
  const { params, staged } = input
  const userId = userIdOf(request)
  const now = () => request.server.clock.now()
  try {
    await settleRateLimit(request, reply, params.first('command'))
    const command = parseCommand(params.first('command'))
    switch (command) {
      case 'INIT': {
        const media = await uploads.init(userId, {
          totalBytes: parseTotalBytes(requireParam(params, 'total_bytes')),
          mediaType: parseMediaTypeParam(requireParam(params, 'media_type')),
          category: categoryOrNull(params),
          additionalOwners: parseAdditionalOwners(params.all('additional_owners')),
          shared: parseShared(params.first('shared')),
        })
        return send(reply, dialect, 202, media, 'init', now())
      }
      case 'APPEND': {
        const mediaId = parseMediaId(requireParam(params, 'media_id'))
        const index = parseSegmentIndex(requireParam(params, 'segment_index'))
        if (staged === undefined) throw new ApiError('MEDIA_PARAMETER_MISSING')
        await uploads.append(userId, mediaId, index, staged)
        return sendNoContent(reply)
      }
      case 'FINALIZE': {
        const media = await uploads.finalize(userId, parseMediaId(requireParam(params, 'media_id')))
        return send(reply, dialect, 201, media, 'final', now())
      }
      case 'STATUS': {
        if (dialect === 'v1') throw new ApiError('MEDIA_PARAMETER_MISSING')
        const media = await uploads.status(userId, parseMediaId(requireParam(params, 'media_id')))
        return send(reply, dialect, 200, media, 'final', now())
      }
      case undefined: {
        if (staged === undefined) throw new ApiError('MEDIA_PARAMETER_MISSING')
        const category = categoryOrNull(params)
        if (dialect === 'v2' && category === null) requireParam(params, 'media_category')
        const media = await uploads.uploadOnce(userId, {
          staged,
          category,
          mediaType: null,
          additionalOwners: parseAdditionalOwners(params.all('additional_owners')),
          shared: parseShared(params.first('shared')),
          allowedKinds: dialect === 'v1' ? ['image', 'gif'] : ['image', 'gif', 'video', 'subtitles'],
        })
        return send(reply, dialect, 200, media, 'final', now())
      }
    }
  } finally {
    await uploads.discard(staged)
  }
}

/** Handles a STATUS GET in either dialect. */
export async function handleStatusGet(request: FastifyRequest, reply: FastifyReply, dialect: Dialect) {
  const params = Params.fromQuery(request.query)
  const command = parseCommand(params.first('command'))
  if (command !== undefined && command !== 'STATUS') throw new ApiError('INVALID_COMMAND')
  const media = await request.server.uploads.status(userIdOf(request), parseMediaId(requireParam(params, 'media_id')))
  return send(reply, dialect, 200, media, 'final', request.server.clock.now())
}
