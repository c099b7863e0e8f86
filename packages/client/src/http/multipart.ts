/**
 * `multipart/form-data` (RFC 7578) written by hand: text fields, then one file part whose bytes stay
 * a body run of their own, so no transport has to copy a segment to frame it. The boundary is
 * 120 random bits (WebCrypto; Math.random where WebCrypto is missing), so the chance that it
 * occurs inside the media bytes is negligible; it is the framing browsers and curl send.
 */
import type { BodyPart } from './transport.js'

/** The file part of a multipart body. */
export interface MultipartFile {
  name: string
  filename: string
  bytes: Uint8Array
}

function randomHex(length: number): string {
  const bytes = new Uint8Array(Math.ceil(length / 2))
  if (globalThis.crypto?.getRandomValues !== undefined) globalThis.crypto.getRandomValues(bytes)
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256)
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0'))
    .join('')
    .slice(0, length)
}

/** A name or filename as a quoted-string: CR, LF and `"` percent-encoded, as browsers do. */
function quoted(value: string): string {
  return `"${value.replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(/"/g, '%22')}"`
}

/**
 * The content type and body runs of `fields` followed by `file`.
 * @example
 * const { contentType, parts } = encodeMultipart({ segment_index: '0' }, { name: 'media', filename: 'media', bytes })
 */
export function encodeMultipart(
  fields: Readonly<Record<string, string>>,
  file: MultipartFile,
  boundary = `----birdhouse${randomHex(30)}`,
): { contentType: string; parts: BodyPart[] } {
  let head = ''
  for (const [name, value] of Object.entries(fields)) {
    head += `--${boundary}\r\nContent-Disposition: form-data; name=${quoted(name)}\r\n\r\n${value}\r\n`
  }
  head +=
    `--${boundary}\r\nContent-Disposition: form-data; name=${quoted(file.name)}; filename=${quoted(file.filename)}\r\n` +
    'Content-Type: application/octet-stream\r\n\r\n'
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    parts: [head, file.bytes, `\r\n--${boundary}--\r\n`],
  }
}
