import { execFile } from 'node:child_process'
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { CATEGORY_LIMITS } from '@birdhouse/protocol'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resolveMediaTools } from './binaries.js'
import { type MediaProbe, probeMedia } from './probe.js'
import { ProcessingError } from './processing-error.js'
import {
  childProcesses,
  encodeFixture,
  hashVideoStream,
  SYSTEM_FFMPEG,
  splitInto,
  TEST_AV,
  topLevelBoxes,
} from './test-media.js'
import { transcodeVideo } from './transcode.js'
import { buildVideoPlan, type VideoPlan } from './video-plan.js'
import { checkVideo } from './video-rules.js'

const run = promisify(execFile)
const H264_AAC = ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac']
let dir: string
let ffmpegPath: string
let ffprobePath: string
let compliant: string
let outputCount = 0

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'birdhouse-transcode-test-'))
  ;({ ffmpegPath, ffprobePath } = await resolveMediaTools())
  // moov at the end (no faststart), with a GPS location in the global metadata as phones write it.
  compliant = await encodeFixture(dir, 'compliant.mp4', [
    ...TEST_AV,
    ...H264_AAC,
    '-metadata',
    'location=+48.8584+002.2945/',
  ])
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** A fresh output dir per run. */
function outputDir(): string {
  outputCount += 1
  return join(dir, `out-${outputCount}`)
}

async function probe(path: string): Promise<MediaProbe> {
  return probeMedia([path], { ffprobePath })
}

async function planOf(path: string): Promise<VideoPlan> {
  return buildVideoPlan(await probe(path))
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected a rejection'),
    (error: unknown) => error,
  )
}

describe('transcodeVideo: remux', () => {
  it('copies a compliant MP4 stored as 3 segments without re-encoding its video', async () => {
    const plan = await planOf(compliant)
    expect(plan.kind).toBe('remux')
    const segments = await splitInto(await readFile(compliant), 3, join(dir, 'compliant-segments'))
    const result = await transcodeVideo(segments, plan, { ffmpegPath, outputDir: outputDir() })
    expect(result.variants).toHaveLength(1)
    const [variant] = result.variants
    expect(variant).toMatchObject({ contentType: 'video/mp4', width: 320, height: 240 })
    expect(variant?.bitRate).toBeGreaterThan(0)
    const output = variant?.path ?? ''
    expect(await hashVideoStream(output)).toBe(await hashVideoStream(compliant))
    expect(topLevelBoxes(await readFile(output)).slice(0, 2)).toEqual(['ftyp', 'moov'])
    expect(await probe(output)).toMatchObject({ video: { codec: 'h264' }, audio: { codec: 'aac', profile: 'LC' } })
    expect(result.poster).toMatchObject({ contentType: 'image/jpeg', width: 320, height: 240 })
  })

  it('drops the GPS location from the container metadata', async () => {
    const tags = async (path: string) => {
      const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'format_tags', '-of', 'json', path])
      return (JSON.parse(stdout) as { format?: { tags?: Record<string, string> } }).format?.tags ?? {}
    }
    expect(await tags(compliant)).toHaveProperty('location')
    const { variants } = await transcodeVideo([compliant], await planOf(compliant), {
      ffmpegPath,
      outputDir: outputDir(),
    })
    expect(await tags(variants[0]?.path ?? '')).not.toHaveProperty('location')
  })

  it('keeps a rotation flag, and the poster shows the picture upright', async () => {
    const rotated = await encodeFixture(dir, 'rotated.mp4', [
      '-i',
      compliant,
      '-c',
      'copy',
      '-metadata:s:v:0',
      'rotate=90',
    ])
    const plan = await planOf(rotated)
    expect(plan).toMatchObject({ kind: 'remux', sourceWidth: 240, sourceHeight: 320 })
    const { variants, poster } = await transcodeVideo([rotated], plan, { ffmpegPath, outputDir: outputDir() })
    expect(variants[0]).toMatchObject({ width: 240, height: 320 })
    expect((await probe(variants[0]?.path ?? '')).video?.rotation).toBe((await probe(rotated)).video?.rotation)
    expect(poster).toMatchObject({ width: 240, height: 320 })
  })
})

