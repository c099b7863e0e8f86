/**
 * Media bytes at stable public URLs (`/media/<media_key>.<ext>`), as X serves them from its CDN:
 * no auth, long-lived caching (the bytes of a media key never change) and ETag revalidation.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { ApiError } from '../errors.js'
import { readSegments } from '../uploads/segments.js'
import { mediaFileExtension } from './post-view.js'

async function serve(request: FastifyRequest<{ Params: { file: string } }>, reply: FastifyReply) {
  const match = /^(\d+)_(\d{1,19})\.(\w+)$/.exec(request.params.file)
  const media = match?.[2] === undefined ? undefined : await request.server.metadata.getMedia(match[2])
  if (
    media === undefined ||
    media.state !== 'succeeded' ||
    `${media.mediaKey}.${mediaFileExtension(media)}` !== request.params.file
  ) {
    throw new ApiError('ROUTE_NOT_FOUND')
  }
  const etag = `"${media.mediaKey}-${media.sizeBytes ?? 0}"`
  reply.header('etag', etag).header('cache-control', 'public, max-age=31536000, immutable')
  if (matchesEtag(request.headers['if-none-match'], etag)) return reply.code(304).send()
  const segments = await request.server.metadata.listSegments(media.id)
  return reply
    .code(200)
    .type(media.mediaType ?? media.declaredType)
    .header('content-length', String(media.sizeBytes ?? 0))
    .send(readSegments(request.server.blobs, segments))
}

/** RFC 9110 §13.1.2: `*` or any listed (weak or strong) tag matches. */
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false
  return header.split(',').some((tag) => {
    const trimmed = tag.trim()
    return trimmed === '*' || trimmed.replace(/^W\//, '') === etag
  })
}

/** Registers the media file route. */
export function registerMediaFiles(app: FastifyInstance): void {
  app.get<{ Params: { file: string } }>('/media/:file', serve)
}
