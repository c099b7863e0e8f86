/**
 * Alt text: v2 `POST /2/media/metadata` (`{"id","metadata":{"alt_text":{"text"}}}`, answers the
 * metadata back) and v1.1 `POST /1.1/media/metadata/create.json` (`{"media_id","alt_text":{"text"}}`,
 * JSON sent as application/json or text/plain, answers an empty 200).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { ApiError } from '../errors.js'
import type { RequestBody } from './body-parsers.js'
import { userIdOf } from './context.js'
import { parseMediaId } from './param-parsers.js'
import { parseJsonObject } from './request-input.js'
import { requireAuth } from './require-auth.js'
import { sendV2 } from './serialize.js'

function jsonBody(request: FastifyRequest): Record<string, unknown> {
  const body = request.body as RequestBody | undefined
  if (body === undefined) return {}
  if (body.kind !== 'json') throw new ApiError('CONTENT_TYPE_NOT_JSON')
  return parseJsonObject(body.text) ?? {}
}

function altTextOf(container: unknown, parameter: string): string {
  const altText = (container as { alt_text?: unknown } | undefined)?.alt_text
  const text = (altText as { text?: unknown } | undefined)?.text
  if (typeof text !== 'string') {
    throw new ApiError('MISSING_PARAMETER', { params: { parameter }, parameters: { [parameter]: [] } })
  }
  return text
}

function mediaIdOf(value: unknown, parameter: string): string {
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new ApiError('MISSING_PARAMETER', { params: { parameter }, parameters: { [parameter]: [] } })
  }
  return parseMediaId(String(value), parameter)
}

async function createV2(request: FastifyRequest, reply: FastifyReply) {
  const body = jsonBody(request)
  const id = mediaIdOf(body.id, 'id')
  const text = altTextOf(body.metadata, 'metadata.alt_text.text')
  await request.server.posts.setAltText(userIdOf(request), id, text)
  return sendV2(reply, 200, { data: { id, associated_metadata: { alt_text: { text } } } })
}

async function createV1(request: FastifyRequest, reply: FastifyReply) {
  const body = jsonBody(request)
  const id = mediaIdOf(body.media_id, 'media_id')
  await request.server.posts.setAltText(userIdOf(request), id, altTextOf(body, 'alt_text'))
  return reply.code(200).type('text/html;charset=utf-8').send('')
}

/** Registers the alt-text endpoints. */
export function registerMediaMetadata(app: FastifyInstance): void {
  app.post('/2/media/metadata', requireAuth('POST /2/media/metadata'), createV2)
  app.post('/1.1/media/metadata/create.json', requireAuth('POST /1.1/media/metadata/create.json'), createV1)
}
