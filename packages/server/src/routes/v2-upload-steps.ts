/**
 * v2 dedicated endpoints (X's current reference): `POST /2/media/upload/initialize` (JSON only),
 * `POST /2/media/upload/{id}/append` (multipart, or JSON with base64 `media`) and
 * `POST /2/media/upload/{id}/finalize` (any body or none). Status codes follow X's OpenAPI: 200.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { ApiError, isApiError } from '../errors.js'
import type { RequestBody } from './body-parsers.js'
import { userIdOf } from './context.js'
import {
  parseAdditionalOwners,
  parseCategoryParam,
  parseMediaId,
  parseMediaTypeParam,
  parseSegmentIndex,
  parseTotalBytes,
} from './param-parsers.js'
import { parseJsonObject, readUploadInput } from './request-input.js'
import { requireAuth } from './require-auth.js'
import { buildV2Upload, sendV2 } from './serialize.js'
import { tooLarge } from './upload-commands.js'

const INITIALIZE_FIELDS = new Set(['media_type', 'total_bytes', 'media_category', 'additional_owners', 'shared'])

function initializeBody(request: FastifyRequest): Record<string, unknown> {
  const body = request.body as RequestBody | undefined
  if (body === undefined) return {}
  if (body.kind !== 'json') throw new ApiError('CONTENT_TYPE_NOT_JSON')
  const object = parseJsonObject(body.text) ?? {}
  for (const name of Object.keys(object)) {
    if (!INITIALIZE_FIELDS.has(name))
      throw new ApiError('UNKNOWN_PARAMETER', { params: { parameter: name }, parameters: { [name]: [] } })
  }
  return object
}

function required(object: Record<string, unknown>, name: string): unknown {
  const value = object[name]
  if (value === undefined || value === null)
    throw new ApiError('MISSING_PARAMETER', { params: { parameter: name }, parameters: { [name]: [] } })
  return value
}

function stringField(object: Record<string, unknown>, name: string): string | undefined {
  const value = object[name]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') {
    throw new ApiError('INVALID_PARAMETER', {
      params: { parameter: name, reason: 'must be a string.' },
      parameters: { [name]: [String(value)] },
    })
  }
  return value
}

function ownersField(value: unknown): string[] {
  if (value === undefined || value === null) return []
  if (typeof value === 'string') return parseAdditionalOwners([value])
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return parseAdditionalOwners(value)
  throw new ApiError('INVALID_PARAMETER', {
    params: { parameter: 'additional_owners', reason: 'must be an array of user id strings.' },
    parameters: { additional_owners: [String(value)] },
  })
}

function sharedField(value: unknown): boolean {
  if (value === undefined || value === null) return false
  if (typeof value === 'boolean') return value
  throw new ApiError('INVALID_PARAMETER', {
    params: { parameter: 'shared', reason: 'must be a boolean.' },
    parameters: { shared: [String(value)] },
  })
}

async function initialize(request: FastifyRequest, reply: FastifyReply) {
  const body = initializeBody(request)
  const mediaType = stringField(body, 'media_type') ?? (required(body, 'media_type') as string)
  const totalBytes = required(body, 'total_bytes')
  if (typeof totalBytes !== 'number' && typeof totalBytes !== 'string') parseTotalBytes('')
  const media = await request.server.uploads.init(userIdOf(request), {
    mediaType: parseMediaTypeParam(mediaType),
    totalBytes: parseTotalBytes(totalBytes),
    category: parseCategoryParam(stringField(body, 'media_category')),
    additionalOwners: ownersField(body.additional_owners),
    shared: sharedField(body.shared),
  })
  return sendV2(reply, 200, { data: buildV2Upload(media, request.server.clock.now(), 'init') })
}

async function append(request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) {
  const mediaId = parseMediaId(request.params.id, 'id')
  const uploads = request.server.uploads
  const { params, staged } = await readUploadInput(request, uploads, () => uploads.maxSegmentBytes).catch(
    (error: unknown) => {
      throw isApiError(error, 'BLOB_TOO_LARGE') ? tooLarge(error, true) : error
    },
  )
  try {
    const raw = params.first('segment_index')
    if (raw === undefined)
      throw new ApiError('MISSING_PARAMETER', {
        params: { parameter: 'segment_index' },
        parameters: { segment_index: [] },
      })
    const index = parseSegmentIndex(raw)
    if (staged === undefined)
      throw new ApiError('MISSING_PARAMETER', { params: { parameter: 'media' }, parameters: { media: [] } })
    const media = await uploads.append(userIdOf(request), mediaId, index, staged)
    return sendV2(reply, 200, { data: { expires_at: Math.floor(media.expiresAtMs / 1000) } })
  } finally {
    await uploads.discard(staged)
  }
}

async function finalize(request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) {
  const mediaId = parseMediaId(request.params.id, 'id')
  const media = await request.server.uploads.finalize(userIdOf(request), mediaId)
  return sendV2(reply, 200, { data: buildV2Upload(media, request.server.clock.now(), 'final') })
}

/** Registers the three dedicated endpoints. */
export function registerV2UploadSteps(app: FastifyInstance): void {
  app.post('/2/media/upload/initialize', requireAuth('POST /2/media/upload/initialize'), initialize)
  app.post<{ Params: { id: string } }>(
    '/2/media/upload/:id/append',
    requireAuth('POST /2/media/upload/:id/append'),
    append,
  )
  app.post<{ Params: { id: string } }>(
    '/2/media/upload/:id/finalize',
    requireAuth('POST /2/media/upload/:id/finalize'),
    finalize,
  )
}
