/**
 * The HTTP validators and range rules media files are served with (RFC 9110 §8.8.3, §13, §14):
 * strong ETags, `If-None-Match` (weak comparison, lists and `*`), `If-Range` (strong comparison;
 * a date never matches, since media files carry no `Last-Modified`) and single byte ranges.
 * Pure functions over header values; the route decides what to send.
 */
import { createHash } from 'node:crypto'
import type { ByteRange } from '../stores/blob-store.js'

/** What a `Range` header asks of a representation of a given size. */
export type RangeRequest = { kind: 'full' } | { kind: 'partial'; range: ByteRange } | { kind: 'unsatisfiable' }

const FULL: RangeRequest = { kind: 'full' }

/** A strong ETag for the bytes stored under `blobKeys` with `sizeBytes`: stable for as long as a URL serves that file. */
export function buildEtag(blobKeys: readonly string[], sizeBytes: number): string {
  const digest = createHash('sha256')
    .update(`${blobKeys.join('\n')}\n${sizeBytes}`)
    .digest('base64url')
  return `"${digest.slice(0, 27)}"`
}

/** Whether `If-None-Match` is `*` or lists a tag matching `etag` by weak comparison (RFC 9110 §13.1.2). */
export function noneMatchHits(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false
  if (header.trim() === '*') return true
  // Weak comparison ignores the W/ prefix; a quoted tag may itself contain commas.
  return [...header.matchAll(/(?:W\/)?("[^"]*")/g)].some((m) => m[1] === etag)
}

/**
 * Whether `If-Range` lets a range through: only a strong tag equal to `etag` does (RFC 9110
 * §13.1.5). An HTTP-date cannot match a file without `Last-Modified`; absent, it is no condition.
 */
export function ifRangeHolds(header: string | undefined, etag: string): boolean {
  // Our tags are strong, so equality with the whole value is the strong comparison.
  return header === undefined || header.trim() === etag
}

/**
 * Reads a `Range` header against a representation of `sizeBytes` (RFC 9110 §14.1.2, §14.2). Only
 * one `bytes` range is honoured; another unit, bad syntax or several ranges are ignored (a full
 * 200), which the RFC allows. A first position past the end, or a zero-length suffix or
 * representation, is unsatisfiable (416).
 */
export function parseRange(header: string | undefined, sizeBytes: number): RangeRequest {
  if (header === undefined) return FULL
  const set = /^\s*bytes\s*=(.*)$/i.exec(header)?.[1]
  if (set === undefined) return FULL
  const specs = set
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
  if (specs.length !== 1) return FULL
  const match = /^(\d*)-(\d*)$/.exec(specs[0] ?? '')
  const [first, last] = [match?.[1] ?? '', match?.[2] ?? '']
  if (match === null || (first === '' && last === '')) return FULL
  if (first === '') return suffixRange(Number(last), sizeBytes)
  const start = Number(first)
  const end = last === '' ? sizeBytes - 1 : Number(last)
  if (last !== '' && end < start) return FULL
  if (start >= sizeBytes) return { kind: 'unsatisfiable' }
  return { kind: 'partial', range: { start, end: Math.min(end, sizeBytes - 1) } }
}

/** `bytes=-n`: the last n bytes, all of them when n exceeds the size. */
function suffixRange(length: number, sizeBytes: number): RangeRequest {
  if (length === 0 || sizeBytes === 0) return { kind: 'unsatisfiable' }
  return { kind: 'partial', range: { start: Math.max(0, sizeBytes - length), end: sizeBytes - 1 } }
}
