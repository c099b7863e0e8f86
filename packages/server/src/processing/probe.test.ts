import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resolveMediaTools } from './binaries.js'
import { type MediaProbe, MediaProbeError, probeMedia } from './probe.js'
import { ProcessingError } from './processing-error.js'

const run = promisify(execFile)
let dir: string
let ffprobePath: string

/** Encodes a fixture with the system ffmpeg into the temp dir. */
async function ffmpeg(name: string, args: string[]): Promise<string> {
  const out = join(dir, name)
  await run('/usr/bin/ffmpeg', ['-v', 'error', '-y', ...args, out])
  return out
}

/** Writes `bytes` as `count` slices into `into`, named by `name(i)`; returns their paths in order. */
async function split(bytes: Buffer, count: number, into: string, name = (i: number) => `seg-${i}`): Promise<string[]> {
  await mkdir(into, { recursive: true })
  const size = Math.ceil(bytes.length / count)
  const paths: string[] = []
  for (let i = 0; i < count; i++) {
    const path = join(into, name(i))
    await writeFile(path, bytes.subarray(i * size, (i + 1) * size))
    paths.push(path)
  }
  return paths
}

async function probeError(promise: Promise<unknown>): Promise<MediaProbeError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(MediaProbeError)
  return error as MediaProbeError
}

const AV = ['-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=30', '-f', 'lavfi', '-i', 'sine', '-t', '2']
const H264_AAC = ['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac']
let moovAtEnd: string
let faststart: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'birdhouse-probe-test-'))
  ffprobePath = (await resolveMediaTools()).ffprobePath
  moovAtEnd = await ffmpeg('end.mp4', [...AV, ...H264_AAC])
  faststart = await ffmpeg('fast.mp4', [...AV, ...H264_AAC, '-movflags', '+faststart'])
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const EXPECTED_MP4: MediaProbe = {
  formatNames: ['mov', 'mp4', 'm4a', '3gp', '3g2', 'mj2'],
  durationSecs: 2,
  bitRate: expect.any(Number) as number,
  video: {
    codec: 'h264',
    profile: 'High',
    width: 320,
    height: 240,
    fps: 30,
    pixFmt: 'yuv420p',
    fieldOrder: 'progressive',
    sampleAspectRatio: 1,
  },
  audio: { codec: 'aac', profile: 'LC', channels: 1, sampleRate: 44100 },
}

describe('probeMedia', () => {
  it('describes a whole MP4 file', async () => {
    expect(topLevelBoxes(await readFile(faststart))).toEqual(['ftyp', 'moov', 'free', 'mdat'])
    expect(await probeMedia([faststart], { ffprobePath })).toEqual(EXPECTED_MP4)
  })

  it('probes an MP4 split into 3 byte slices exactly like the whole file', async () => {
    const paths = await split(await readFile(faststart), 3, join(dir, 'fast-slices'))
    const whole = await probeMedia([faststart], { ffprobePath })
    expect(await probeMedia(paths, { ffprobePath })).toEqual(whole)
  })

  it('seeks across slices to a moov atom at the end of the file', async () => {
    const bytes = await readFile(moovAtEnd)
    // moov follows mdat: the demuxer must seek through the slices to the end and back.
    expect(topLevelBoxes(bytes)).toEqual(['ftyp', 'free', 'mdat', 'moov'])
    const paths = await split(bytes, 7, join(dir, 'end-slices'))
    const probe = await probeMedia(paths, { ffprobePath })
    expect(probe).toEqual(EXPECTED_MP4)
    expect(probe).toEqual(await probeMedia([moovAtEnd], { ffprobePath }))
  })

  it('probes slices spread over sibling directories through their common parent', async () => {
    const bytes = await readFile(moovAtEnd)
    const half = Math.ceil(bytes.length / 2)
    const first = join(dir, 'spread', 'a', '0')
    const second = join(dir, 'spread', 'b', '1')
    await mkdir(join(dir, 'spread', 'a'), { recursive: true })
    await mkdir(join(dir, 'spread', 'b'), { recursive: true })
    await writeFile(first, bytes.subarray(0, half))
    await writeFile(second, bytes.subarray(half))
    expect(await probeMedia([first, second], { ffprobePath })).toEqual(EXPECTED_MP4)
  })

  it('probes an upload stored as 1000 segments with long names', async () => {
    const name = (i: number) => `segment-${String(i).padStart(4, '0')}-0123456789abcdef0123456789abcdef`
    const paths = await split(await readFile(moovAtEnd), 1000, join(dir, 'many'), name)
    expect(paths).toHaveLength(1000)
    expect(await probeMedia(paths, { ffprobePath })).toEqual(EXPECTED_MP4)
  })

  it('falls back to symlinks when a name contains the concat separator', async () => {
    const paths = await split(await readFile(faststart), 3, join(dir, 'pipes'), (i) => `a|b:${i}`)
    expect(await probeMedia(paths, { ffprobePath })).toEqual(EXPECTED_MP4)
  })

  it('probes a WebM file with VP9 video and Opus audio', async () => {
    const webm = await ffmpeg('vp9.webm', [...AV, '-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-pix_fmt', 'yuv420p'])
    const probe = await probeMedia([webm], { ffprobePath })
    expect(probe.formatNames).toEqual(['matroska', 'webm'])
    expect(probe.video).toEqual({
      codec: 'vp9',
      profile: 'Profile 0',
      width: 320,
      height: 240,
      fps: 30,
      pixFmt: 'yuv420p',
      fieldOrder: 'progressive',
      sampleAspectRatio: 1,
    })
    expect(probe.audio).toEqual({ codec: 'opus', channels: 1, sampleRate: 48000 })
    expect(probe.durationSecs).toBeCloseTo(2, 1)
  })

  it('reports non-square pixels and a rotation flag', async () => {
    const anamorphic = await ffmpeg('sar.mp4', [...AV, ...H264_AAC, '-vf', 'setsar=4/3'])
    expect((await probeMedia([anamorphic], { ffprobePath })).video?.sampleAspectRatio).toBeCloseTo(4 / 3, 5)
    const rotated = await ffmpeg('rotated.mp4', ['-i', faststart, '-c', 'copy', '-metadata:s:v:0', 'rotate=90'])
    const probe = await probeMedia([rotated], { ffprobePath })
    expect(probe.video).toMatchObject({ width: 320, height: 240, rotation: expect.any(Number) as number })
    expect([90, 270]).toContain(probe.video?.rotation)
  })

  it('probes an animated GIF as GIF video', async () => {
    const gif = await ffmpeg('anim.gif', ['-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=10', '-t', '1'])
    const probe = await probeMedia([gif], { ffprobePath })
    expect(probe.formatNames).toEqual(['gif'])
    expect(probe.video).toMatchObject({ codec: 'gif', width: 64, height: 48, fps: 10 })
    expect(probe.audio).toBeUndefined()
  })
})

