/**
 * Media bytes at stable public URLs (media-paths.ts), served as X's CDNs serve them: no auth,
 * `Cache-Control: public, max-age=31536000, immutable` (the bytes behind a URL never change), a
 * strong ETag per file with `If-None-Match` revalidation, single byte ranges (`If-Range` aware) for
 * players that seek, and HEAD. Files are streamed from the blob store, never buffered.
 *
 * A photo answers from its processed files (`?name=` picks a size, falling back to the closest one
 * processing made) or its upload; a video or animated GIF only from its processed variants and
 * poster, so it answers 404 until processing succeeded. Everything else is 404.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { ApiError } from '../errors.js'
import type { MediaRecord } from '../stores/metadata-store.js'
import {
  fileBytes,
  isPhoto,
  isPhotoSize,
  originalBytes,
  photoFile,
  posterFile,
  type ServedBytes,
  videoVariants,
} from '../uploads/served-files.js'
import { buildEtag, ifRangeHolds, noneMatchHits, parseRange } from './byte-ranges.js'
import { photoPath, posterName, variantName } from './media-paths.js'

type Query = Record<string, unknown>
type FileRequest = FastifyRequest<{ Params: { file: string }; Querystring: Query }>
type FolderRequest = FastifyRequest<{ Params: { key: string; file: string } }>

const CACHE_CONTROL = 'public, max-age=31536000, immutable'

function notFound(): ApiError {
  return new ApiError('ROUTE_NOT_FOUND')
}

function firstValue(value: unknown): string | undefined {
  const first = Array.isArray(value) ? value[0] : value
  return typeof first === 'string' ? first : undefined
}

/** Succeeded media whose key is `key` exactly, or 404. */
async function servableMedia(request: FastifyRequest, key: string): Promise<MediaRecord> {
  const id = /^\d+_(\d{1,19})$/.exec(key)?.[1]
  const media = id === undefined ? undefined : await request.server.metadata.getMedia(id)
  if (media === undefined || media.mediaKey !== key || media.state !== 'succeeded') throw notFound()
  return media
}

/** `<key>.<ext>`, or `<key>` with pbs.twimg.com's `?format=<ext>`. */
function splitPhotoName(file: string, query: Query): { key: string; ext: string | undefined } {
  const dot = file.lastIndexOf('.')
  if (dot === -1) return { key: file, ext: firstValue(query.format) }
  return { key: file.slice(0, dot), ext: file.slice(dot + 1) }
}

async function photoBytes(request: FileRequest): Promise<ServedBytes> {
  const query = request.query
  const { key, ext } = splitPhotoName(request.params.file, query)
  const name = firstValue(query.name) ?? 'orig'
  if (!isPhotoSize(name)) throw notFound()
  const media = await servableMedia(request, key)
  if (!isPhoto(media) || photoPath(media) !== `/media/${key}.${ext}`) throw notFound()
  const file = photoFile(media, name)
  if (file !== undefined) return fileBytes(request.server.blobs, file)
  return originalBytes(request.server.blobs, media, await request.server.metadata.listSegments(media.id))
}

async function folderBytes(request: FolderRequest): Promise<ServedBytes> {
  const media = await servableMedia(request, request.params.key)
  if (isPhoto(media)) throw notFound()
  const { file: name } = request.params
  const poster = posterFile(media)
  const file =
    poster !== undefined && posterName(poster) === name
      ? poster
      : videoVariants(media).find((variant) => variantName(variant) === name)
  if (file === undefined) throw notFound()
  return fileBytes(request.server.blobs, file)
}

/** Answers with `bytes` under HTTP's conditional and range rules (byte-ranges.ts). */
async function sendBytes(request: FastifyRequest, reply: FastifyReply, bytes: ServedBytes) {
  const etag = buildEtag(bytes.blobKeys, bytes.sizeBytes)
  reply.header('accept-ranges', 'bytes').header('etag', etag)
  const { headers } = request
  if (noneMatchHits(headers['if-none-match'], etag)) {
    return reply.code(304).header('cache-control', CACHE_CONTROL).send()
  }
  // RFC 9110 §14.2: GET is the only method Range applies to; HEAD describes the whole file.
  const ranged = request.method === 'GET' && ifRangeHolds(firstValue(headers['if-range']), etag)
  const wanted = ranged ? parseRange(headers.range, bytes.sizeBytes) : ({ kind: 'full' } as const)
  if (wanted.kind === 'unsatisfiable') {
    return reply.code(416).header('content-range', `bytes */${bytes.sizeBytes}`).send()
  }
  reply.header('cache-control', CACHE_CONTROL).type(bytes.contentType)
  const range = wanted.kind === 'partial' ? wanted.range : undefined
  const length = range === undefined ? bytes.sizeBytes : range.end - range.start + 1
  reply.code(range === undefined ? 200 : 206).header('content-length', String(length))
  if (range !== undefined) reply.header('content-range', `bytes ${range.start}-${range.end}/${bytes.sizeBytes}`)
  if (request.method === 'HEAD' || length === 0) return reply.send()
  return reply.send(await bytes.open(range))
}

/** Registers the media file routes (GET and HEAD). */
export function registerMediaFiles(app: FastifyInstance): void {
  app.route<{ Params: { file: string }; Querystring: Query }>({
    method: ['GET', 'HEAD'],
    url: '/media/:file',
    handler: async (request, reply) => sendBytes(request, reply, await photoBytes(request)),
  })
  app.route<{ Params: { key: string; file: string } }>({
    method: ['GET', 'HEAD'],
    url: '/media/:key/:file',
    handler: async (request, reply) => sendBytes(request, reply, await folderBytes(request)),
  })
}
