/**
 * Removes metadata from a JPEG or PNG without touching its compressed pixels, for the images X keeps
 * as they are (spec §8.5: JPEG at quality ≤ 85, low-colour PNG) but strips of EXIF and location.
 *
 * JPEG: every segment before the first scan is dropped unless the decoder needs it (tables, frame,
 * JFIF, the Adobe colour-transform flag, the ICC profile), so EXIF (and its GPS IFD and thumbnail),
 * XMP, IPTC and comments go; scans are copied as they are and anything after EOI (MPF pictures,
 * vendor trailers) is cut. PNG: only critical chunks and those that change how pixels look are kept.
 * Both return undefined for bytes that do not parse, which callers treat as invalid.
 */

const JPEG_SOS = 0xda
const JPEG_EOI = 0xd9
/** APP0 (JFIF), APP14 (Adobe), COM and other APPn are metadata; APP2 is kept only for ICC_PROFILE. */
const JPEG_APP_KEPT = new Set([0xe0, 0xee])
const ICC_TAG = Buffer.from('ICC_PROFILE\0', 'latin1')

/** A JPEG without EXIF, XMP, IPTC, comments or trailing data; undefined if the segments do not parse. */
export function stripJpegMetadata(bytes: Buffer): Buffer | undefined {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined
  const kept: Buffer[] = [bytes.subarray(0, 2)]
  let offset = 2
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) return undefined
    const marker = bytes[offset + 1] as number
    if (marker === 0xff) {
      offset += 1
      continue
    }
    const end = offset + 2 + bytes.readUInt16BE(offset + 2)
    if (end > bytes.length) return undefined
    if (marker === JPEG_SOS) {
      const eoi = findEoi(bytes, end)
      return eoi === undefined ? undefined : Buffer.concat([...kept, bytes.subarray(offset, eoi + 2)])
    }
    if (isKeptJpegSegment(marker, bytes.subarray(offset + 4, end))) kept.push(bytes.subarray(offset, end))
    offset = end
  }
  return undefined
}

function isKeptJpegSegment(marker: number, payload: Buffer): boolean {
  if (marker === 0xe2) return payload.subarray(0, ICC_TAG.length).equals(ICC_TAG)
  const isMetadata = (marker >= 0xe0 && marker <= 0xef) || marker === 0xfe
  return !isMetadata || JPEG_APP_KEPT.has(marker)
}

/**
 * Offset of the EOI marker after the scan data starting at `offset`. Inside entropy-coded data a
 * 0xFF byte is followed by 0x00 (stuffing) or a restart marker; any other marker starts a segment
 * (more tables and scans in a progressive JPEG), which is skipped by its length.
 */
function findEoi(bytes: Buffer, offset: number): number | undefined {
  let i = offset
  while (i + 1 < bytes.length) {
    if (bytes[i] !== 0xff) {
      i += 1
      continue
    }
    const next = bytes[i + 1] as number
    if (next === JPEG_EOI) return i
    if (next === 0x00 || next === 0xff || (next >= 0xd0 && next <= 0xd7)) {
      i += next === 0xff ? 1 : 2
      continue
    }
    if (i + 4 > bytes.length) return undefined
    i += 2 + bytes.readUInt16BE(i + 2)
  }
  return undefined
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
/** Critical chunks and the ancillary ones that affect rendering; everything else (eXIf, tEXt, zTXt, iTXt, tIME, private) goes. */
const PNG_KEPT = new Set([
  'IHDR',
  'PLTE',
  'IDAT',
  'IEND',
  'tRNS',
  'gAMA',
  'cHRM',
  'sRGB',
  'iCCP',
  'sBIT',
  'cICP',
  'pHYs',
])

/** A PNG without metadata chunks, its pixels untouched; undefined if the chunks do not parse. */
export function stripPngMetadata(bytes: Buffer): Buffer | undefined {
  if (!bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return undefined
  const kept: Buffer[] = [PNG_SIGNATURE]
  let offset = 8
  while (offset + 12 <= bytes.length) {
    const end = offset + 12 + bytes.readUInt32BE(offset)
    if (end > bytes.length) return undefined
    const type = bytes.toString('latin1', offset + 4, offset + 8)
    if (PNG_KEPT.has(type)) kept.push(bytes.subarray(offset, end))
    if (type === 'IEND') return Buffer.concat(kept)
    offset = end
  }
  return undefined
}
