/**
 * Streaming multipart reader. Text fields are collected; the `media` / `media_data` part streams
 * straight into a staging object in the blob store (base64-decoded when it is `media_data` or
 * declares `Content-Transfer-Encoding: base64`), so a 5 MB segment never sits in memory. The
 * staging limit is decided when the part starts, from the fields seen so far.
 */

import { PassThrough, type Readable } from 'node:stream'
import { Busboy, type BusboyHeaders, type BusboyInstance } from '@fastify/busboy'
import type { FastifyRequest } from 'fastify'
import { ApiError, isApiError } from '../errors.js'
import type { StagedBlob } from '../uploads/upload-service.js'
import { Base64Decoder } from './base64-decoder.js'
import type { Params } from './params.js'

/** How the reader stages file parts. */
export interface MultipartOptions {
  /** Streams a part into the blob store. */
  stage: (body: Readable, maxBytes: number) => Promise<StagedBlob>
  /** Deletes a staged part when the request fails after all. */
  discard: (blob: StagedBlob) => Promise<void>
  /** Byte limit for the media part, given the fields that came before it. */
  maxBytes: (fieldsSoFar: Params) => number
  /** Params already known (query string); body fields are added to it. */
  params: Params
}

/** Fields and the staged media part of a multipart body. */
export interface MultipartResult {
  params: Params
  staged: StagedBlob | undefined
  field: 'media' | 'media_data' | undefined
}

const MEDIA_FIELDS = new Set(['media', 'media_data'])
/** Largest text field: ids, types and csv owner lists are far smaller. */
const MAX_FIELD_BYTES = 64 * 1024
/** Most text fields in one body. */
const MAX_FIELDS = 64

function malformed(reason: string, cause?: unknown): ApiError {
  return new ApiError('MALFORMED_BODY', { params: { reason }, cause })
}

/** Reads a multipart request body. */
export function readMultipart(request: FastifyRequest, options: MultipartOptions): Promise<MultipartResult> {
  return new Promise<MultipartResult>((resolve, reject) => {
    let busboy: BusboyInstance
    try {
      busboy = Busboy({
        headers: request.headers as BusboyHeaders,
        limits: { fieldSize: MAX_FIELD_BYTES, fields: MAX_FIELDS, parts: MAX_FIELDS + 4, files: 4, headerPairs: 50 },
        isPartAFile: (name: string | undefined, _type: string | undefined, fileName: string | undefined) =>
          fileName !== undefined || MEDIA_FIELDS.has(name ?? ''),
      })
    } catch (error) {
      reject(malformed('the multipart boundary is missing.', error))
      return
    }
    const result: MultipartResult = { params: options.params, staged: undefined, field: undefined }
    const pending: Promise<unknown>[] = []
    const open = new Set<Readable>()
    let failure: unknown

    busboy.on('field', (name, value, _nameTruncated, valueTruncated) => {
      if (valueTruncated) failure ??= malformed(`the field ${name} is longer than ${MAX_FIELD_BYTES} bytes.`)
      else options.params.add(name, value)
    })
    const tooMany = () => {
      failure ??= malformed(`the body has more than ${MAX_FIELDS} fields.`)
    }
    busboy.on('fieldsLimit', tooMany)
    busboy.on('partsLimit', tooMany)
    busboy.on('file', (name, stream, _fileName, transferEncoding) => {
      if (!MEDIA_FIELDS.has(name)) {
        stream.resume()
        return
      }
      if (result.field !== undefined) {
        failure ??= new ApiError('MEDIA_PARAMETER_CONFLICT')
        stream.resume()
        return
      }
      result.field = name as 'media' | 'media_data'
      open.add(stream)
      stream.once('close', () => open.delete(stream))
      const base64 = name === 'media_data' || transferEncoding.toLowerCase() === 'base64'
      const body = base64 ? new Base64Decoder() : new PassThrough()
      let limit: number
      try {
        limit = options.maxBytes(options.params)
      } catch (error) {
        // A bad parameter seen before the part (e.g. `command=BOGUS`): drain it, report the parameter.
        failure ??= error
        stream.resume()
        return
      }
      // Not `pipeline`: when staging stops early (over the limit) the part must be drained, not
      // destroyed, or busboy stalls and the client never gets its answer.
      stream.pipe(body)
      stream.once('error', (error) => body.destroy(error))
      const staged = options
        .stage(body, limit)
        .then((blob) => {
          result.staged = blob
        })
        .catch((error: unknown) => {
          stream.unpipe(body)
          stream.resume()
          failure ??= error
        })
      pending.push(staged)
    })
    busboy.on('error', (error: unknown) => {
      failure ??= malformed('the multipart body is malformed or was cut off.', error)
      finish()
    })
    busboy.on('finish', finish)
    request.raw.on('close', () => {
      if (request.raw.complete) return
      failure ??= malformed('the request was aborted.')
      request.raw.unpipe(busboy)
      for (const stream of open) stream.destroy(malformed('the request was aborted.'))
      finish()
    })

    let finished = false
    function finish(): void {
      if (finished) return
      finished = true
      void Promise.allSettled(pending).then(() => {
        if (failure === undefined) {
          resolve(result)
          return
        }
        const error = isApiError(failure) ? failure : malformed('the request body could not be read.', failure)
        const staged = result.staged
        void (staged === undefined ? Promise.resolve() : options.discard(staged)).finally(() => reject(error))
      })
    }
    request.raw.pipe(busboy)
  })
}
