/**
 * `encodeMultipart` read back by `@fastify/busboy`, the parser birdhouse's server uses: fields,
 * the filename and the exact file bytes, including bytes that look like framing.
 */
import { Busboy } from '@fastify/busboy'
import { describe, expect, it } from 'vitest'
import { encodeMultipart, type MultipartFile } from './multipart.js'

interface Parsed {
  fields: Record<string, string>
  files: { name: string; filename: string | undefined; bytes: Buffer }[]
}

/** Feeds `parts` to busboy one run at a time, as a socket would deliver them. */
function parse(contentType: string, parts: readonly (string | Uint8Array)[]): Promise<Parsed> {
  return new Promise((resolve, reject) => {
    const parsed: Parsed = { fields: {}, files: [] }
    const busboy = Busboy({ headers: { 'content-type': contentType } })
    busboy.on('field', (name, value) => {
      parsed.fields[name] = value
    })
    busboy.on('file', (name, stream, filename) => {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => parsed.files.push({ name, filename, bytes: Buffer.concat(chunks) }))
    })
    busboy.on('error', reject)
    busboy.on('finish', () => resolve(parsed))
    for (const part of parts) busboy.write(typeof part === 'string' ? Buffer.from(part) : part)
    busboy.end()
  })
}

/** Every byte value, then CRLFs and dashes that look like a delimiter line. */
function trickyBytes(): Uint8Array {
  const framing = Buffer.from('\r\n--\r\n------birdhouse\r\n--x--\r\n\r\n')
  return new Uint8Array(Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), framing, framing]))
}

describe('encodeMultipart', () => {
  it('round-trips fields, non-ASCII text included, and the exact file bytes', async () => {
    const fields = { command: 'APPEND', media_id: '1880028106020515840', segment_index: '0', note: 'naïve ✓ 日本 🐦' }
    const file: MultipartFile = { name: 'media', filename: 'media', bytes: trickyBytes() }
    const { contentType, parts } = encodeMultipart(fields, file)
    const parsed = await parse(contentType, parts)
    expect(parsed.fields).toEqual(fields)
    expect(parsed.files).toHaveLength(1)
    expect(parsed.files[0]?.name).toBe('media')
    expect(parsed.files[0]?.filename).toBe('media')
    expect(parsed.files[0]?.bytes.equals(file.bytes)).toBe(true)
  })

  it('keeps the file bytes a run of their own, not a copy', () => {
    const bytes = trickyBytes()
    const { parts } = encodeMultipart({ command: 'APPEND' }, { name: 'media', filename: 'media', bytes })
    expect(parts.filter((part) => part === bytes)).toHaveLength(1)
  })

  it('escapes a quote in the filename as %22, as browsers do, so the framing holds', async () => {
    // The quote cannot be sent as it is inside the quoted-string, and RFC 7578 §4.2 has no escape
    // that parsers agree on: the HTML form encoding sends `"` as %22 (and CR, LF as %0D, %0A), and
    // busboy hands that back verbatim. The point is that nothing after the quote is lost.
    const bytes = trickyBytes()
    const filename = 'clip "final"\r\n.mp4'
    const { contentType, parts } = encodeMultipart(
      { media_category: 'tweet_video' },
      { name: 'media', filename, bytes },
    )
    const parsed = await parse(contentType, parts)
    expect(parsed.fields).toEqual({ media_category: 'tweet_video' })
    expect(parsed.files[0]?.filename).toBe('clip %22final%22%0D%0A.mp4')
    expect(parsed.files[0]?.bytes.equals(bytes)).toBe(true)
  })

  it('declares the boundary it used, a fresh one per body unless given', async () => {
    const file: MultipartFile = { name: 'media', filename: 'media', bytes: trickyBytes() }
    const first = encodeMultipart({}, file)
    const second = encodeMultipart({}, file)
    expect(first.contentType).not.toBe(second.contentType)
    const boundary = /boundary=(.+)$/.exec(first.contentType)?.[1] ?? ''
    // RFC 2046 §5.1.1: at most 70 characters.
    expect(boundary.length).toBeGreaterThan(20)
    expect(boundary.length).toBeLessThanOrEqual(70)
    const given = encodeMultipart({ a: 'b' }, file, 'fixed-boundary')
    expect(given.contentType).toBe('multipart/form-data; boundary=fixed-boundary')
    expect((await parse(given.contentType, given.parts)).fields).toEqual({ a: 'b' })
  })
})
