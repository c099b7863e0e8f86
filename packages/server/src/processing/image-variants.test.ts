import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { deflateSync } from 'node:zlib'
import sharp, { type Sharp } from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildImageVariants, type ProcessedImage } from './image-variants.js'
import { estimateJpegQuality } from './jpeg-quality.js'
import { ProcessingError } from './processing-error.js'
import { stripJpegMetadata } from './strip-metadata.js'
import { splitInto } from './test-media.js'

const GPS_EXIF = {
  IFD0: { Make: 'Birdhouse' },
  IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 2400/100', GPSLongitudeRef: 'E', GPSLongitude: '2/1 17/1 0/1' },
}
let dir: string
let runs = 0

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'birdhouse-image-test-'))
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

function process(input: Buffer | readonly string[], options: { maxPixels?: number; signal?: AbortSignal } = {}) {
  runs += 1
  return buildImageVariants(input, { outputDir: join(dir, `out-${runs}`), ...options })
}

function noise(width: number, height: number, channels: 3 | 4 = 3): Sharp {
  return sharp({
    create: { width, height, channels, background: '#000000', noise: { type: 'gaussian', mean: 128, sigma: 50 } },
  })
}

/** A smooth two-axis gradient: thousands of colours, and a tiny JPEG. */
function gradient(width: number, height: number): Sharp {
  const data = Buffer.alloc(width * height * 3)
  for (let i = 0; i < width * height; i++) data.set([(i % width) & 255, Math.floor(i / width) & 255, 96], i * 3)
  return sharp(data, { raw: { width, height, channels: 3 } })
}

/** A 20×20 tile of 400 random colours repeated: high-colour, yet far smaller as a PNG than as a JPEG. */
function tiled(width: number, height: number): Sharp {
  const tile = Array.from({ length: 400 }, (_, i) => [(i * 37) & 255, (i * 91) & 255, (i * 53 + (i >> 8) * 7) & 255])
  const data = Buffer.alloc(width * height * 3)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set(tile[(y % 20) * 20 + (x % 20)] ?? [], (y * width + x) * 3)
  }
  return sharp(data, { raw: { width, height, channels: 3 } })
}

function sizesOf(result: ProcessedImage): Record<string, string> {
  return Object.fromEntries(result.files.map((file) => [file.name, `${file.width}x${file.height}`]))
}

async function expectNoMetadata(result: ProcessedImage): Promise<void> {
  for (const file of result.files) {
    const meta = await sharp(file.path).metadata()
    expect(meta.exif, file.name).toBeUndefined()
    expect(meta.xmp, file.name).toBeUndefined()
  }
}

async function failure(promise: Promise<unknown>): Promise<ProcessingError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(ProcessingError)
  return error as ProcessingError
}

/** A 1-bit greyscale PNG of `size`×`size` zeros: a few KB on disk, `size`² pixels decoded. */
function bombPng(size: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4)
    length.writeUInt32BE(data.length)
    // The CRC is left zero: the header is refused before any chunk is checked.
    return Buffer.concat([length, Buffer.from(type, 'latin1'), data, Buffer.alloc(4)])
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(size, 0)
  ihdr.writeUInt32BE(size, 4)
  ihdr.set([1, 0, 0, 0, 0], 8)
  const rows = deflateSync(Buffer.alloc((Math.ceil(size / 8) + 1) * size))
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', rows), chunk('IEND', Buffer.alloc(0))])
}

