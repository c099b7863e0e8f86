/**
 * Builders for X's error bodies: v2 RFC 7807 problems and the two v1.1 shapes. Both the server
 * (to answer) and the client (to recognise) use them, so the wire form lives in one place.
 */
import { ERROR_CODES, type ErrorCode, type ErrorSpec } from './error-codes.js'

/** The host every problem `type` URI uses; X's captures mostly show api.twitter.com, so we pin it. */
export const PROBLEM_TYPE_BASE = 'https://api.twitter.com/2/problems/'

/** Values that fill `{name}` placeholders in catalogue messages. */
export type ErrorParams = Readonly<Record<string, string | number>>

/** One entry of an invalid-request problem's `errors` array. */
export interface InvalidRequestError {
  message: string
  parameters: Record<string, string[]>
}

/** A v2 problem body as X sends it. */
export interface ProblemBody {
  title: string
  type: string
  detail: string
  status?: number
  errors?: InvalidRequestError[]
  [member: string]: unknown
}

/** A v1.1 error body: generic or upload-endpoint shape. */
export type V1ErrorBody = { errors: { code: number; message: string }[] } | { request: string; error: string }

/** Fills `{name}` placeholders; unknown names are left as they are. */
export function formatMessage(template: string, params: ErrorParams = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name]
    return value === undefined ? whole : String(value)
  })
}

/** Options for rendering one error. */
export interface RenderOptions {
  /** Placeholder values. */
  params?: ErrorParams
  /** Overrides the catalogue message (e.g. a schema message). */
  message?: string
  /** invalid-request `parameters` (name → offending values). */
  parameters?: Record<string, string[]>
  /** Type-specific members (`resource_type`, `resource_id`…) added to a plain problem. */
  extra?: Record<string, string>
}

/** Builds the v2 body of a catalogue error. */
export function buildV2Problem(code: ErrorCode, options: RenderOptions = {}): ProblemBody {
  const spec: ErrorSpec = ERROR_CODES[code]
  const message = options.message ?? formatMessage(spec.message, options.params)
  if (spec.problem === 'invalid-request') {
    return {
      errors: [{ message, parameters: options.parameters ?? {} }],
      title: spec.title,
      detail: 'One or more parameters to your request was invalid.',
      type: `${PROBLEM_TYPE_BASE}invalid-request`,
    }
  }
  const type = spec.problem === 'about:blank' ? 'about:blank' : `${PROBLEM_TYPE_BASE}${spec.problem}`
  return { ...options.extra, title: spec.title, type, status: spec.status, detail: message }
}

/** The partial error X puts in a 200 lookup response for an id that does not exist. */
export function buildResourceNotFound(resourceType: string, id: string, parameter: string): ProblemBody {
  return {
    value: id,
    detail: `Could not find ${resourceType} with ${parameter}: [${id}].`,
    title: 'Not Found Error',
    resource_type: resourceType,
    parameter,
    resource_id: id,
    type: `${PROBLEM_TYPE_BASE}resource-not-found`,
  }
}

/** Builds the v1.1 body of a catalogue error; `requestPath` is the endpoint path X echoes in `request`. */
export function buildV1Error(code: ErrorCode, requestPath: string, options: RenderOptions = {}): V1ErrorBody {
  const v1 = ERROR_CODES[code].v1
  const message = formatMessage(v1.message, options.params)
  if (v1.shape === 'request') return { request: requestPath, error: message }
  return { errors: [{ code: v1.code, message }] }
}
