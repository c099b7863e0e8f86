import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { promisify } from 'node:util'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { isApiError } from '../errors.js'
import { inspectImage } from './image.js'

const run = promisify(execFile)

/** Streams `bytes` in chunks of `chunkBytes`, as segments arrive from the blob store. */
function stream(bytes: Buffer, chunkBytes = 7): Readable {
  const chunks: Buffer[] = []
  for (let i = 0; i < bytes.length; i += chunkBytes) chunks.push(bytes.subarray(i, i + chunkBytes))
  return Readable.from(chunks)
}

function solid(width: number, height: number, red = 200) {
  return sharp({ create: { width, height, channels: 3, background: { r: red, g: 40, b: 10 } } })
}

/** A BMP written by hand: 14-byte file header, 40-byte BITMAPINFOHEADER, 24-bit rows padded to 4 bytes. */
function bmp(width: number, height: number, options: { topDown?: boolean; truncateBy?: number } = {}): Buffer {
  const rowBytes = Math.floor((24 * width + 31) / 32) * 4
  const pixelBytes = rowBytes * height
  const bytes = Buffer.alloc(54 + pixelBytes, 0x7f)
  bytes.write('BM', 0, 'latin1')
  bytes.writeUInt32LE(54 + pixelBytes, 2)
  bytes.writeUInt32LE(0, 6)
  bytes.writeUInt32LE(54, 10)
  bytes.writeUInt32LE(40, 14)
  bytes.writeInt32LE(width, 18)
  bytes.writeInt32LE(options.topDown === true ? -height : height, 22)
  bytes.writeUInt16LE(1, 26)
  bytes.writeUInt16LE(24, 28)
  bytes.writeUInt32LE(0, 30)
  bytes.writeUInt32LE(pixelBytes, 34)
  bytes.fill(0, 38, 54)
  return bytes.subarray(0, bytes.length - (options.truncateBy ?? 0))
}

async function unrecognized(promise: Promise<unknown>, code = 'MEDIA_TYPE_UNRECOGNIZED'): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  )
  expect(isApiError(error) ? error.code : error).toBe(code)
}

describe('inspectImage', () => {
  it.each([
    ['jpeg', 'image/jpeg'],
    ['png', 'image/png'],
    ['webp', 'image/webp'],
    ['gif', 'image/gif'],
    ['tiff', 'image/tiff'],
  ] as const)('reads a %s image as %s with its dimensions', async (format, type) => {
    const bytes = await solid(33, 17).toFormat(format).toBuffer()
    expect(await inspectImage(stream(bytes))).toEqual({ type, width: 33, height: 17, pages: 1 })
  })

  it('counts the frames of an animated GIF and reports one frame’s size', async () => {
    // Distinct frames: sharp's GIF encoder merges identical consecutive frames into one.
    const frames = await Promise.all([0, 100, 200].map((red) => solid(40, 30, red).png().toBuffer()))
    const gif = await sharp(frames, { join: { animated: true } })
      .gif({ delay: 100 })
      .toBuffer()
    expect(await inspectImage(stream(gif, 1000))).toEqual({ type: 'image/gif', width: 40, height: 30, pages: 3 })
  })

  it('reads a hand-made bottom-up BMP header, which sharp cannot', async () => {
    await expect(sharp(bmp(3, 2)).metadata()).rejects.toThrow()
    expect(await inspectImage(stream(bmp(3, 2)))).toEqual({ type: 'image/bmp', width: 3, height: 2, pages: 1 })
  })

  it('reads a top-down BMP (negative height)', async () => {
    expect(await inspectImage(stream(bmp(5, 4, { topDown: true })))).toEqual({
      type: 'image/bmp',
      width: 5,
      height: 4,
      pages: 1,
    })
  })

  it('writes BMP fixtures that ffmpeg decodes to the same size', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'birdhouse-bmp-'))
    try {
      await writeFile(join(dir, 'a.bmp'), bmp(5, 4))
      const args = ['-v', 'error', '-show_entries', 'stream=codec_name,width,height', '-of', 'csv=p=0', 'a.bmp']
      const { stdout } = await run('/usr/bin/ffprobe', args, { cwd: dir })
      expect(stdout.trim()).toBe('bmp,5,4')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('rejects a truncated BMP', async () => {
    await unrecognized(inspectImage(stream(bmp(5, 4, { truncateBy: 3 }))))
  })

  it('rejects a BMP header with zero width', async () => {
    const bytes = bmp(5, 4)
    bytes.writeInt32LE(0, 18)
    await unrecognized(inspectImage(stream(bytes)))
  })

  it('rejects random bytes', async () => {
    await unrecognized(inspectImage(stream(noise(4096, 'image'))))
  })

  it('rejects a PNG cut inside its header', async () => {
    const png = await solid(33, 17).png().toBuffer()
    await unrecognized(inspectImage(stream(png.subarray(0, 40))))
  })

  it('rejects an SVG, which sharp reads but X does not accept', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')
    await unrecognized(inspectImage(stream(svg)))
  })

  it('rejects empty input', async () => {
    await unrecognized(inspectImage(stream(Buffer.alloc(0))))
  })

  it('keeps the image/pjpeg spelling when it was declared for JPEG bytes', async () => {
    const jpeg = await solid(8, 8).jpeg().toBuffer()
    expect((await inspectImage(stream(jpeg), 'image/pjpeg')).type).toBe('image/pjpeg')
    expect((await inspectImage(stream(jpeg), 'image/png')).type).toBe('image/jpeg')
  })

  it('stops reading past maxBytes', async () => {
    const png = await solid(64, 64).png().toBuffer()
    await unrecognized(inspectImage(stream(png), undefined, { maxBytes: png.length - 1 }), 'MEDIA_TOO_LARGE')
    expect((await inspectImage(stream(png), undefined, { maxBytes: png.length })).width).toBe(64)
  })
})

/** Deterministic noise (SHA-256 in counter mode), so a failure reproduces. */
function noise(length: number, seed: string): Buffer {
  const blocks: Buffer[] = []
  for (let i = 0; i * 32 < length; i++) blocks.push(createHash('sha256').update(`${seed}:${i}`).digest())
  return Buffer.concat(blocks).subarray(0, length)
}
