/**
 * Magic-byte sniffing of media types. Pure and synchronous so that the server (at FINALIZE) and the
 * client (before INIT, in Node and in browsers) agree on what a file is. Give it at least the first
 * 4 KiB of the file.
 */
import type { MediaType } from './media.js'

/** How many leading bytes `sniffMediaType` wants. */
export const SNIFF_BYTES = 4096

function startsWith(bytes: Uint8Array, signature: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + signature.length) return false
  return signature.every((value, i) => bytes[offset + i] === value)
}

function ascii(bytes: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...bytes.subarray(start, Math.min(end, bytes.length)))
}

const QUICKTIME_ATOMS = new Set(['moov', 'mdat', 'wide', 'free', 'skip', 'pnot'])
const SRT_HEAD = /^\s*\d+\s*\r?\n\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}\s*-->\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}/

function sniffText(bytes: Uint8Array): MediaType | undefined {
  const start = startsWith(bytes, [0xef, 0xbb, 0xbf]) ? 3 : 0
  const head = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(start, start + 1024))
  if (/^WEBVTT(?:[ \t\r\n]|$)/.test(head)) return 'text/vtt'
  if (SRT_HEAD.test(head)) return 'text/srt'
  return undefined
}

function sniffIsoBmff(bytes: Uint8Array): MediaType | undefined {
  const box = ascii(bytes, 4, 8)
  if (box === 'ftyp') return ascii(bytes, 8, 12) === 'qt  ' ? 'video/quicktime' : 'video/mp4'
  if (QUICKTIME_ATOMS.has(box)) return 'video/quicktime'
  return undefined
}

/** Returns the media type the bytes are, or undefined when they are none X accepts. */
export function sniffMediaType(bytes: Uint8Array): MediaType | undefined {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg'
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png'
  if (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a') return 'image/gif'
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return 'image/webp'
  if (ascii(bytes, 0, 2) === 'BM' && bytes.length >= 26) return 'image/bmp'
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return 'image/tiff'
  if (startsWith(bytes, [0x1a, 0x45, 0xdf, 0xa3])) return 'video/webm'
  if (bytes[0] === 0x47 && bytes.length >= 377 && bytes[188] === 0x47 && bytes[376] === 0x47) return 'video/mp2t'
  if (ascii(bytes, 0, 4) === 'glTF') return 'model/gltf-binary'
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return 'model/vnd.usdz+zip'
  return sniffIsoBmff(bytes) ?? sniffText(bytes)
}
