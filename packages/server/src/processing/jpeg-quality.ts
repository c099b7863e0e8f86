/**
 * Estimates the quality a JPEG was saved at from its luminance quantisation table, so that X's rule
 * "re-encode at 85 % only if higher" (spec §8.5) can keep a JPEG untouched. Encoders built on the IJG
 * library (libjpeg, libjpeg-turbo, mozjpeg in its default mode, browsers, most phones) scale the
 * Annex K table by quality; the quality whose scaled table is nearest to the stored one is the answer,
 * exact for those encoders and a close estimate for the rest (cameras, Photoshop).
 */

/** The JPEG standard's luminance table (ITU T.81 Annex K.1), in the zigzag order DQT segments use. */
const ANNEX_K_LUMA_ZIGZAG: readonly number[] = [
  16, 11, 12, 14, 12, 10, 16, 14, 13, 14, 18, 17, 16, 19, 24, 40, 26, 24, 22, 22, 24, 49, 35, 37, 29, 40, 58, 51, 61,
  60, 57, 51, 56, 55, 64, 72, 92, 78, 64, 68, 87, 69, 55, 56, 80, 109, 81, 87, 95, 98, 103, 104, 103, 62, 77, 113, 121,
  112, 100, 120, 92, 101, 103, 99,
]

const SOI = 0xd8
const SOS = 0xda
const DQT = 0xdb

/** The IJG table for `quality` (1–100), as `jpeg_set_quality` with baseline clamping builds it. */
export function ijgLumaTable(quality: number): number[] {
  const scale = quality < 50 ? 5000 / quality : 200 - quality * 2
  return ANNEX_K_LUMA_ZIGZAG.map((value) => Math.min(255, Math.max(1, Math.floor((value * scale + 50) / 100))))
}

/** Estimated quality (1–100) of a JPEG, or undefined when it has no readable luminance table. */
export function estimateJpegQuality(bytes: Buffer): number | undefined {
  const table = readLumaTable(bytes)
  if (table === undefined) return undefined
  let best = { quality: 0, distance: Number.POSITIVE_INFINITY }
  for (let quality = 1; quality <= 100; quality++) {
    const reference = ijgLumaTable(quality)
    const distance = table.reduce((sum, value, i) => sum + Math.abs(value - (reference[i] ?? 0)), 0)
    if (distance < best.distance) best = { quality, distance }
  }
  return best.quality
}

/** Reads quantisation table 0 (luminance, by convention) from the DQT segments before the first scan. */
function readLumaTable(bytes: Buffer): number[] | undefined {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== SOI) return undefined
  let offset = 2
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) return undefined
    const marker = bytes[offset + 1] as number
    if (marker === 0xff) {
      offset += 1
      continue
    }
    if (marker === SOS) return undefined
    const length = bytes.readUInt16BE(offset + 2)
    if (marker === DQT) {
      const table = readDqtTable0(bytes.subarray(offset + 4, offset + 2 + length))
      if (table !== undefined) return table
    }
    offset += 2 + length
  }
  return undefined
}

/** A DQT segment holds one or more tables: a precision/id byte, then 64 values of 8 or 16 bits. */
function readDqtTable0(segment: Buffer): number[] | undefined {
  let offset = 0
  while (offset < segment.length) {
    const header = segment[offset] as number
    const wide = header >> 4 === 1
    const size = wide ? 128 : 64
    if (offset + 1 + size > segment.length) return undefined
    if ((header & 0x0f) === 0) {
      const values = segment.subarray(offset + 1, offset + 1 + size)
      return Array.from({ length: 64 }, (_, i) => (wide ? values.readUInt16BE(i * 2) : (values[i] as number)))
    }
    offset += 1 + size
  }
  return undefined
}
