/**
 * Builds the files X serves for a photo (spec §8.5): `orig` after X's re-encoding rules
 * (`image-recode.ts`) and the named sizes: `large` ≤ 2048, `medium` ≤ 1200, `small` ≤ 680 (fit
 * inside, never upscaled; a size the image already fits is the `orig` bytes) and `thumb`, a 150×150
 * centre crop. No output carries EXIF, XMP, IPTC or GPS: kept images are stripped losslessly, and
 * sharp writes none unless told to.
 *
 * Safety: the header is read first and an image over 8192 px a side or 8192² pixels (third-party
 * guides' limit, spec §8.5) fails before any pixel is decoded, so a small file declaring 20000×20000
 * (a decompression bomb) costs nothing; sharp's `limitInputPixels` backs that up. Every output
 * decodes its input in full with `failOn: 'error'`, which is the decode validation.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import sharp, { type SharpOptions } from 'sharp'
import type { Logger } from '../logger.js'
import { silentLogger } from '../logger.js'
import { type ImageDecision, type RecodeInput, recodeImage, X_JPEG_QUALITY } from './image-recode.js'
import { fileInvalidFailure, ProcessingError, unsupportedMediaFailure } from './processing-error.js'

/** Largest image processed (spec §8.5, third-party figures). */
export const IMAGE_LIMITS = {
  /** Widest or tallest side, pixels. */
  maxSidePx: 8192,
  /** Most pixels (width × height). */
  maxPixels: 8192 * 8192,
} as const

/** The names X serves a photo under (`?name=small`). */
export type ImageSizeName = 'orig' | 'large' | 'medium' | 'small' | 'thumb'

/** The served sizes besides `orig`: a box and how the image goes in it. */
export const IMAGE_SIZES: readonly { name: Exclude<ImageSizeName, 'orig'>; boxPx: number; fit: 'inside' | 'cover' }[] =
  [
    { name: 'large', boxPx: 2048, fit: 'inside' },
    { name: 'medium', boxPx: 1200, fit: 'inside' },
    { name: 'small', boxPx: 680, fit: 'inside' },
    { name: 'thumb', boxPx: 150, fit: 'cover' },
  ]

/** One file written for a photo. */
export interface ImageVariantFile {
  name: ImageSizeName
  path: string
  contentType: 'image/jpeg' | 'image/png'
  width: number
  height: number
  sizeBytes: number
}

/** What processing a photo wrote, `orig` first. */
export interface ProcessedImage {
  /** The uploaded bytes' format, as sharp names it. */
  sourceFormat: RecodeInput['format']
  /** What happened to `orig`: kept (metadata stripped), re-encoded, or converted to another format. */
  decision: ImageDecision
  files: ImageVariantFile[]
}

/** Options of `buildImageVariants`. */
export interface BuildImageVariantsOptions {
  /** Directory the files are written to (created if missing). */
  outputDir: string
  /** Widest side accepted, pixels; default `IMAGE_LIMITS.maxSidePx`. */
  maxSidePx?: number
  /** Most pixels accepted; default `IMAGE_LIMITS.maxPixels`. */
  maxPixels?: number
  /** Checked between steps (sharp work in progress is not interrupted). */
  signal?: AbortSignal
  /** Default: no-op. */
  logger?: Logger
}

const FORMATS = new Set<string>(['jpeg', 'png', 'webp', 'gif', 'tiff'])
const CONTENT_TYPES = { jpeg: 'image/jpeg', png: 'image/png' } as const
const EXTENSIONS = { jpeg: 'jpg', png: 'png' } as const

/**
 * Decodes, checks and re-encodes a photo given as bytes or as segment files (concatenated in order),
 * writing `orig.<ext>`, `large.<ext>`, `medium.<ext>`, `small.<ext>` and `thumb.<ext>` into `outputDir`.
 * Throws `ProcessingError`: `unsupported-media` over the size limits, `invalid-media` for bytes that
 * are no supported image or do not decode.
 */
