/**
 * Turns any accepted request form into `Params` plus an optional staged media body: query string,
 * urlencoded (`media_data` base64), multipart (streamed), or a flat JSON object (`media` or
 * `media_data` base64). Upload routes of every style start here.
 */

import { Readable } from 'node:stream'
import type { FastifyRequest } from 'fastify'
import { ApiError } from '../errors.js'
import type { StagedBlob, UploadService } from '../uploads/upload-service.js'
import { decodeBase64 } from './base64-decoder.js'
import type { RequestBody } from './body-parsers.js'
import { readMultipart } from './multipart.js'
import { Params } from './params.js'

/** Parameters and staged media of a request. */
export interface UploadInput {
  params: Params
  staged: StagedBlob | undefined
}

/**
 * Quotes integer literals of 16 digits or more so JSON.parse keeps them exact: clients send 64-bit
 * ids such as `"media_id":2006515713438982144` as bare numbers, which doubles would round.
 */
export function quoteLongIntegers(text: string): string {
  let out = ''
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string
    if (inString) {
      out += char
      if (char === '\\') out += text[++i] ?? ''
      else if (char === '"') inString = false
      continue
    }
    if (char === '"') inString = true
    const number = /^-?\d{16,}(?![.eE\d])/.exec(text.slice(i, i + 32))
    if (!inString && number !== null && !/[\d.]/.test(text[i - 1] ?? '')) {
      out += `"${number[0]}"`
      i += number[0].length - 1
      continue
    }
    out += char
  }
  return out
}

/** Parses a JSON body into an object, or undefined for an empty body. */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  if (text.trim() === '') return undefined
  let value: unknown
  try {
    value = JSON.parse(quoteLongIntegers(text))
  } catch (error) {
    throw new ApiError('BODY_NOT_JSON', { cause: error })
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ApiError('BODY_NOT_JSON_OBJECT')
  return value as Record<string, unknown>
}

/** Whether the request carries a body at all (curl sends `Content-Type: multipart/form-data` with none). */
function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length']
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')
}

function bodyOf(request: FastifyRequest): RequestBody | undefined {
  return hasBody(request) ? (request.body as RequestBody | undefined) : undefined
}

async function stageInline(uploads: UploadService, base64: string, maxBytes: number): Promise<StagedBlob> {
  return await uploads.stage(Readable.from([decodeBase64(base64)]), maxBytes)
}

/** Reads params and media of an upload request; `maxBytes` bounds the media given the params seen first. */
export async function readUploadInput(
  request: FastifyRequest,
  uploads: UploadService,
  maxBytes: (params: Params) => number,
): Promise<UploadInput> {
  const params = Params.fromQuery(request.query)
  const body = bodyOf(request)
  if (body?.kind === 'multipart') {
    const result = await readMultipart(request, {
      params,
      stage: (stream, limit) => uploads.stage(stream, limit),
      discard: (blob) => uploads.discard(blob),
      maxBytes,
    })
    return { params, staged: result.staged }
  }
  let media: string | undefined
  if (body?.kind === 'other') {
    throw new ApiError('UNSUPPORTED_CONTENT_TYPE', { params: { contentType: body.contentType || '(none)' } })
  }
  if (body?.kind === 'form') {
    for (const [name, values] of body.fields) for (const value of values) params.add(name, value)
    media = body.fields.get('media_data')?.[0]
  } else if (body?.kind === 'json') {
    const object = parseJsonObject(body.text) ?? {}
    for (const [name, value] of Object.entries(object))
      if (name !== 'media' && name !== 'media_data') params.addJson(name, value)
    const inline = object.media ?? object.media_data
    if (inline !== undefined && typeof inline !== 'string') {
      throw new ApiError('INVALID_PARAMETER', { params: { parameter: 'media', reason: 'must be a base64 string.' } })
    }
    media = inline
  }
  if (media !== undefined && body?.kind === 'form' && body.fields.has('media'))
    throw new ApiError('MEDIA_PARAMETER_CONFLICT')
  const staged = media === undefined ? undefined : await stageInline(uploads, media, maxBytes(params))
  return { params, staged }
}
