/**
 * Reads X's error bodies (v2 RFC 7807 problems, v1.1 `{"errors":[{code,message}]}` and the upload
 * endpoint's `{"request","error"}`) into a message, the problem type, and the catalogue code the
 * body matches. A body matches a code when the status, the shape and the message agree with the
 * catalogue entry: a message equal to a template wins over one that fills a template's `{name}`
 * placeholders (`media_ids parameter is invalid.` is `POST_MEDIA_TOO_FEW`, not `INVALID_PARAMETER`);
 * codes that render identically resolve to the first in catalogue order (`MEDIA_NOT_FOUND` before
 * `SUBTITLE_MEDIA_NOT_FOUND`).
 */
import { ERROR_CODES, type ErrorCode, type ErrorSpec, PROBLEM_TYPE_BASE } from '@birdhouse/protocol'

/** What an error body says. */
export interface RecognizedError {
  message: string
  code: ErrorCode | undefined
  problem: string | undefined
}

const patterns = new Map<string, RegExp>()

/** A catalogue message template as an anchored regular expression (`{name}` matches anything). */
function templatePattern(template: string): RegExp {
  let pattern = patterns.get(template)
  if (pattern === undefined) {
    const source = template
      .split(/\{\w+\}/)
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('[\\s\\S]*?')
    pattern = new RegExp(`^${source}$`)
    patterns.set(template, pattern)
  }
  return pattern
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}

/** The problem slug of a type URI (`…/problems/invalid-request` → `invalid-request`). */
function problemSlug(type: string): string {
  const marker = '/2/problems/'
  const at = type.indexOf(marker)
  return at === -1 ? type : type.slice(at + marker.length)
}

/** How a message can match a template. */
type MessageTest = (template: string, message: string) => boolean

const exactly: MessageTest = (template, message) => template === message
const filled: MessageTest = (template, message) => templatePattern(template).test(message)

/** The first code `matches` accepts with an exact message, else with a filled template. */
function findCode(matches: (spec: ErrorSpec, test: MessageTest) => boolean): ErrorCode | undefined {
  const entries = Object.entries(ERROR_CODES) as [ErrorCode, ErrorSpec][]
  for (const test of [exactly, filled]) {
    const found = entries.find(([, spec]) => matches(spec, test))
    if (found !== undefined) return found[0]
  }
  return undefined
}

function recognizeProblem(status: number, body: Record<string, unknown>): RecognizedError {
  const type = text(body.type) ?? 'about:blank'
  const slug = problemSlug(type)
  const errors = Array.isArray(body.errors) ? body.errors : []
  const first: unknown = errors[0]
  const message = (isObject(first) ? text(first.message) : undefined) ?? text(body.detail) ?? text(body.title) ?? ''
  const code = findCode((spec, test) => spec.status === status && spec.problem === slug && test(spec.message, message))
  const title = text(body.title)
  return {
    message: title === undefined || title === message ? message : `${title}: ${message}`,
    code,
    problem: type === 'about:blank' || type.startsWith('http') ? type : `${PROBLEM_TYPE_BASE}${type}`,
  }
}

function recognizeV1Errors(status: number, errors: unknown[]): RecognizedError {
  const first: unknown = errors[0]
  const message = (isObject(first) ? text(first.message) : undefined) ?? ''
  const number = isObject(first) && typeof first.code === 'number' ? first.code : undefined
  const code = findCode(
    (spec, test) =>
      spec.v1.status === status &&
      spec.v1.shape === 'errors' &&
      spec.v1.code === number &&
      test(spec.v1.message, message),
  )
  return { message: number === undefined ? message : `${message} (code ${number})`, code, problem: undefined }
}

function recognizeV1Request(status: number, message: string): RecognizedError {
  const code = findCode(
    (spec) =>
      spec.v1.status === status && spec.v1.shape === 'request' && templatePattern(spec.v1.message).test(message),
  )
  return { message, code, problem: undefined }
}

/** Reads an error answer of status `status` whose parsed body is `body`. */
export function recognizeError(status: number, body: unknown): RecognizedError {
  if (isObject(body)) {
    if (typeof body.type === 'string' || typeof body.title === 'string') return recognizeProblem(status, body)
    if (Array.isArray(body.errors)) return recognizeV1Errors(status, body.errors)
    const error = text(body.error)
    if (error !== undefined) return recognizeV1Request(status, error)
  }
  const fallback = typeof body === 'string' && body.length > 0 && body.length <= 500 ? body : `HTTP ${status}`
  return { message: fallback, code: undefined, problem: undefined }
}