export async function buildImageVariants(
  input: Buffer | readonly string[],
  options: BuildImageVariantsOptions,
): Promise<ProcessedImage> {
  const { signal, logger = silentLogger } = options
  signal?.throwIfAborted()
  const bytes = Buffer.isBuffer(input) ? input : Buffer.concat(await Promise.all(input.map((path) => readFile(path))))
  const maxPixels = options.maxPixels ?? IMAGE_LIMITS.maxPixels
  const sharpOptions: SharpOptions = { failOn: 'error', limitInputPixels: maxPixels }
  const facts = await readFacts(bytes, options.maxSidePx ?? IMAGE_LIMITS.maxSidePx, maxPixels)
  const orig = await decoding(() => recodeImage(bytes, facts, sharpOptions))
  signal?.throwIfAborted()
  await mkdir(options.outputDir, { recursive: true })
  const files: ImageVariantFile[] = [await writeOrig(orig.bytes, orig.format, options.outputDir)]
  const origFile = files[0] as ImageVariantFile
  for (const size of IMAGE_SIZES) {
    signal?.throwIfAborted()
    const resized = await decoding(() => resize(orig.bytes, origFile, size, orig.format, sharpOptions))
    const path = join(options.outputDir, `${size.name}.${EXTENSIONS[orig.format]}`)
    await writeFile(path, resized.data)
    const { width, height, data } = resized
    files.push({ name: size.name, path, contentType: origFile.contentType, width, height, sizeBytes: data.length })
  }
  logger.debug({ format: facts.format, decision: orig.decision, files: files.length }, 'image variants written')
  return { sourceFormat: facts.format, decision: orig.decision, files }
}

/** Reads the header and applies the format and size limits before any pixel is decoded. */
async function readFacts(bytes: Buffer, maxSidePx: number, maxPixels: number): Promise<RecodeInput> {
  const meta = await decoding(() => sharp(bytes, { limitInputPixels: false }).metadata())
  if (!FORMATS.has(meta.format)) {
    throw new ProcessingError('invalid-media', `unsupported image format: ${meta.format}`, {
      failure: fileInvalidFailure,
    })
  }
  const { width, height } = meta
  if (width > maxSidePx || height > maxSidePx || width * height > maxPixels) {
    const message = `Image dimensions ${width}x${height} exceed max dimensions of ${maxSidePx}x${maxSidePx}`
    throw new ProcessingError('unsupported-media', message, { failure: unsupportedMediaFailure(message) })
  }
  return {
    format: meta.format as RecodeInput['format'],
    orientation: meta.orientation,
    space: meta.space,
    isPalette: meta.isPalette,
    hasAlpha: meta.hasAlpha,
  }
}

async function writeOrig(bytes: Buffer, format: 'jpeg' | 'png', outputDir: string): Promise<ImageVariantFile> {
  const path = join(outputDir, `orig.${EXTENSIONS[format]}`)
  const { width, height } = await decoding(() => sharp(bytes).metadata())
  await writeFile(path, bytes)
  return { name: 'orig', path, contentType: CONTENT_TYPES[format], width, height, sizeBytes: bytes.length }
}

async function resize(
  bytes: Buffer,
  orig: ImageVariantFile,
  size: (typeof IMAGE_SIZES)[number],
  format: 'jpeg' | 'png',
  options: SharpOptions,
): Promise<{ data: Buffer; width: number; height: number }> {
  // An image that already fits is served as `orig`, byte for byte: no second generation of loss.
  if (size.fit === 'inside' && Math.max(orig.width, orig.height) <= size.boxPx) {
    return { data: bytes, width: orig.width, height: orig.height }
  }
  const pipeline = sharp(bytes, options).resize(size.boxPx, size.boxPx, {
    fit: size.fit,
    position: 'centre',
    withoutEnlargement: size.fit === 'inside',
  })
  const encoded = format === 'jpeg' ? pipeline.jpeg({ quality: X_JPEG_QUALITY }) : pipeline.png()
  const { data, info } = await encoded.toBuffer({ resolveWithObject: true })
  return { data, width: info.width, height: info.height }
}

/** Runs sharp work, turning its errors (bytes that do not decode) into X's InvalidMedia. */
async function decoding<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    if (error instanceof ProcessingError) throw error
    const message = error instanceof Error ? error.message : String(error)
    throw new ProcessingError('invalid-media', `image does not decode: ${message}`, {
      failure: fileInvalidFailure,
      cause: error,
    })
  }
}
