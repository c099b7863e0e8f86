import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resolveMediaTools } from './binaries.js'
import { convertGifToMp4 } from './gif-to-mp4.js'
import { probeMedia } from './probe.js'
import { ProcessingError } from './processing-error.js'
import { splitInto } from './test-media.js'

let dir: string
let ffmpegPath: string
let ffprobePath: string
let gif: Buffer
let gifPath: string

/** A 63×47 animated GIF: three frames of a coloured box on a transparent canvas, 200 ms each. */
async function makeGif(): Promise<Buffer> {
  const frames = await Promise.all(
    ['#ff0000', '#00ff00', '#0000ff'].map((colour) =>
      sharp({ create: { width: 63, height: 47, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
        .composite([
          { input: { create: { width: 31, height: 23, channels: 4, background: colour } }, left: 16, top: 12 },
        ])
        .png()
        .toBuffer(),
    ),
  )
  return sharp(frames, { join: { animated: true } })
    .gif({ delay: [200, 200, 200], loop: 0 })
    .toBuffer()
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'birdhouse-gif-test-'))
  ;({ ffmpegPath, ffprobePath } = await resolveMediaTools())
  gif = await makeGif()
  gifPath = join(dir, 'whole.gif')
  await writeFile(gifPath, gif)
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('convertGifToMp4', () => {
  it('writes an H.264 4:2:0 MP4 with even sizes, no audio, the GIF’s timing and a poster', async () => {
    const segments = await splitInto(gif, 2, join(dir, 'segments'))
    const probe = await probeMedia(segments, { ffprobePath })
    const progress: number[] = []
    const result = await convertGifToMp4(segments, {
      ffmpegPath,
      outputDir: join(dir, 'out'),
      width: 63,
      height: 47,
      durationSecs: probe.durationSecs,
      onProgress: (percent) => progress.push(percent),
    })
    expect(result.video).toMatchObject({ contentType: 'video/mp4', width: 62, height: 46, bitRate: 0 })
    expect(result.video.path).toBe(join(dir, 'out', '62x46.mp4'))
    const out = await probeMedia([result.video.path], { ffprobePath })
    expect(out.formatNames).toContain('mp4')
    expect(out.video).toMatchObject({ codec: 'h264', profile: 'High', pixFmt: 'yuv420p', width: 62, height: 46 })
    expect(out.audio).toBeUndefined()
    expect(out.durationSecs).toBeCloseTo(0.6, 1)
    expect(progress.at(-1)).toBe(100)
    expect(progress).toEqual([...progress].sort((a, b) => a - b))
    expect(result.poster).toMatchObject({ contentType: 'image/jpeg', width: 62, height: 46 })
  })

  it('paints transparent pixels white', async () => {
    const { poster } = await convertGifToMp4([gifPath], {
      ffmpegPath,
      outputDir: join(dir, 'white'),
      width: 63,
      height: 47,
    })
    const { data, info } = await sharp(poster.path).raw().toBuffer({ resolveWithObject: true })
    const pixel = (x: number, y: number) => [...data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3)]
    for (const channel of pixel(3, 3)) expect(channel).toBeGreaterThan(230)
    const [red = 0, green = 0, blue = 0] = pixel(31, 23)
    expect(red).toBeGreaterThan(200)
    expect(Math.max(green, blue)).toBeLessThan(60)
  })

  it('fails bytes that are no GIF with X’s InvalidMedia, leaving nothing behind', async () => {
    const path = join(dir, 'broken.gif')
    await writeFile(path, Buffer.concat([gif.subarray(0, 13), Buffer.alloc(2000, 0x21)]))
    const out = join(dir, 'broken-out')
    const error = await convertGifToMp4([path], { ffmpegPath, outputDir: out, width: 63, height: 47 }).catch(
      (caught: unknown) => caught,
    )
    expect(error).toBeInstanceOf(ProcessingError)
    expect((error as ProcessingError).failure).toMatchObject({ code: 1, name: 'InvalidMedia' })
    expect(await readdir(out)).toEqual([])
  })

  it('does not read a GIF upload as another format', async () => {
    const path = join(dir, 'really.png')
    await writeFile(path, await sharp(gif).png().toBuffer())
    const error = await convertGifToMp4([path], {
      ffmpegPath,
      outputDir: join(dir, 'png'),
      width: 63,
      height: 47,
    }).catch((caught: unknown) => caught)
    expect(error).toMatchObject({ reason: 'invalid-media' })
  })
})
