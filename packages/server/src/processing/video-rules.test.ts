import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { CATEGORY_LIMITS, type CategoryLimits } from '@birdhouse/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resolveMediaTools } from './binaries.js'
import { type MediaProbe, probeMedia } from './probe.js'
import { checkVideo, formatXDuration } from './video-rules.js'

const run = promisify(execFile)
const CLASSIC = CATEGORY_LIMITS.classic.tweet_video
let dir: string
let ffprobePath: string

/** Encodes a video-only H.264 clip of `size` at `rate` fps lasting `secs`, and probes it. */
async function probeClip(size: string, rate: number, secs: number): Promise<MediaProbe> {
  const out = join(dir, `${size}-${rate}-${secs}.mp4`)
  const source = `testsrc=size=${size}:rate=${rate}`
  const codec = ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p']
  await run('/usr/bin/ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', source, '-t', String(secs), ...codec, out])
  return probeMedia([out], { ffprobePath })
}

function probeOf(durationSecs: number, video: Partial<NonNullable<MediaProbe['video']>> = {}): MediaProbe {
  return {
    formatNames: ['mov'],
    durationSecs,
    video: { codec: 'h264', width: 1280, height: 720, fps: 30, ...video },
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'birdhouse-video-rules-'))
  ffprobePath = (await resolveMediaTools()).ffprobePath
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('formatXDuration', () => {
  it.each([
    [149.35, '2.minutes+29.seconds+350.milliseconds'],
    [140, '2.minutes+20.seconds'],
    [0.5, '500.milliseconds'],
    [0, '0.seconds'],
    [0.0004, '0.seconds'],
    [61.001, '1.minutes+1.seconds+1.milliseconds'],
    [1200, '20.minutes'],
    [7500, '2.hours+5.minutes'],
    [90_061.5, '1.days+1.hours+1.minutes+1.seconds+500.milliseconds'],
  ])('formats %s s as %s', (secs, expected) => {
    expect(formatXDuration(secs)).toBe(expected)
  })
})

describe('checkVideo on probes', () => {
  it('reproduces X’s captured message for a 149.35 s video over the classic 140 s limit', () => {
    expect(checkVideo(probeOf(149.35), CLASSIC)).toEqual({
      code: 3,
      name: 'UnsupportedMedia',
      message: 'Duration 2.minutes+29.seconds+350.milliseconds exceeds max duration of 2.minutes+20.seconds',
    })
  })

  it('accepts durations at both limits, comparing whole milliseconds', () => {
    expect(checkVideo(probeOf(140), CLASSIC)).toBeUndefined()
    expect(checkVideo(probeOf(140.0004), CLASSIC)).toBeUndefined()
    expect(checkVideo(probeOf(0.5), CLASSIC)).toBeUndefined()
    expect(checkVideo(probeOf(140.001), CLASSIC)?.message).toBe(
      'Duration 2.minutes+20.seconds+1.milliseconds exceeds max duration of 2.minutes+20.seconds',
    )
    expect(checkVideo(probeOf(0.499), CLASSIC)?.message).toBe(
      'Duration 499.milliseconds is below min duration of 500.milliseconds',
    )
  })

  it('fails a file without a video stream as InvalidMedia', () => {
    const audioOnly: MediaProbe = { formatNames: ['mov'], durationSecs: 5, audio: { codec: 'aac', channels: 2 } }
    expect(checkVideo(audioOnly, CLASSIC)).toEqual({
      code: 1,
      name: 'InvalidMedia',
      message: 'Unsupported video format',
    })
  })

  it('accepts 60 fps and a variable rate averaging just over it, but not 60.5', () => {
    expect(checkVideo(probeOf(5, { fps: 60 }), CLASSIC)).toBeUndefined()
    expect(checkVideo(probeOf(5, { fps: 60.004 }), CLASSIC)).toBeUndefined()
    expect(checkVideo(probeOf(5, { fps: 60.5 }), CLASSIC)?.message).toBe('Frame rate 60.5 exceeds max frame rate of 60')
  })

  it('leaves oversized, interlaced and non-4:2:0 video to the transcoder', () => {
    const video = { width: 3840, height: 2160, pixFmt: 'yuv444p', fieldOrder: 'tt', codec: 'hevc' }
    expect(checkVideo(probeOf(5, video), CLASSIC)).toBeUndefined()
  })

  it('ignores duration limits a category does not have', () => {
    const noDuration: CategoryLimits = { maxBytes: 1 }
    expect(checkVideo(probeOf(100_000), noDuration)).toBeUndefined()
  })
})

describe('checkVideo on encoded clips', () => {
  it('passes a compliant 320x240 30 fps clip', async () => {
    expect(checkVideo(await probeClip('320x240', 30, 1), CLASSIC)).toBeUndefined()
  })

  it('fails a clip longer than the category maximum', async () => {
    const limits: CategoryLimits = { ...CLASSIC, maxDurationSecs: 1.5 }
    expect(checkVideo(await probeClip('320x240', 30, 2), limits)).toEqual({
      code: 3,
      name: 'UnsupportedMedia',
      message: 'Duration 2.seconds exceeds max duration of 1.seconds+500.milliseconds',
    })
  })

  it('fails a clip shorter than 0.5 s', async () => {
    expect(checkVideo(await probeClip('320x240', 30, 0.3), CLASSIC)?.message).toBe(
      'Duration 300.milliseconds is below min duration of 500.milliseconds',
    )
  })

  it('fails a 120 fps clip', async () => {
    expect(checkVideo(await probeClip('64x64', 120, 1), CLASSIC)?.message).toBe(
      'Frame rate 120 exceeds max frame rate of 60',
    )
  })

  it('fails a 20x20 clip', async () => {
    expect(checkVideo(await probeClip('20x20', 30, 1), CLASSIC)?.message).toBe(
      'Dimensions 20x20 are below min dimensions of 32x32',
    )
  })

  it('fails a 4:1 clip and passes a 3:1 one', async () => {
    expect(checkVideo(await probeClip('256x64', 30, 1), CLASSIC)?.message).toBe(
      'Aspect ratio of 256x64 is outside 1:3 to 3:1',
    )
    expect(checkVideo(await probeClip('192x64', 30, 1), CLASSIC)).toBeUndefined()
    expect(checkVideo(await probeClip('64x256', 30, 1), CLASSIC)?.message).toBe(
      'Aspect ratio of 64x256 is outside 1:3 to 3:1',
    )
  })
})
