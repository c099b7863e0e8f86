/**
 * X's OpenAPI 2.167 (the subset in ../shared/spec/x-openapi-media.json, read at test time),
 * compiled once with ajv for the tests that check v2 bodies against it. Without the file those
 * tests skip saying why (`requireSpec`), except in CI, where its absence fails the run.
 */
import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Ajv, type ErrorObject, type SchemaObject } from 'ajv'
import formatsPlugin from 'ajv-formats'
import type { TestContext } from 'vitest'

/** Where the spec is expected: `../shared` beside the repository. */
export const SPEC_PATH = resolve(
  fileURLToPath(new URL('../../../../', import.meta.url)),
  '../shared/spec/x-openapi-media.json',
)
const SPEC_ID = 'x-openapi'

/** The parts of the spec the tests read directly. */
export type OpenApiSpec = {
  paths: Record<string, Record<string, unknown>>
  components: { schemas: Record<string, SchemaObject> }
}

function loadSpec(): OpenApiSpec | undefined {
  if (existsSync(SPEC_PATH)) return JSON.parse(readFileSync(SPEC_PATH, 'utf8')) as OpenApiSpec
  if (process.env.CI) throw new Error(`X's OpenAPI spec is required in CI but missing at ${SPEC_PATH}`)
  return undefined
}

const spec = loadSpec()
const ajv = new Ajv({ strict: false, allErrors: true })
// ajv-formats is CommonJS: under NodeNext its default import is the module object.
formatsPlugin.default(ajv)
if (spec !== undefined) ajv.addSchema({ ...spec, $id: SPEC_ID })

/** The spec; skips the test, printing why, when the file is absent. */
export function requireSpec(context: TestContext): OpenApiSpec {
  if (spec === undefined) context.skip(`X's OpenAPI spec not found at ${SPEC_PATH}`)
  return spec as OpenApiSpec
}

const pointer = (parts: readonly string[]) => parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/')

/** Validation errors of `value` against the schema at the JSON pointer `parts` (`[]` when it conforms). */
export function schemaErrors(parts: readonly string[], value: unknown): ErrorObject[] {
  const ref = `${SPEC_ID}#/${pointer(parts)}`
  const validate = ajv.getSchema(ref)
  if (validate === undefined) throw new Error(`no schema at ${ref}`)
  return validate(value) ? [] : [...(validate.errors ?? [])]
}

/** Problem types as X's spec names them: api.x.com, where captures (and birdhouse) say api.twitter.com (spec §7.2). */
export const onSpecHost = (body: unknown): unknown =>
  JSON.parse(JSON.stringify(body).replaceAll('https://api.twitter.com/2/problems/', 'https://api.x.com/2/problems/'))

/** `schemaErrors` of a body moved onto the spec's problem host, as `path message` strings. */
export function errorsAt(parts: readonly string[], body: unknown): string[] {
  return schemaErrors(parts, onSpecHost(body)).map((e) => `${e.instancePath} ${e.message}`)
}

/** Validation errors of `value` against a schema a test builds from the spec's parts. */
export function errorsAgainst(schema: SchemaObject, value: unknown): ErrorObject[] {
  const validate = ajv.compile(schema)
  return validate(value) ? [] : [...(validate.errors ?? [])]
}