describe('buildImageVariants: X’s re-encoding rules', () => {
  it('strips GPS EXIF from a low-colour PNG, keeping it lossless', async () => {
    const png = await noise(320, 240).withExif(GPS_EXIF).png({ palette: true, colours: 64 }).toBuffer()
    expect((await sharp(png).metadata()).exif).toBeDefined()
    const result = await process(png)
    expect(result).toMatchObject({ sourceFormat: 'png', decision: 'kept' })
    expect(result.files[0]).toMatchObject({ name: 'orig', contentType: 'image/png', width: 320, height: 240 })
    await expectNoMetadata(result)
    const orig = await readFile(result.files[0]?.path ?? '')
    expect(await sharp(orig).raw().toBuffer()).toEqual(await sharp(png).raw().toBuffer())
  })

  it('turns a high-colour PNG with GPS EXIF into a JPEG at 85, without the EXIF', async () => {
    const png = await noise(320, 240).withExif(GPS_EXIF).png().toBuffer()
    const result = await process(png)
    expect(result).toMatchObject({ decision: 'converted' })
    expect(result.files.map((file) => file.contentType)).toEqual(Array(5).fill('image/jpeg'))
    expect(estimateJpegQuality(await readFile(result.files[0]?.path ?? ''))).toBe(85)
    await expectNoMetadata(result)
  })

  it('keeps a high-colour PNG that is smaller than its JPEG', async () => {
    const png = await tiled(320, 240).png().toBuffer()
    expect((await tiled(320, 240).jpeg({ quality: 85 }).toBuffer()).length).toBeGreaterThan(png.length)
    const result = await process(png)
    expect(result.decision).toBe('kept')
    expect(result.files[0]?.contentType).toBe('image/png')
  })

  it('keeps a PNG with transparency as PNG', async () => {
    const png = await noise(160, 120, 4).png().toBuffer()
    const result = await process(png)
    expect(result.decision).toBe('kept')
    expect(result.files[0]?.contentType).toBe('image/png')
  })

  it('keeps a JPEG of quality 85 or less, only stripped of EXIF', async () => {
    const jpeg = await noise(320, 240).withExif(GPS_EXIF).jpeg({ quality: 70 }).toBuffer()
    const result = await process(jpeg)
    expect(result).toMatchObject({ sourceFormat: 'jpeg', decision: 'kept' })
    expect(await readFile(result.files[0]?.path ?? '')).toEqual(stripJpegMetadata(jpeg))
    await expectNoMetadata(result)
  })

  it('re-encodes a JPEG above quality 85 at 85', async () => {
    const jpeg = await noise(320, 240).withExif(GPS_EXIF).jpeg({ quality: 95 }).toBuffer()
    const result = await process(jpeg)
    expect(result.decision).toBe('reencoded')
    expect(result.files[0]?.contentType).toBe('image/jpeg')
    const orig = await readFile(result.files[0]?.path ?? '')
    expect(estimateJpegQuality(orig)).toBe(85)
    expect(orig.length).toBeLessThan(jpeg.length)
    await expectNoMetadata(result)
  })

  it('applies the EXIF orientation before stripping it', async () => {
    const jpeg = await noise(64, 48).withMetadata({ orientation: 6 }).jpeg({ quality: 70 }).toBuffer()
    expect((await sharp(jpeg).metadata()).orientation).toBe(6)
    const result = await process(jpeg)
    expect(result.decision).toBe('reencoded')
    expect(result.files[0]).toMatchObject({ width: 48, height: 64 })
    expect((await sharp(result.files[0]?.path ?? '').metadata()).orientation).toBeUndefined()
  })

  it('converts WebP to JPEG at 85, transparency on white', async () => {
    const webp = await sharp({
      create: { width: 64, height: 48, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
    })
      .webp()
      .toBuffer()
    const result = await process(webp)
    expect(result).toMatchObject({ sourceFormat: 'webp', decision: 'converted' })
    expect(result.files[0]?.contentType).toBe('image/jpeg')
    const { dominant } = await sharp(result.files[0]?.path ?? '').stats()
    expect(Math.min(dominant.r, dominant.g, dominant.b)).toBeGreaterThan(240)
  })

  it('converts a still GIF to PNG', async () => {
    const gif = await noise(64, 48).gif().toBuffer()
    const result = await process(gif)
    expect(result).toMatchObject({ sourceFormat: 'gif', decision: 'converted' })
    expect(result.files[0]?.contentType).toBe('image/png')
  })
})

describe('buildImageVariants: sizes', () => {
  it('writes orig, large ≤ 2048, medium ≤ 1200, small ≤ 680 and a 150×150 thumb', async () => {
    const jpeg = await gradient(3000, 1500).jpeg({ quality: 80 }).toBuffer()
    const result = await process(jpeg)
    expect(sizesOf(result)).toEqual({
      orig: '3000x1500',
      large: '2048x1024',
      medium: '1200x600',
      small: '680x340',
      thumb: '150x150',
    })
    for (const file of result.files) {
      expect(file.path).toBe(join(dir, `out-${runs}`, `${file.name}.jpg`))
      expect(await sharp(file.path).metadata()).toMatchObject({ width: file.width, height: file.height })
      expect((await readFile(file.path)).length).toBe(file.sizeBytes)
    }
  })

  it('never upscales: sizes a small image already fits are its orig bytes; the thumb is still 150×150', async () => {
    const paths = await splitInto(await noise(100, 80).png({ palette: true }).toBuffer(), 3, join(dir, 'segments'))
    const result = await process(paths)
    expect(sizesOf(result)).toEqual({
      orig: '100x80',
      large: '100x80',
      medium: '100x80',
      small: '100x80',
      thumb: '150x150',
    })
    const orig = await readFile(result.files[0]?.path ?? '')
    expect(await readFile(result.files[3]?.path ?? '')).toEqual(orig)
  })
})

describe('buildImageVariants: failures', () => {
  it('refuses a 20000×20000 decompression bomb from its header, fast', async () => {
    const bomb = bombPng(20_000)
    expect(bomb.length).toBeLessThan(100_000)
    const started = Date.now()
    const error = await failure(process(bomb))
    expect(Date.now() - started).toBeLessThan(1000)
    expect(error.reason).toBe('unsupported-media')
    expect(error.failure).toEqual({
      code: 3,
      name: 'UnsupportedMedia',
      message: 'Image dimensions 20000x20000 exceed max dimensions of 8192x8192',
    })
  })

  it('refuses an image over a configured pixel limit', async () => {
    const error = await failure(process(await noise(48, 32).png().toBuffer(), { maxPixels: 1000 }))
    expect(error.reason).toBe('unsupported-media')
  })

  it.each([
    ['random bytes', async () => Buffer.from('definitely not an image')],
    ['a truncated JPEG', async () => (await noise(320, 240).jpeg().toBuffer()).subarray(0, 4000)],
    ['an SVG', async () => Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')],
  ])('fails %s with X’s InvalidMedia', async (_, make) => {
    const error = await failure(process(await make()))
    expect(error.reason).toBe('invalid-media')
    expect(error.failure).toEqual({ code: 1, name: 'InvalidMedia', message: 'file is invalid' })
  })

  it('does not start when the signal is already aborted', async () => {
    const reason = new Error('stop')
    await expect(process(Buffer.alloc(1), { signal: AbortSignal.abort(reason) })).rejects.toBe(reason)
  })
})
