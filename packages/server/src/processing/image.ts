/**
 * Reads an image's type and pixel size from its bytes at FINALIZE. sharp reads JPEG, PNG, GIF, WebP
 * and TIFF headers; sharp's prebuilt libvips has no BMP loader, so BMP headers are parsed here. Only
 * headers are read, never pixels, so a request stays cheap even for an 8192×8192 image.
 *
 * The bytes are buffered (bounded by `maxBytes`) rather than piped into `sharp()`: the BMP check
 * needs the first bytes before choosing a reader, and sharp collects streamed input into one buffer
 * before decoding anyway, so peak memory is the same.
 */
import type { Readable } from 'node:stream'
import { type MediaType, parseMediaType } from '@birdhouse/protocol'
import sharp from 'sharp'
import { ApiError } from '../errors.js'
import type { Logger } from '../logger.js'
import { silentLogger } from '../logger.js'

/** An image's type, size and frame count. */
export interface ImageInspection {
  type: MediaType
  width: number
  height: number
  /** Frames of an animated GIF or WebP, pages of a TIFF; 1 otherwise. */
  pages: number
}

/** Options of `inspectImage`. */
export interface InspectImageOptions {
  /** Largest input read, bytes; default 15 MiB (the GIF limit, the largest image category). */
  maxBytes?: number
  /** Default: no-op. */
  logger?: Logger
}

const DEFAULT_MAX_BYTES = 15 * 1024 * 1024
const SHARP_TYPES: Readonly<Record<string, MediaType>> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  tiff: 'image/tiff',
}
const BMP_BIT_COUNTS = new Set([1, 4, 8, 16, 24, 32])

/**
 * Reads `input` to the end and describes the image; throws `MEDIA_TYPE_UNRECOGNIZED` for bytes that
 * are no supported image and `MEDIA_TOO_LARGE` past `maxBytes`. `declared` (the INIT type) only keeps
 * X's `image/pjpeg` spelling for JPEG bytes; whether the type may differ from it is the caller's call.
 */
export async function inspectImage(
  input: Readable,
  declared?: string,
  options: InspectImageOptions = {},
): Promise<ImageInspection> {
  const bytes = await readBounded(input, options.maxBytes ?? DEFAULT_MAX_BYTES)
  const inspection = isBmp(bytes) ? readBmpHeader(bytes) : await readSharpHeader(bytes, options.logger ?? silentLogger)
  if (inspection === undefined) throw new ApiError('MEDIA_TYPE_UNRECOGNIZED')
  const keepPjpeg =
    inspection.type === 'image/jpeg' && declared !== undefined && parseMediaType(declared) === 'image/pjpeg'
  return keepPjpeg ? { ...inspection, type: 'image/pjpeg' } : inspection
}

async function readBounded(input: Readable, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = []
  let total = 0
  for await (const chunk of input) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer)
    total += buffer.length
    // Leaving the loop destroys the input.
    if (total > maxBytes) throw new ApiError('MEDIA_TOO_LARGE', { params: { maxBytes, category: 'image' } })
    chunks.push(buffer)
  }
  return Buffer.concat(chunks, total)
}

async function readSharpHeader(bytes: Buffer, logger: Logger): Promise<ImageInspection | undefined> {
  try {
    // Headers only: the pixel limit is for decoding, and FINALIZE judges dimensions itself (image-variants.ts).
    const { format, width, height, pages } = await sharp(bytes, { limitInputPixels: false }).metadata()
    const type = SHARP_TYPES[format]
    if (type === undefined || !(width > 0 && height > 0)) return undefined
    return { type, width, height, pages: pages ?? 1 }
  } catch (error) {
    logger.debug({ err: error, sizeBytes: bytes.length }, 'sharp could not read image header')
    return undefined
  }
}

function isBmp(bytes: Buffer): boolean {
  return bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d
}

/**
 * Parses a BMP file header and its DIB header: BITMAPCOREHEADER (12 bytes, 16-bit sizes) or
 * BITMAPINFOHEADER and later (40+ bytes, 32-bit sizes, negative height for top-down rows).
 */
function readBmpHeader(bytes: Buffer): ImageInspection | undefined {
  if (bytes.length < 26) return undefined
  const pixelOffset = bytes.readUInt32LE(10)
  const dibSize = bytes.readUInt32LE(14)
  const core = dibSize === 12
  if (!core && (dibSize < 40 || bytes.length < 34)) return undefined
  const width = core ? bytes.readUInt16LE(18) : bytes.readInt32LE(18)
  const height = core ? bytes.readUInt16LE(20) : Math.abs(bytes.readInt32LE(22))
  const planes = bytes.readUInt16LE(core ? 22 : 26)
  const bitCount = bytes.readUInt16LE(core ? 24 : 28)
  const compression = core ? 0 : bytes.readUInt32LE(30)
  const headerOk = width > 0 && height > 0 && planes === 1 && BMP_BIT_COUNTS.has(bitCount)
  if (!headerOk || pixelOffset < 14 + dibSize || pixelOffset > bytes.length) return undefined
  // Uncompressed rows are padded to 4 bytes; a file shorter than its rows is truncated.
  const rowBytes = Math.floor((bitCount * width + 31) / 32) * 4
  if (compression === 0 && pixelOffset + rowBytes * height > bytes.length) return undefined
  return { type: 'image/bmp', width, height, pages: 1 }
}
