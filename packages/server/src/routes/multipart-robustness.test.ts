/**
 * Multipart bodies over a real socket (inject() hands over whole payloads, which hides stalls):
 * a bad parameter before the media part, a part over the segment limit, too many or too long
 * fields, and deeply nested JSON all get an X-shaped 4xx promptly, and the server stays up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openRouteHarness, type RouteHarness } from '../test-support/route-harness.js'

let h: RouteHarness
let base: string

beforeAll(async () => {
  h = await openRouteHarness()
  await h.app.listen({ port: 0, host: '127.0.0.1' })
  const address = h.app.server.address()
  base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`
})

afterAll(async () => {
  await h.close()
})

function form(fields: Record<string, string>, media?: Uint8Array<ArrayBuffer>): FormData {
  const body = new FormData()
  for (const [name, value] of Object.entries(fields)) body.append(name, value)
  if (media !== undefined) body.append('media', new Blob([media]), 'media.bin')
  return body
}

async function post(path: string, body: FormData | string, contentType?: string) {
  const headers: Record<string, string> = { authorization: `Bearer ${h.token}` }
  if (contentType !== undefined) headers['content-type'] = contentType
  // A stalled request would hang here; the signal turns that into a failure.
  const response = await fetch(`${base}${path}`, { method: 'POST', headers, body, signal: AbortSignal.timeout(30_000) })
  return { status: response.status, body: (await response.json()) as { errors?: { message: string }[] } }
}

async function initialize(): Promise<string> {
  const response = await post(
    '/2/media/upload/initialize',
    JSON.stringify({ media_type: 'video/mp4', total_bytes: 20_000_000 }),
    'application/json',
  )
  return (response.body as unknown as { data: { id: string } }).data.id
}

describe('multipart robustness', () => {
  it('answers a bad command sent before the media part with 400 and keeps serving', async () => {
    const response = await post('/2/media/upload', form({ command: 'BOGUS' }, new Uint8Array(100)))
    expect(response.status).toBe(400)
    expect(response.body.errors?.[0]?.message).toBe(
      'The `command` parameter must be one of INIT, APPEND, FINALIZE or STATUS.',
    )
    const again = await post('/2/media/upload', form({ media_category: 'nope' }, new Uint8Array(100)))
    expect(again.status).toBe(400)
  })

  it('refuses a segment far over the limit without stalling the request', async () => {
    const id = await initialize()
    const response = await post(
      `/2/media/upload/${id}/append`,
      form({ segment_index: '0' }, new Uint8Array(12_000_000)),
    )
    expect(response.status).toBe(400)
    expect(response.body.errors?.[0]?.message).toBe('Segment is larger than the maximum of 5242880 bytes.')
  })

  it('refuses a body with too many fields, or a field too long', async () => {
    const many: Record<string, string> = {}
    for (let i = 0; i < 100; i++) many[`f${i}`] = 'x'
    const tooMany = await post('/2/media/upload', form({ command: 'INIT', ...many }))
    expect(tooMany.status).toBe(400)
    expect(tooMany.body.errors?.[0]?.message).toBe(
      'The request body could not be read: the body has more than 64 fields.',
    )
    const tooLong = await post('/2/media/upload', form({ command: 'INIT', media_type: 'x'.repeat(70_000) }))
    expect(tooLong.status).toBe(400)
    expect(tooLong.body.errors?.[0]?.message).toBe(
      'The request body could not be read: the field media_type is longer than 65536 bytes.',
    )
  })

  it('answers deeply nested JSON with a 4xx, not a 500', async () => {
    const nested = `{"command":"INIT","x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`
    const response = await post('/2/media/upload', nested, 'application/json')
    expect(response.status).toBe(400)
  })
})
