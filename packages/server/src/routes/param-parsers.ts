/**
 * Parsers for upload parameters, lenient where real clients differ (category spelling, numeric
 * strings, csv or repeated owners) and strict where X's schema is (ranges, patterns, enums). Each
 * throws an `ApiError` naming the parameter.
 */
import {
  ID_PATTERN,
  MAX_ADDITIONAL_OWNERS,
  MAX_SEGMENT_INDEX,
  MAX_TOTAL_BYTES,
  type MediaCategory,
  type MediaType,
  parseMediaCategory,
  parseMediaType,
} from '@birdhouse/protocol'
import { ApiError } from '../errors.js'
import type { Params } from './params.js'

function invalid(parameter: string, value: string, reason: string): ApiError {
  return new ApiError('INVALID_PARAMETER', { params: { parameter, reason }, parameters: { [parameter]: [value] } })
}

/** A required parameter's first value. */
export function requireParam(params: Params, name: string): string {
  const value = params.first(name)
  if (value === undefined || value === '') {
    throw new ApiError('MISSING_PARAMETER', { params: { parameter: name }, parameters: { [name]: [] } })
  }
  return value
}

/** A media id (`^[0-9]{1,19}$`). */
export function parseMediaId(value: string, name = 'media_id'): string {
  if (!ID_PATTERN.test(value)) throw invalid(name, value, 'must match ^[0-9]{1,19}$.')
  return value
}

/** `segment_index`: an integer or numeric string 0–999. */
export function parseSegmentIndex(value: unknown): number {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : ''
  if (!/^\d{1,4}$/.test(text) || Number(text) > MAX_SEGMENT_INDEX) {
    throw new ApiError('SEGMENT_INDEX_OUT_OF_RANGE', { parameters: { segment_index: [String(value)] } })
  }
  return Number(text)
}

/** `total_bytes`: an integer 0–16 GiB. */
export function parseTotalBytes(value: unknown): number {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : ''
  if (!/^\d{1,17}$/.test(text)) throw invalid('total_bytes', String(value), 'must be a non-negative integer.')
  const bytes = Number(text)
  if (bytes > MAX_TOTAL_BYTES) throw invalid('total_bytes', text, `must be at most ${MAX_TOTAL_BYTES}.`)
  return bytes
}

/** `media_type`: one of X's enum (aliases such as application/x-subrip accepted). */
export function parseMediaTypeParam(value: string): MediaType {
  const type = parseMediaType(value)
  if (type === undefined) throw invalid('media_type', value, 'is not a supported media type.')
  return type
}

/** `media_category` in any case or CamelCase; undefined input means none. */
export function parseCategoryParam(value: string | undefined): MediaCategory | null {
  if (value === undefined || value === '') return null
  const category = parseMediaCategory(value)
  if (category === undefined) throw invalid('media_category', value, 'is not a known media category.')
  return category
}

/** `additional_owners` from csv strings, repeated fields or arrays; at most 100 ids. */
export function parseAdditionalOwners(values: readonly string[]): string[] {
  const ids = values
    .flatMap((value) => value.split(','))
    .map((id) => id.trim())
    .filter((id) => id !== '')
  for (const id of ids) if (!ID_PATTERN.test(id)) throw invalid('additional_owners', id, 'must be user ids.')
  if (ids.length > MAX_ADDITIONAL_OWNERS) {
    throw invalid('additional_owners', String(ids.length), `at most ${MAX_ADDITIONAL_OWNERS} ids are allowed.`)
  }
  return [...new Set(ids)]
}

/** `shared`: true/false/1/0. */
export function parseShared(value: string | undefined): boolean {
  if (value === undefined || value === '') return false
  const lower = value.toLowerCase()
  if (lower === 'true' || lower === '1') return true
  if (lower === 'false' || lower === '0') return false
  throw invalid('shared', value, 'must be true or false.')
}

/** `command` in any case; undefined when absent. */
export function parseCommand(value: string | undefined): 'INIT' | 'APPEND' | 'FINALIZE' | 'STATUS' | undefined {
  if (value === undefined || value === '') return undefined
  const upper = value.toUpperCase()
  if (upper === 'INIT' || upper === 'APPEND' || upper === 'FINALIZE' || upper === 'STATUS') return upper
  throw new ApiError('INVALID_COMMAND', { parameters: { command: [value] } })
}
