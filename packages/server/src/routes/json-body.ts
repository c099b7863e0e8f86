/**
 * Readers for the JSON-only media endpoints (alt text, subtitles): the body as an object, and
 * members checked one by one, each error naming the parameter by its dotted path
 * (`subtitles.language_code`) as X's invalid-request problems do.
 */
import type { FastifyRequest } from 'fastify'
import { ApiError } from '../errors.js'
import type { RequestBody } from './body-parsers.js'
import { parseMediaId } from './param-parsers.js'
import { parseJsonObject } from './request-input.js'

/** The JSON object body (`{}` when there is none); `CONTENT_TYPE_NOT_JSON` for another content type. */
export function readJsonBody(request: FastifyRequest): Record<string, unknown> {
  const body = request.body as RequestBody | undefined
  if (body === undefined) return {}
  if (body.kind !== 'json') throw new ApiError('CONTENT_TYPE_NOT_JSON')
  return parseJsonObject(body.text) ?? {}
}

function missing(parameter: string): ApiError {
  return new ApiError('MISSING_PARAMETER', { params: { parameter }, parameters: { [parameter]: [] } })
}

function wrongType(parameter: string, value: unknown, reason: string): ApiError {
  const shown =
    typeof value === 'object' && value !== null ? (Array.isArray(value) ? '[array]' : '[object]') : String(value)
  return new ApiError('INVALID_PARAMETER', { params: { parameter, reason }, parameters: { [parameter]: [shown] } })
}

/** A media id given as a string or a number (`^[0-9]{1,19}$`). */
export function mediaIdField(value: unknown, parameter: string): string {
  if (value === undefined || value === null) throw missing(parameter)
  if (typeof value !== 'string' && typeof value !== 'number') throw wrongType(parameter, value, 'must be a string.')
  return parseMediaId(String(value), parameter)
}

/** A string member; undefined when absent and optional. */
export function stringField(value: unknown, parameter: string, options: { optional: true }): string | undefined
/** A required string member. */
export function stringField(value: unknown, parameter: string): string
export function stringField(value: unknown, parameter: string, options?: { optional: true }): string | undefined {
  if (value === undefined || value === null) {
    if (options?.optional) return undefined
    throw missing(parameter)
  }
  if (typeof value !== 'string') throw wrongType(parameter, value, 'must be a string.')
  return value
}

/** A required object member. */
export function objectField(value: unknown, parameter: string): Record<string, unknown> {
  if (value === undefined || value === null) throw missing(parameter)
  if (typeof value !== 'object' || Array.isArray(value)) throw wrongType(parameter, value, 'must be an object.')
  return value as Record<string, unknown>
}

/** A required non-empty array of objects. */
export function objectsField(value: unknown, parameter: string): Record<string, unknown>[] {
  if (value === undefined || value === null) throw missing(parameter)
  if (!Array.isArray(value) || value.length === 0) throw wrongType(parameter, value, 'must be a non-empty array.')
  return value.map((item, i) => objectField(item, `${parameter}[${i}]`))
}
