/**
 * The processing worker end to end on SQLite and the disk blob store: uploads made through
 * `UploadService` from media encoded by the system ffmpeg at test time, processed by a worker, and
 * the outputs probed back from the blob store.
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { resolveMediaTools } from '../processing/binaries.js'
import { type MediaProbe, probeMedia } from '../processing/probe.js'
import { encodeFixture, hashVideoStream, TEST_AV } from '../processing/test-media.js'
import type { MediaFile, MediaRecord } from '../stores/metadata-store.js'
import { openProcessingHarness, type ProcessingHarness } from '../test-support/processing-harness.js'

const H264_AAC = ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac']
const VP9_OPUS = ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '400k', '-c:a', 'libopus']
const SLOW_MS = 60_000
let fixtures: string
let ffprobePath: string
let h: ProcessingHarness
const fixture: Record<'mp4' | 'webm' | 'gif' | 'corrupt', string> = { mp4: '', webm: '', gif: '', corrupt: '' }

beforeAll(async () => {
  fixtures = await mkdtemp(join(tmpdir(), 'birdhouse-worker-fixtures-'))
  ;({ ffprobePath } = await resolveMediaTools())
  fixture.mp4 = await encodeFixture(fixtures, 'compliant.mp4', [...TEST_AV, ...H264_AAC])
  const av360 = ['-f', 'lavfi', '-i', 'testsrc=size=640x360:rate=30', '-f', 'lavfi', '-i', 'sine', '-t', '2']
  fixture.webm = await encodeFixture(fixtures, 'vp9.webm', [...av360, ...VP9_OPUS])
  fixture.gif = await encodeFixture(fixtures, 'anim.gif', [
    '-f',
    'lavfi',
    '-i',
    'testsrc=size=101x75:rate=10',
    '-t',
    '1',
  ])
  fixture.corrupt = join(fixtures, 'corrupt.mp4')
  const noise = Buffer.alloc(64 * 1024, 0x5a)
  await writeFile(fixture.corrupt, Buffer.concat([Buffer.from('\0\0\0\x18ftypisom\0\0\0\0isomavc1', 'latin1'), noise]))
}, SLOW_MS)

afterAll(async () => {
  await rm(fixtures, { recursive: true, force: true })
})

beforeEach(async () => {
  h = await openProcessingHarness()
})

afterEach(async () => {
  await h.close()
})

/** Runs one worker until the queue is empty and resolves to the media as stored. */
async function process(media: MediaRecord): Promise<MediaRecord> {
  expect(media.state).toBe('pending')
  await h.drain(h.worker())
  const stored = await h.store.getMedia(media.id)
  if (stored === undefined) throw new Error('media vanished')
  return stored
}

async function probeFile(file: MediaFile | undefined): Promise<MediaProbe> {
  if (file === undefined) throw new Error('no such file')
  return probeMedia([h.blobs.localPath(file.blobKey)], { ffprobePath })
}

/** The in_progress percents written for a media, in order. */
function progressOf(mediaId: string): number[] {
  return (h.changes.get(mediaId) ?? []).filter((c) => c.state === 'in_progress').map((c) => c.progressPercent ?? -1)
}

async function expectOriginalsReleased(media: MediaRecord): Promise<void> {
  expect(await h.store.listSegments(media.id)).toEqual([])
  expect(await h.blobs.list(`uploads/${media.id}/`)).toEqual([])
  expect(await readdir(h.workDir)).toEqual([])
}

