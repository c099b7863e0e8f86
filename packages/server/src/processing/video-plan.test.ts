import { describe, expect, it } from 'vitest'
import type { MediaProbe, VideoStreamInfo } from './probe.js'
import { buildLadder, buildVideoPlan, displaySize, REMUX_RULES, VIDEO_LADDERS } from './video-plan.js'

const MP4_FORMATS = ['mov', 'mp4', 'm4a', '3gp', '3g2', 'mj2']

/** Changes to the default video stream; `undefined` removes a field. */
type VideoOverrides = { [K in keyof VideoStreamInfo]?: VideoStreamInfo[K] | undefined }

/** A compliant 1280×720 H.264/AAC-LC MP4, with overrides. */
function probeOf(video: VideoOverrides = {}, rest: Partial<Omit<MediaProbe, 'video'>> = {}): MediaProbe {
  const merged: Record<string, unknown> = {
    codec: 'h264',
    profile: 'High',
    width: 1280,
    height: 720,
    fps: 30,
    pixFmt: 'yuv420p',
    fieldOrder: 'progressive',
    ...video,
  }
  for (const key of Object.keys(merged)) if (merged[key] === undefined) delete merged[key]
  return {
    formatNames: MP4_FORMATS,
    durationSecs: 10,
    video: merged as unknown as VideoStreamInfo,
    audio: { codec: 'aac', profile: 'LC', channels: 2, sampleRate: 48000 },
    ...rest,
  }
}

function reasonsOf(probe: MediaProbe): readonly string[] {
  const plan = buildVideoPlan(probe)
  return plan.kind === 'remux' ? [] : plan.reasons
}

function sizes(width: number, height: number): string[] {
  return buildLadder(width, height).rungs.map((rung) => `${rung.width}x${rung.height}`)
}

describe('buildVideoPlan: remux or transcode', () => {
  it('remuxes a compliant H.264 High + AAC-LC MP4', () => {
    expect(buildVideoPlan(probeOf())).toEqual({
      kind: 'remux',
      durationSecs: 10,
      sourceWidth: 1280,
      sourceHeight: 720,
      hasAudio: true,
    })
  })

  it.each<[string, VideoOverrides]>([
    ['Main profile', { profile: 'Main' }],
    ['Baseline profile', { profile: 'Constrained Baseline' }],
    ['60 fps', { fps: 60 }],
    ['portrait 720×1280 (X’s own recommendation)', { width: 720, height: 1280 }],
    ['1280×1024', { width: 1280, height: 1024 }],
    ['an unreported field order', { fieldOrder: undefined }],
    ['a 90° rotation flag', { width: 1280, height: 720, rotation: 90 }],
  ])('remuxes %s', (_, video) => {
    expect(buildVideoPlan(probeOf(video)).kind).toBe('remux')
  })

  it('remuxes a video without audio', () => {
    const { audio: _, ...silent } = probeOf()
    expect(buildVideoPlan(silent)).toMatchObject({ kind: 'remux', hasAudio: false })
  })

  it.each([
    ['container', probeOf({}, { formatNames: ['matroska', 'webm'] })],
    ['video-codec', probeOf({ codec: 'hevc', profile: 'Main' })],
    ['video-profile', probeOf({ profile: 'High 4:4:4 Predictive' })],
    ['video-profile', probeOf({ profile: undefined })],
    ['pixel-format', probeOf({ pixFmt: 'yuvj420p' })],
    ['interlaced', probeOf({ fieldOrder: 'tt' })],
    ['pixel-aspect', probeOf({ width: 640, height: 480, sampleAspectRatio: 4 / 3 })],
    ['dimensions', probeOf({ width: 1920, height: 1080 })],
    ['dimensions', probeOf({ width: 1080, height: 1080 })],
    ['audio-codec', probeOf({}, { audio: { codec: 'opus', channels: 2 } })],
    ['audio-profile', probeOf({}, { audio: { codec: 'aac', profile: 'HE-AAC', channels: 2 } })],
    ['audio-channels', probeOf({}, { audio: { codec: 'aac', profile: 'LC', channels: 6 } })],
  ] as const)('transcodes for %s', (reason, probe) => {
    expect(reasonsOf(probe)).toEqual([reason])
  })

  it('lists every broken rule of a VP9 4:4:4 WebM with Opus', () => {
    const probe = probeOf(
      { codec: 'vp9', profile: 'Profile 1', pixFmt: 'yuv444p' },
      { formatNames: ['matroska', 'webm'], audio: { codec: 'opus', channels: 2 } },
    )
    expect(reasonsOf(probe)).toEqual(['container', 'video-codec', 'video-profile', 'pixel-format', 'audio-codec'])
  })

  it('has one rule per reason, each stating its requirement', () => {
    const reasons = REMUX_RULES.map((rule) => rule.reason)
    expect(new Set(reasons).size).toBe(reasons.length)
    for (const rule of REMUX_RULES) expect(rule.requirement).not.toBe('')
  })

  it('keeps mono audio mono and downmixes surround to stereo', () => {
    const mono = probeOf({ codec: 'vp9' }, { audio: { codec: 'opus', channels: 1 } })
    const surround = probeOf({}, { audio: { codec: 'aac', profile: 'LC', channels: 6 } })
    expect(buildVideoPlan(mono)).toMatchObject({ kind: 'transcode', audioChannels: 1 })
    expect(buildVideoPlan(surround)).toMatchObject({ kind: 'transcode', audioChannels: 2 })
  })

  it('refuses probes that checkVideo fails: no video, over 60 fps', () => {
    const { video: _, ...audioOnly } = probeOf()
    expect(() => buildVideoPlan(audioOnly)).toThrow(RangeError)
    expect(() => buildVideoPlan(probeOf({ fps: 120 }))).toThrow('checkVideo fails videos above 60')
    expect(buildVideoPlan(probeOf({ fps: 60.004 })).kind).toBe('remux')
  })
})

