/**
 * Media lookups (spec §9.3): `GET /2/media/{media_key}` → `{"data": Media}` and
 * `GET /2/media?media_keys=` (1–100) → `{"data": [Media]}`, rendered by `buildMedia` with
 * `media.fields`. Keys that do not exist, or that the caller may not see, are X's partial
 * `resource-not-found` errors in a 200; a key that is not `<digits>_<digits>` is a 400.
 *
 * Visibility: the uploader and the `additional_owners` see their media from FINALIZE on; anyone
 * (app-only callers included) sees media once a post has pinned it. Expired media, uploads not yet
 * finalized, and subtitles or 3D models (not v2 Media objects) are never found.
 */
import { buildResourceNotFound, ID_PATTERN, kindOfMediaType } from '@birdhouse/protocol'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { ApiError } from '../errors.js'
import type { MediaRecord } from '../stores/metadata-store.js'
import { baseUrlOf, buildMedia } from './post-view.js'
import { requireAuth } from './require-auth.js'
import { sendV2 } from './serialize.js'

type Query = Record<string, unknown>

/** X's `media_key` pattern (OpenAPI `MediaKey`). */
const MEDIA_KEY_PATTERN = /^([0-9]+)_([0-9]+)$/

/** X's `media.fields` enum (OpenAPI `MediaFieldsParameter`). */
const MEDIA_FIELDS: ReadonlySet<string> = new Set([
  'alt_text',
  'duration_ms',
  'height',
  'media_key',
  'non_public_metrics',
  'organic_metrics',
  'preview_image_url',
  'promoted_metrics',
  'public_metrics',
  'type',
  'url',
  'variants',
  'width',
])

const MAX_MEDIA_KEYS = 100

function invalid(parameter: string, values: string[], reason: string): ApiError {
  return new ApiError('INVALID_PARAMETER', { params: { parameter, reason }, parameters: { [parameter]: values } })
}

function csv(value: unknown): string[] {
  const text = Array.isArray(value) ? value.join(',') : typeof value === 'string' ? value : ''
  return [...new Set(text.split(',').map((s) => s.trim()))].filter((s) => s !== '')
}

/** `media.fields`, refused when it names a field X does not know. */
function readMediaFields(query: Query): Set<string> {
  const fields = csv(query['media.fields'])
  const unknown = fields.filter((f) => !MEDIA_FIELDS.has(f))
  if (unknown.length > 0) {
    throw invalid('media.fields', unknown, `must be among ${[...MEDIA_FIELDS].join(', ')}.`)
  }
  return new Set(fields)
}

/** Whether the caller (`viewerId` null for app-only) may see `media`. */
function isVisible(media: MediaRecord, viewerId: string | null): boolean {
  if (media.state === 'uploading' || media.state === 'expired') return false
  const kind = kindOfMediaType(media.mediaType ?? media.declaredType)
  if (kind === 'subtitles' || kind === 'model') return false
  if (media.pinned) return true
  return viewerId !== null && (media.ownerId === viewerId || media.additionalOwners.includes(viewerId))
}

/** The media of a well-formed key if the caller may see it. */
async function findVisible(request: FastifyRequest, key: string): Promise<MediaRecord | undefined> {
  const id = MEDIA_KEY_PATTERN.exec(key)?.[2]
  if (id === undefined || !ID_PATTERN.test(id)) return undefined
  const media = await request.server.metadata.getMedia(id)
  if (media === undefined || media.mediaKey !== key) return undefined
  return isVisible(media, request.principal?.userId ?? null) ? media : undefined
}

async function lookupBody(request: FastifyRequest, keys: string[], single: boolean) {
  const fields = readMediaFields(request.query as Query)
  const baseUrl = baseUrlOf(request)
  const found = await Promise.all(keys.map((key) => findVisible(request, key)))
  const data = found.flatMap((media) => (media === undefined ? [] : [buildMedia(media, fields, baseUrl)]))
  const missing = keys.filter((_, i) => found[i] === undefined)
  const body: Record<string, unknown> = {}
  if (data.length > 0) body.data = single ? data[0] : data
  if (missing.length > 0) {
    const parameter = single ? 'media_key' : 'media_keys'
    body.errors = missing.map((key) => buildResourceNotFound('media', key, parameter))
  }
  return body
}

async function getMedia(request: FastifyRequest<{ Params: { media_key: string } }>, reply: FastifyReply) {
  const key = request.params.media_key
  if (!MEDIA_KEY_PATTERN.test(key)) throw invalid('media_key', [key], `must match ${MEDIA_KEY_PATTERN.source}.`)
  return sendV2(reply, 200, await lookupBody(request, [key], true))
}

async function getMediaList(request: FastifyRequest, reply: FastifyReply) {
  const keys = csv((request.query as Query).media_keys)
  if (keys.length === 0) {
    throw new ApiError('MISSING_PARAMETER', { params: { parameter: 'media_keys' }, parameters: { media_keys: [] } })
  }
  if (keys.length > MAX_MEDIA_KEYS || keys.some((key) => !MEDIA_KEY_PATTERN.test(key))) {
    throw invalid('media_keys', keys, `give 1 to ${MAX_MEDIA_KEYS} comma-separated media keys.`)
  }
  return sendV2(reply, 200, await lookupBody(request, keys, false))
}

/** Registers the media lookup endpoints. */
export function registerMediaLookup(app: FastifyInstance): void {
  app.get('/2/media', requireAuth('GET /2/media'), getMediaList)
  app.get<{ Params: { media_key: string } }>('/2/media/:media_key', requireAuth('GET /2/media/:media_key'), getMedia)
}