describe('probeMedia failures', () => {
  it('rejects random bytes as InvalidMedia, keeping ffprobe stderr', async () => {
    const path = join(dir, 'random.bin')
    await writeFile(path, noise(64 * 1024, 'probe'))
    const error = await probeError(probeMedia([path], { ffprobePath }))
    expect(error.reason).toBe('invalid-media')
    expect(error).toBeInstanceOf(ProcessingError)
    expect(error.failure).toEqual({ code: 1, name: 'InvalidMedia', message: 'Unsupported video format' })
    expect(error.stderr).toContain('Invalid data found when processing input')
  })

  it('refuses an HLS playlist that points at another file', async () => {
    const path = join(dir, 'list.m3u8')
    await writeFile(path, `#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\nfile:${faststart}\n#EXT-X-ENDLIST\n`)
    const error = await probeError(probeMedia([path], { ffprobePath }))
    expect(error.reason).toBe('invalid-media')
    expect(error.stderr).toContain('Format not on whitelist')
  })

  it('reports a missing segment as a server failure, not the uploader’s', async () => {
    const error = await probeError(probeMedia([faststart, join(dir, 'nope')], { ffprobePath }))
    expect(error.reason).toBe('failed')
    expect(error.message).toBe(`input file missing: ${join(dir, 'nope')}`)
  })

  it('reports an ffprobe that does not start as a server failure', async () => {
    const error = await probeError(probeMedia([faststart], { ffprobePath: join(dir, 'no-such-ffprobe') }))
    expect(error.reason).toBe('failed')
    expect(error.message).toBe('ffprobe did not start')
  })

  it('kills ffprobe when it runs over the timeout', async () => {
    const slow = await slowFfprobe()
    const started = Date.now()
    const error = await probeError(probeMedia([faststart], { ffprobePath: slow, timeoutMs: 200 }))
    expect(error.reason).toBe('timeout')
    expect(error.message).toBe('ffprobe ran over 200 ms')
    expect(Date.now() - started).toBeLessThan(5000)
  })

  it('kills ffprobe and rejects with the abort reason', async () => {
    const slow = await slowFfprobe()
    const controller = new AbortController()
    const reason = new Error('worker stopping')
    setTimeout(() => controller.abort(reason), 100)
    await expect(probeMedia([faststart], { ffprobePath: slow, signal: controller.signal })).rejects.toBe(reason)
  })

  it('does not start when the signal is already aborted', async () => {
    const reason = new Error('already')
    await expect(probeMedia([faststart], { ffprobePath, signal: AbortSignal.abort(reason) })).rejects.toBe(reason)
  })
})

/** A stand-in ffprobe that hangs for 30 s. */
async function slowFfprobe(): Promise<string> {
  const path = join(dir, 'slow-ffprobe.sh')
  await writeFile(path, '#!/bin/sh\nexec sleep 30\n')
  await chmod(path, 0o755)
  return path
}

/** Types of the top-level ISO BMFF boxes, in file order. */
function topLevelBoxes(bytes: Buffer): string[] {
  const types: string[] = []
  for (let offset = 0; offset + 8 <= bytes.length; ) {
    const size = bytes.readUInt32BE(offset)
    types.push(bytes.toString('latin1', offset + 4, offset + 8))
    if (size < 8) break
    offset += size
  }
  return types
}

/** Deterministic noise (SHA-256 in counter mode), so a failure reproduces. */
function noise(length: number, seed: string): Buffer {
  const blocks: Buffer[] = []
  for (let i = 0; i * 32 < length; i++) blocks.push(createHash('sha256').update(`${seed}:${i}`).digest())
  return Buffer.concat(blocks).subarray(0, length)
}