describe('buildLadder', () => {
  it('uses X’s 16:9, 9:16 and 1:1 ladders as they are for large sources', () => {
    expect(buildLadder(1920, 1080)).toEqual({ ladder: '16:9', rungs: VIDEO_LADDERS['16:9'] })
    expect(buildLadder(1080, 1920)).toEqual({ ladder: '9:16', rungs: VIDEO_LADDERS['9:16'] })
    expect(buildLadder(1080, 1080)).toEqual({ ladder: '1:1', rungs: VIDEO_LADDERS['1:1'] })
  })

  it('carries X’s bitrates', () => {
    expect(buildLadder(1920, 1080).rungs.map((r) => [r.videoKbps, r.audioKbps])).toEqual([
      [2048, 128],
      [768, 64],
      [256, 64],
    ])
    expect(buildLadder(720, 720).rungs.at(-1)).toEqual({ width: 240, height: 240, videoKbps: 256, audioKbps: 32 })
  })

  it('takes a near-16:9 size (±2 %) as 16:9', () => {
    expect(buildLadder(1916, 1080).ladder).toBe('16:9')
    expect(sizes(1916, 1080)).toEqual(['1280x720', '640x360', '320x180'])
  })

  it('fits other aspects inside each rung’s box, keeping aspect and even sizes', () => {
    expect(buildLadder(1440, 1080)).toMatchObject({ ladder: 'landscape' })
    expect(sizes(1440, 1080)).toEqual(['960x720', '480x360', '240x180'])
    expect(sizes(2560, 1080)).toEqual(['1280x540', '640x270', '320x134'])
    expect(buildLadder(1080, 1440)).toMatchObject({ ladder: 'portrait' })
    expect(sizes(1080, 1440)).toEqual(['720x960', '360x480', '180x240'])
  })

  it('never upscales: drops rungs larger than the source', () => {
    expect(sizes(640, 360)).toEqual(['640x360', '320x180'])
    expect(sizes(720, 720)).toEqual(['720x720', '480x480', '240x240'])
  })

  it('adds a rung at the source size when it is well above the top kept rung', () => {
    const ladder = buildLadder(854, 480)
    expect(ladder.rungs.map((r) => `${r.width}x${r.height}`)).toEqual(['854x480', '640x360', '320x180'])
    // The source rung takes the bitrates of the smallest rung it replaces (1280×720).
    expect(ladder.rungs[0]).toMatchObject({ videoKbps: 2048, audioKbps: 128 })
    expect(sizes(320, 240)).toEqual(['320x240', '240x180'])
  })

  it('does not add a source rung barely above the top kept rung', () => {
    expect(sizes(352, 198)).toEqual(['320x180'])
  })

  it('keeps one even source-size rung when every rung is larger than the source', () => {
    expect(sizes(201, 113)).toEqual(['200x112'])
    expect(sizes(100, 300)).toEqual(['100x300'])
    expect(buildLadder(100, 300).rungs[0]).toMatchObject({ videoKbps: 256 })
  })
})

describe('displaySize', () => {
  const video = { codec: 'h264', width: 720, height: 480, fps: 30 }
  it('widens non-square pixels and turns quarter rotations', () => {
    expect(displaySize({ ...video, sampleAspectRatio: 32 / 27 })).toEqual({ width: 853, height: 480 })
    expect(displaySize({ ...video, sampleAspectRatio: 8 / 9 })).toEqual({ width: 720, height: 540 })
    expect(displaySize({ ...video, rotation: 270 })).toEqual({ width: 480, height: 720 })
    expect(displaySize({ ...video, rotation: 180 })).toEqual({ width: 720, height: 480 })
  })

  it('plans the ladder on the display size', () => {
    const plan = buildVideoPlan(probeOf({ width: 1920, height: 1080, rotation: 90 }))
    expect(plan).toMatchObject({ kind: 'transcode', ladder: '9:16', sourceWidth: 1080, sourceHeight: 1920 })
  })
})
