/**
 * One error path for the whole server. Every failure becomes a catalogue code, rendered as X's
 * v1.1 body on `/1.1/` paths and as an RFC 7807 problem elsewhere. Unknown errors become a 500
 * whose message never leaves the server; they are logged once, with the stack.
 */

import type { Socket } from 'node:net'
import { buildV1Error, buildV2Problem, ERROR_CODES, type ErrorCode } from '@birdhouse/protocol'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { ApiError, isApiError } from './errors.js'
import { MAX_INLINE_BODY_BYTES } from './routes/body-parsers.js'
import { toWireJson } from './routes/wire-json.js'

const FASTIFY_CODES: Readonly<Record<string, ErrorCode>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_CONTENT_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'MALFORMED_BODY',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'BODY_NOT_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'BODY_NOT_JSON',
}

/** Maps anything thrown to an `ApiError`. */
export function toApiError(error: unknown): ApiError {
  if (isApiError(error)) return error
  const fastify = error as Partial<FastifyError>
  const code = fastify.code === undefined ? undefined : FASTIFY_CODES[fastify.code]
  if (code !== undefined) {
    return new ApiError(code, {
      params: { maxBytes: MAX_INLINE_BODY_BYTES, contentType: '', reason: fastify.message ?? '' },
      cause: error,
    })
  }
  if (typeof fastify.statusCode === 'number' && fastify.statusCode >= 400 && fastify.statusCode < 500) {
    return new ApiError('MALFORMED_BODY', { params: { reason: fastify.message ?? 'bad request' }, cause: error })
  }
  return new ApiError('INTERNAL', { cause: error })
}

/** Whether a path is served in the v1.1 dialect. */
export function isV1Path(url: string): boolean {
  return url.startsWith('/1.1/')
}

/** Sends the X-shaped body of an error. */
export function sendApiError(request: FastifyRequest, reply: FastifyReply, error: ApiError): FastifyReply {
  const path = (request.url.split('?')[0] ?? '').replace(/\/+$/, '')
  const options = {
    params: error.params,
    ...(error.overrideMessage === undefined ? {} : { message: error.overrideMessage }),
    ...(error.parameters === undefined ? {} : { parameters: error.parameters }),
    ...(error.extra === undefined ? {} : { extra: error.extra }),
  }
  if (isV1Path(path)) {
    return reply
      .code(ERROR_CODES[error.code].v1.status)
      .type('application/json;charset=utf-8')
      .send(toWireJson(buildV1Error(error.code, path, options)))
  }
  return reply
    .code(ERROR_CODES[error.code].status)
    .type('application/problem+json')
    .send(toWireJson(buildV2Problem(error.code, options)))
}

/** Writes a raw 431/400 for errors Node raises before Fastify sees a request. */
function handleClientError(error: NodeJS.ErrnoException & { rawPacket?: unknown }, socket: Socket): void {
  if (!socket.writable) return
  const code: ErrorCode = error.code === 'HPE_HEADER_OVERFLOW' ? 'HEADERS_TOO_LARGE' : 'MALFORMED_BODY'
  const options = { params: { reason: 'the request could not be parsed.' } }
  const raw = Buffer.isBuffer(error.rawPacket) ? error.rawPacket.subarray(0, 2048).toString('latin1') : ''
  const path = /^[A-Z]+ (\/[^ ?]*)/.exec(raw)?.[1] ?? '/'
  const v1 = isV1Path(path)
  const body = toWireJson(v1 ? buildV1Error(code, path, options) : buildV2Problem(code, options))
  const spec = ERROR_CODES[code]
  const status = v1 ? spec.v1.status : spec.status
  const type = v1 ? 'application/json;charset=utf-8' : 'application/problem+json'
  socket.end(
    `HTTP/1.1 ${status} ${spec.title}\r\nContent-Type: ${type}\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  )
}

/** The option Fastify takes for connection-level errors. */
export const clientErrorHandler = handleClientError

/** Installs the error and not-found handlers. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const apiError = toApiError(error)
    const status = ERROR_CODES[apiError.code].status
    if (status >= 500) request.log.error({ err: error, code: apiError.code }, 'request failed')
    else request.log.info({ code: apiError.code, detail: apiError.message }, 'request refused')
    return sendApiError(request, reply, apiError)
  })
  app.setNotFoundHandler((request, reply) => sendApiError(request, reply, new ApiError('ROUTE_NOT_FOUND')))
}

/** Answers requests that arrive while the server closes with X's 503, in the request's dialect. */
export function installShutdownGate(app: FastifyInstance): void {
  let closing = false
  app.addHook('preClose', async () => {
    closing = true
  })
  app.addHook('onRequest', async () => {
    if (closing) throw new ApiError('SERVICE_UNAVAILABLE')
  })
}
