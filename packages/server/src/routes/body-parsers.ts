/**
 * Content-type parsers. Fastify's defaults are replaced so that every body reaches the routes in a
 * form they can judge themselves: JSON stays text until a route asks for an object (finalize
 * accepts anything, initialize only JSON), multipart stays an unread stream (routes stream files
 * into the blob store), and unknown types pass through instead of Fastify's own 415.
 */
import type { FastifyInstance } from 'fastify'

/** Largest JSON or urlencoded body: a base64 segment of 5 MiB plus slack. */
export const MAX_INLINE_BODY_BYTES = 8 * 1024 * 1024

/** What a parser made of the body. */
export type RequestBody =
  | { kind: 'json'; text: string }
  | { kind: 'form'; fields: Map<string, string[]> }
  | { kind: 'multipart' }
  | { kind: 'other'; contentType: string }

/** Parses an urlencoded body into a multimap. */
export function parseForm(text: string): Map<string, string[]> {
  const fields = new Map<string, string[]>()
  for (const [name, value] of new URLSearchParams(text)) {
    const list = fields.get(name)
    if (list === undefined) fields.set(name, [value])
    else list.push(value)
  }
  return fields
}

/** Installs the parsers on an app. */
export function installBodyParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers()
  app.addContentTypeParser(
    ['application/json', 'text/plain'],
    { parseAs: 'string', bodyLimit: MAX_INLINE_BODY_BYTES },
    (_request, body, done) => done(null, { kind: 'json', text: String(body) } satisfies RequestBody),
  )
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: MAX_INLINE_BODY_BYTES },
    (_request, body, done) => done(null, { kind: 'form', fields: parseForm(String(body)) } satisfies RequestBody),
  )
  app.addContentTypeParser('multipart/form-data', (_request, _payload, done) => {
    done(null, { kind: 'multipart' } satisfies RequestBody)
  })
  app.addContentTypeParser('*', (request, _payload, done) => {
    done(null, { kind: 'other', contentType: request.headers['content-type'] ?? '' } satisfies RequestBody)
  })
}