describe('ProcessingWorker: video', () => {
  it('remuxes a compliant MP4 without re-encoding, stores it with a poster and releases the segments', async () => {
    const media = await process(await h.upload(fixture.mp4, { mediaType: 'video/mp4', category: 'tweet_video' }))
    expect(media).toMatchObject({ state: 'succeeded', progressPercent: 100, error: null })
    expect(media.video).toEqual({ width: 320, height: 240, durationMs: expect.closeTo(2000, -2) })
    const [variant, poster, ...rest] = media.files
    expect(rest).toEqual([])
    expect(variant).toMatchObject({ role: 'variant', contentType: 'video/mp4', width: 320, height: 240 })
    expect(variant?.bitRate).toBeGreaterThan(0)
    expect(variant?.blobKey).toMatch(new RegExp(`^media/${media.id}/[0-9a-f]+/320x240\\.mp4$`))
    expect(await h.blobs.stat(variant?.blobKey ?? '')).toEqual({ sizeBytes: variant?.sizeBytes })
    expect(await hashVideoStream(h.blobs.localPath(variant?.blobKey ?? ''))).toBe(await hashVideoStream(fixture.mp4))
    expect(poster).toMatchObject({ role: 'poster', contentType: 'image/jpeg', width: 320, height: 240, bitRate: null })
    await expectOriginalsReleased(media)
    expect(await h.store.listJobs(media.id)).toMatchObject([{ state: 'done', attempts: 1 }])
  })

  it(
    'transcodes a VP9 WebM into X’s 16:9 ladder of H.264 High + AAC-LC MP4s, progress only rising',
    async () => {
      const media = await process(await h.upload(fixture.webm, { mediaType: 'video/webm', category: 'tweet_video' }))
      expect(media.state).toBe('succeeded')
      const variants = media.files.filter((f) => f.role === 'variant')
      expect(variants.map((v) => [v.width, v.height, v.bitRate])).toEqual([
        [640, 360, 832_000],
        [320, 180, 320_000],
      ])
      for (const variant of variants) {
        const probe = await probeFile(variant)
        expect(probe.formatNames).toContain('mp4')
        expect(probe.video).toMatchObject({ codec: 'h264', profile: 'High', pixFmt: 'yuv420p' })
        expect(probe.video).toMatchObject({ width: variant.width, height: variant.height })
        expect(probe.audio).toMatchObject({ codec: 'aac', profile: 'LC' })
      }
      expect(media.files.find((f) => f.role === 'poster')).toMatchObject({ width: 640, height: 360 })
      const progress = progressOf(media.id)
      expect(progress.length).toBeGreaterThan(1)
      for (let i = 1; i < progress.length; i++) expect(progress[i]).toBeGreaterThan(progress[i - 1] as number)
      expect(Math.max(...progress)).toBeLessThan(100)
      await expectOriginalsReleased(media)
    },
    SLOW_MS,
  )

  it('fails a corrupt MP4 with X’s InvalidMedia and keeps neither the original nor any output', async () => {
    const media = await process(await h.upload(fixture.corrupt, { mediaType: 'video/mp4', category: 'tweet_video' }))
    expect(media).toMatchObject({
      state: 'failed',
      progressPercent: 100,
      error: { code: 1, name: 'InvalidMedia', message: 'Unsupported video format' },
      files: [],
    })
    expect(await h.blobs.list(`media/${media.id}/`)).toEqual([])
    await expectOriginalsReleased(media)
    expect(await h.store.listJobs(media.id)).toMatchObject([{ state: 'done', attempts: 1, lastError: null }])
  })

  it('fails a video shorter than X’s minimum with UnsupportedMedia', async () => {
    const short = await encodeFixture(fixtures, 'short.mp4', [...TEST_AV.slice(0, -2), '-t', '0.2', ...H264_AAC])
    const media = await process(await h.upload(short, { mediaType: 'video/mp4', category: 'tweet_video' }))
    expect(media).toMatchObject({ state: 'failed', error: { code: 3, name: 'UnsupportedMedia' } })
    expect(media.error?.message).toMatch(/^Duration .* is below min duration of 500\.milliseconds$/)
  })
})

describe('ProcessingWorker: animated GIF', () => {
  it('turns a tweet_gif into one MP4 variant with bit_rate 0 and a poster', async () => {
    const media = await process(await h.upload(fixture.gif, { mediaType: 'image/gif', category: 'tweet_gif' }))
    expect(media.state).toBe('succeeded')
    const [variant, poster] = media.files
    expect(variant).toMatchObject({ role: 'variant', contentType: 'video/mp4', width: 100, height: 74, bitRate: 0 })
    expect(poster).toMatchObject({ role: 'poster', contentType: 'image/jpeg', width: 100, height: 74 })
    const probe = await probeFile(variant)
    expect(probe.video).toMatchObject({ codec: 'h264', width: 100, height: 74 })
    expect(probe.audio).toBeUndefined()
    expect(media.video).toMatchObject({ width: 100, height: 74 })
    await expectOriginalsReleased(media)
  })
})
