/**
 * X's re-encoding rules for photos (spec §8.5), applied to decoded-and-checked input:
 *
 * | input                                  | becomes                                                 |
 * |----------------------------------------|---------------------------------------------------------|
 * | JPEG, quality ≤ 85, upright, not CMYK  | kept: same scans, metadata stripped                     |
 * | JPEG otherwise                         | re-encoded at 85, EXIF orientation applied, sRGB        |
 * | WebP                                   | JPEG at 85 (transparency flattened onto white)          |
 * | PNG with ≤ 256 colours                 | kept: same pixels and compression, metadata stripped    |
 * | PNG with transparency                  | kept: a JPEG would lose it (our call; §8.5 is silent)   |
 * | PNG otherwise                          | JPEG at 85, unless the stripped PNG is smaller           |
 * | GIF (first frame), TIFF                | PNG, then the PNG rules                                 |
 *
 * Quality comes from the JPEG's quantisation table (`jpeg-quality.ts`). Counting a PNG's colours
 * decodes it to raw RGBA once, at most 4 bytes a pixel (256 MiB at the 8192×8192 limit).
 */
import sharp, { type SharpOptions } from 'sharp'
import { estimateJpegQuality } from './jpeg-quality.js'
import { stripJpegMetadata, stripPngMetadata } from './strip-metadata.js'

/** X's JPEG quality (spec §8.5). */
export const X_JPEG_QUALITY = 85
/** Most colours a PNG may have to be kept as it is. */
export const MAX_KEPT_PNG_COLOURS = 256

/** What happened to the bytes: `kept` (same compressed pixels), `reencoded` (same format), `converted`. */
export type ImageDecision = 'kept' | 'reencoded' | 'converted'

/** The image X would serve as `orig`. */
export interface RecodedImage {
  bytes: Buffer
  format: 'jpeg' | 'png'
  decision: ImageDecision
}

/** The input's format and facts the rules look at, from `sharp().metadata()`. */
export interface RecodeInput {
  format: 'jpeg' | 'png' | 'webp' | 'gif' | 'tiff'
  orientation?: number | undefined
  space: string
  isPalette: boolean
  hasAlpha: boolean
}

/** Applies X's rules to `bytes`; throws sharp's error for pixels that do not decode. */
export async function recodeImage(bytes: Buffer, input: RecodeInput, options: SharpOptions): Promise<RecodedImage> {
  switch (input.format) {
    case 'jpeg':
      return recodeJpeg(bytes, input, options)
    case 'webp':
      return { bytes: await encodeJpeg(bytes, options), format: 'jpeg', decision: 'converted' }
    case 'png':
      return recodePng(bytes, input, options, 'kept')
    default: {
      const png = await sharp(bytes, { ...options, autoOrient: true })
        .png()
        .toBuffer()
      const facts = await sharp(png).metadata()
      return recodePng(png, { ...input, isPalette: facts.isPalette, hasAlpha: facts.hasAlpha }, options, 'converted')
    }
  }
}

async function recodeJpeg(bytes: Buffer, input: RecodeInput, options: SharpOptions): Promise<RecodedImage> {
  const quality = estimateJpegQuality(bytes)
  const upright = (input.orientation ?? 1) === 1
  const stripped = quality !== undefined && quality <= X_JPEG_QUALITY && upright && input.space !== 'cmyk'
  const kept = stripped ? stripJpegMetadata(bytes) : undefined
  if (kept !== undefined) {
    // Decode it once, so a kept JPEG is as validated as a re-encoded one.
    await sharp(kept, options).stats()
    return { bytes: kept, format: 'jpeg', decision: 'kept' }
  }
  return { bytes: await encodeJpeg(bytes, options), format: 'jpeg', decision: 'reencoded' }
}

async function recodePng(
  bytes: Buffer,
  input: Pick<RecodeInput, 'isPalette' | 'hasAlpha'>,
  options: SharpOptions,
  unchanged: ImageDecision,
): Promise<RecodedImage> {
  const stripped = stripPngMetadata(bytes) ?? (await sharp(bytes, options).png().toBuffer())
  const { colours, transparent } = await countColours(stripped, input, options)
  if (colours <= MAX_KEPT_PNG_COLOURS || transparent) return { bytes: stripped, format: 'png', decision: unchanged }
  const jpeg = await encodeJpeg(stripped, options)
  if (jpeg.length < stripped.length) return { bytes: jpeg, format: 'jpeg', decision: 'converted' }
  return { bytes: stripped, format: 'png', decision: unchanged }
}

/** JPEG at X's quality: upright, sRGB, transparency on white, no metadata (sharp's default output). */
export async function encodeJpeg(bytes: Buffer, options: SharpOptions): Promise<Buffer> {
  return sharp(bytes, { ...options, autoOrient: true })
    .flatten({ background: '#ffffff' })
    .jpeg({ quality: X_JPEG_QUALITY })
    .toBuffer()
}

/**
 * Counts distinct RGBA colours up to 257 and whether any pixel is not fully opaque. A palette PNG
 * has at most 256 colours by construction, so it is not decoded for the count, only for validation.
 */
async function countColours(
  png: Buffer,
  input: Pick<RecodeInput, 'isPalette' | 'hasAlpha'>,
  options: SharpOptions,
): Promise<{ colours: number; transparent: boolean }> {
  if (input.isPalette) {
    const { isOpaque } = await sharp(png, options).stats()
    return { colours: MAX_KEPT_PNG_COLOURS, transparent: !isOpaque }
  }
  const data = await sharp(png, options).ensureAlpha().raw({ depth: 'uchar' }).toBuffer()
  const seen = new Set<number>()
  let transparent = false
  for (let i = 0; i + 3 < data.length; i += 4) {
    if (seen.size <= MAX_KEPT_PNG_COLOURS) seen.add(data.readUInt32LE(i))
    if (data[i + 3] !== 255) transparent = true
    if (transparent && seen.size > MAX_KEPT_PNG_COLOURS) break
    if (!input.hasAlpha && seen.size > MAX_KEPT_PNG_COLOURS) break
  }
  return { colours: seen.size, transparent }
}