describe('transcodeVideo: transcode', () => {
  it('turns a VP9/Opus WebM into H.264 High + AAC-LC MP4s at the ladder’s sizes, reporting progress', async () => {
    const webm = await encodeFixture(dir, 'vp9.webm', [
      ...TEST_AV,
      ...['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-c:a', 'libopus'],
    ])
    const plan = await planOf(webm)
    expect(plan).toMatchObject({ kind: 'transcode', ladder: 'landscape' })
    const progress: number[] = []
    const result = await transcodeVideo([webm], plan, {
      ffmpegPath,
      outputDir: outputDir(),
      onProgress: (percent) => progress.push(percent),
    })
    expect(result.variants.map((v) => [v.width, v.height, v.bitRate])).toEqual([
      // 320×240 takes the bitrates of the 480×360 rung it stands in for.
      [320, 240, 832_000],
      [240, 180, 320_000],
    ])
    for (const variant of result.variants) {
      const out = await probe(variant.path)
      expect(out.formatNames).toContain('mp4')
      expect(out.video).toMatchObject({ codec: 'h264', profile: 'High', pixFmt: 'yuv420p' })
      expect(out.video).toMatchObject({ width: variant.width, height: variant.height, fps: 30 })
      expect(out.audio).toMatchObject({ codec: 'aac', profile: 'LC', channels: 1 })
      expect(out.durationSecs).toBeCloseTo(2, 0)
      expect(buildVideoPlan(out).kind).toBe('remux')
    }
    expect(result.poster).toMatchObject({ width: 320, height: 240 })
    expect(await sharp(result.poster.path).metadata()).toMatchObject({ format: 'jpeg' })
    expect(progress.at(-1)).toBe(100)
    expect(progress).toEqual([...progress].sort((a, b) => a - b))
  })

  it('converts 4:4:4 H.264 to 4:2:0', async () => {
    const yuv444 = await encodeFixture(dir, '444.mp4', [...TEST_AV, ...H264_AAC, '-pix_fmt', 'yuv444p'])
    const plan = await planOf(yuv444)
    expect(plan).toMatchObject({ kind: 'transcode', reasons: ['video-profile', 'pixel-format'] })
    const { variants } = await transcodeVideo([yuv444], plan, { ffmpegPath, outputDir: outputDir() })
    for (const variant of variants) {
      expect((await probe(variant.path)).video).toMatchObject({ profile: 'High', pixFmt: 'yuv420p' })
    }
  })

  it('fits an odd 12:5 aspect into the landscape ladder with even sizes, without audio', async () => {
    const wide = await encodeFixture(dir, 'wide.ts', [
      ...['-f', 'lavfi', '-i', 'testsrc=size=480x200:rate=25', '-t', '1'],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'],
    ])
    const plan = await planOf(wide)
    expect(plan).toMatchObject({ kind: 'transcode', reasons: ['container'], ladder: 'landscape', hasAudio: false })
    const { variants, poster } = await transcodeVideo([wide], plan, { ffmpegPath, outputDir: outputDir() })
    expect(variants.map((v) => `${v.width}x${v.height}`)).toEqual(['480x200', '320x132'])
    const out = await probe(variants[1]?.path ?? '')
    expect(out.video).toMatchObject({ width: 320, height: 132, sampleAspectRatio: 1 })
    expect(out.audio).toBeUndefined()
    // A 1 s clip: the poster is the first frame.
    expect(poster).toMatchObject({ width: 480, height: 200 })
  })
})

describe('transcodeVideo with the npm fallback ffmpeg (4.x)', () => {
  it('remuxes and transcodes with the same arguments', async () => {
    const npm = await resolveMediaTools({ ffmpegSystemCommand: 'birdhouse-no-such-ffmpeg' })
    expect(npm.ffmpegSource).toBe('npm')
    const remuxed = await transcodeVideo([compliant], await planOf(compliant), {
      ffmpegPath: npm.ffmpegPath,
      outputDir: outputDir(),
    })
    expect(await hashVideoStream(remuxed.variants[0]?.path ?? '')).toBe(await hashVideoStream(compliant))
    const plan = buildVideoPlan({ ...(await probe(compliant)), formatNames: ['mpegts'] })
    const { variants, poster } = await transcodeVideo([compliant], plan, {
      ffmpegPath: npm.ffmpegPath,
      outputDir: outputDir(),
    })
    expect((await probe(variants[0]?.path ?? '')).video).toMatchObject({ codec: 'h264', width: 320, height: 240 })
    expect(poster).toMatchObject({ width: 320, height: 240 })
  })
})

