/**
 * Alt text: v2 `POST /2/media/metadata` (`{"id","metadata":{"alt_text":{"text"}}}`, answers the
 * metadata back) and v1.1 `POST /1.1/media/metadata/create.json` (`{"media_id","alt_text":{"text"}}`,
 * JSON sent as application/json or text/plain, answers an empty 200).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { ApiError } from '../errors.js'
import { userIdOf } from './context.js'
import { mediaIdField, readJsonBody } from './json-body.js'
import { requireAuth } from './require-auth.js'
import { sendV2 } from './serialize.js'

function altTextOf(container: unknown, parameter: string): string {
  const altText = (container as { alt_text?: unknown } | undefined)?.alt_text
  const text = (altText as { text?: unknown } | undefined)?.text
  if (typeof text !== 'string') {
    throw new ApiError('MISSING_PARAMETER', { params: { parameter }, parameters: { [parameter]: [] } })
  }
  return text
}

async function createV2(request: FastifyRequest, reply: FastifyReply) {
  const body = readJsonBody(request)
  const id = mediaIdField(body.id, 'id')
  const text = altTextOf(body.metadata, 'metadata.alt_text.text')
  await request.server.posts.setAltText(userIdOf(request), id, text)
  return sendV2(reply, 200, { data: { id, associated_metadata: { alt_text: { text } } } })
}

async function createV1(request: FastifyRequest, reply: FastifyReply) {
  const body = readJsonBody(request)
  const id = mediaIdField(body.media_id, 'media_id')
  await request.server.posts.setAltText(userIdOf(request), id, altTextOf(body, 'alt_text'))
  return reply.code(200).type('text/html;charset=utf-8').send('')
}

/** Registers the alt-text endpoints. */
export function registerMediaMetadata(app: FastifyInstance): void {
  app.post('/2/media/metadata', requireAuth('POST /2/media/metadata'), createV2)
  app.post('/1.1/media/metadata/create.json', requireAuth('POST /1.1/media/metadata/create.json'), createV1)
}
