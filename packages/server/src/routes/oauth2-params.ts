/**
 * Parameters of token and revocation requests. X documents form bodies; twitter-api-v2 sends JSON,
 * so both are read into one single-valued map. A parameter sent twice is an error (RFC 6749 §3.2).
 */

import { OAuthError } from '../auth/oauth2/oauth-errors.js'
import type { TokenParams } from '../auth/oauth2/token-service.js'
import type { RequestBody } from './body-parsers.js'

const bad = (description: string) => new OAuthError('invalid_request', description)

/** Reads a token-endpoint body (form or JSON; none is an empty set). */
export function readTokenParams(body: unknown): TokenParams {
  const parsed = body as RequestBody | undefined
  if (parsed === undefined || parsed === null) return {}
  if (parsed.kind === 'form') return fromForm(parsed.fields)
  if (parsed.kind === 'json') return fromJson(parsed.text)
  throw bad('Send the parameters as application/x-www-form-urlencoded or application/json.')
}

function fromForm(fields: ReadonlyMap<string, readonly string[]>): TokenParams {
  const params: Record<string, string> = {}
  for (const [name, values] of fields) {
    if (values.length > 1) throw bad(`Parameter [${name}] was sent more than once.`)
    if (values[0] !== undefined) params[name] = values[0]
  }
  return params
}

function fromJson(text: string): TokenParams {
  if (text.trim() === '') return {}
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw bad('The request body is not valid JSON.')
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw bad('The request body must be a JSON object.')
  const params: Record<string, string> = {}
  for (const [name, item] of Object.entries(value)) {
    if (item === null || item === undefined) continue
    if (typeof item !== 'string' && typeof item !== 'number' && typeof item !== 'boolean') {
      throw bad(`Parameter [${name}] must be a string.`)
    }
    params[name] = String(item)
  }
  return params
}