describe('120 fps', () => {
  // X lists fps ≤ 60 as a hard requirement (spec §8.4) and video-rules fails it rather than
  // dropping frames, so a 120 fps upload fails processing as it does on X, never reaching a plan.
  it('fails with X’s UnsupportedMedia from checkVideo, and buildVideoPlan refuses it', async () => {
    const fast = await encodeFixture(dir, '120fps.mp4', [
      ...['-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=120', '-t', '1'],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'],
    ])
    const probed = await probe(fast)
    expect(checkVideo(probed, CATEGORY_LIMITS.classic.tweet_video)).toEqual({
      code: 3,
      name: 'UnsupportedMedia',
      message: 'Frame rate 120 exceeds max frame rate of 60',
    })
    expect(() => buildVideoPlan(probed)).toThrow(RangeError)
  })
})

describe('transcodeVideo failures', () => {
  const remuxPlan: VideoPlan = { kind: 'remux', durationSecs: 2, sourceWidth: 320, sourceHeight: 240, hasAudio: true }

  it('fails a corrupt MP4 with X’s InvalidMedia and leaves no output behind', async () => {
    const bytes = await readFile(compliant)
    const corrupt = join(dir, 'corrupt.mp4')
    // The ftyp box survives; everything after it is garbage.
    await writeFile(corrupt, Buffer.concat([bytes.subarray(0, 32), Buffer.alloc(bytes.length - 32, 0x5a)]))
    const out = outputDir()
    const error = await rejection(transcodeVideo([corrupt], remuxPlan, { ffmpegPath, outputDir: out }))
    expect(error).toBeInstanceOf(ProcessingError)
    expect(error).toMatchObject({ reason: 'invalid-media' })
    expect((error as ProcessingError).failure).toEqual({
      code: 1,
      name: 'InvalidMedia',
      message: 'Unsupported video format',
    })
    expect((error as ProcessingError).stderr).not.toBe('')
    expect(await readdir(out)).toEqual([])
  })

  it('reports a missing segment and an ffmpeg that does not start as server failures', async () => {
    const missing = await rejection(
      transcodeVideo([join(dir, 'nope')], remuxPlan, { ffmpegPath, outputDir: outputDir() }),
    )
    expect(missing).toMatchObject({ reason: 'failed', message: `input file missing: ${join(dir, 'nope')}` })
    const options = { ffmpegPath: join(dir, 'no-such-ffmpeg'), outputDir: outputDir() }
    expect(await rejection(transcodeVideo([compliant], remuxPlan, options))).toMatchObject({
      reason: 'failed',
      message: 'ffmpeg did not start',
    })
  })

  it('kills ffmpeg when it runs over the timeout', async () => {
    const slow = join(dir, 'slow-ffmpeg.sh')
    await writeFile(slow, '#!/bin/sh\nexec sleep 30\n')
    await chmod(slow, 0o755)
    const started = Date.now()
    const error = await rejection(
      transcodeVideo([compliant], remuxPlan, { ffmpegPath: slow, outputDir: outputDir(), timeoutMs: 200 }),
    )
    expect(error).toMatchObject({ reason: 'timeout', message: 'ffmpeg ran over 200 ms' })
    expect(Date.now() - started).toBeLessThan(5000)
    expect(await childProcesses('sleep')).toEqual([])
  })

  it('kills a running ffmpeg on abort, rejects with the reason and removes partial outputs', async () => {
    const long = await encodeFixture(dir, 'long.mp4', [
      ...['-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=30', '-t', '20'],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'],
    ])
    // Planned as if it came in MPEG-TS, so that it is re-encoded (slowly) rather than copied.
    const transcode = buildVideoPlan({ ...(await probe(long)), formatNames: ['mpegts'] })
    expect(transcode.kind).toBe('transcode')
    const controller = new AbortController()
    const reason = new Error('worker stopping')
    const out = outputDir()
    let running: number[] = []
    const pending = transcodeVideo([long], transcode, {
      ffmpegPath,
      outputDir: out,
      x264Preset: 'veryslow',
      onProgress: () => {
        if (controller.signal.aborted) return
        void childProcesses('ffmpeg').then((pids) => {
          running = pids
          controller.abort(reason)
        })
      },
      signal: controller.signal,
    })
    await expect(pending).rejects.toBe(reason)
    expect(running).toHaveLength(1)
    expect(await childProcesses('ffmpeg')).toEqual([])
    expect(await readdir(out)).toEqual([])
  })

  it('does not start when the signal is already aborted', async () => {
    const reason = new Error('already')
    const options = { ffmpegPath, outputDir: outputDir(), signal: AbortSignal.abort(reason) }
    await expect(transcodeVideo([compliant], remuxPlan, options)).rejects.toBe(reason)
  })
})

it('uses the system ffmpeg the fixtures are made with', () => {
  expect([SYSTEM_FFMPEG, 'ffmpeg']).toContain(ffmpegPath)
})
