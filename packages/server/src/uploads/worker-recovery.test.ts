/**
 * How processing recovers: failures on our side retried through the lease, then X's InternalError;
 * a worker stopped mid-transcode handing its job back; and a worker process killed mid-transcode
 * (`SIGKILL` to its process group, ffmpeg included, as when a machine dies), whose job a fresh
 * worker completes once the lease runs out.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { resolveMediaTools } from '../processing/binaries.js'
import { childProcesses, encodeFixture, TEST_AV } from '../processing/test-media.js'
import type { MediaRecord, ProcessingChange } from '../stores/metadata-store.js'
import { openProcessingHarness, type ProcessingHarness } from '../test-support/processing-harness.js'

const SLOW_MS = 120_000
const INTERNAL = { code: 2, name: 'InternalError', message: 'Internal error' }
const MP4 = { mediaType: 'video/mp4', category: 'tweet_video' } as const
let fixtures: string
let small: string
/** 6 s of 1280×720 in 4:4:4, which forces a three-rung transcode that takes a few seconds. */
let large: string
let h: ProcessingHarness | undefined
let child: ChildProcess | undefined

beforeAll(async () => {
  fixtures = await mkdtemp(join(tmpdir(), 'birdhouse-recovery-fixtures-'))
  small = await encodeFixture(fixtures, 'small.mp4', [...TEST_AV, '-c:v', 'libx264', '-pix_fmt', 'yuv420p'])
  const av = ['-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30', '-f', 'lavfi', '-i', 'sine', '-t', '6']
  large = await encodeFixture(fixtures, 'yuv444.mp4', [
    ...av,
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv444p',
  ])
}, SLOW_MS)

afterAll(async () => {
  await rm(fixtures, { recursive: true, force: true })
})

afterEach(async () => {
  if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null)
    process.kill(-child.pid, 'SIGKILL')
  child = undefined
  await h?.close()
  h = undefined
})

async function harness(backend: 'disk' | 'memory'): Promise<ProcessingHarness> {
  h = await openProcessingHarness(backend)
  return h
}

async function stored(harness: ProcessingHarness, id: string): Promise<MediaRecord> {
  const media = await harness.store.getMedia(id)
  if (media === undefined) throw new Error('media vanished')
  return media
}

/** Polls until `media` is being transcoded (ffmpeg has reported progress); resolves to its percent. */
async function transcoding(harness: ProcessingHarness, id: string): Promise<number> {
  for (let i = 0; i < 1200; i++) {
    const media = await stored(harness, id)
    if (media.state === 'in_progress' && (media.progressPercent ?? 0) >= 10) return media.progressPercent ?? 0
    if (media.state !== 'pending' && media.state !== 'in_progress') throw new Error(`ended early: ${media.state}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error('no transcode progress within 60 s')
}

/** Runs `runOnce` until it claims a job (the lease of a dead worker may still be running). */
async function claimWhenFree(run: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await run()) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error('the job never became claimable')
}

describe('ProcessingWorker: failures on our side (memory stores)', () => {
  it('retries after a failure on our side and succeeds on the second claim', async () => {
    const h = await harness('memory')
    let calls = 0
    const worker = h.worker({
      retryDelayMs: 0,
      mediaTools: async () => {
        calls += 1
        if (calls === 1) throw new Error('ffmpeg went missing')
        return await resolveMediaTools()
      },
    })
    const media = await h.upload(small, MP4)
    await h.drain(worker)
    expect(await stored(h, media.id)).toMatchObject({ state: 'succeeded', error: null })
    expect(await h.store.listJobs(media.id)).toMatchObject([{ state: 'done', attempts: 2 }])
    expect(await h.store.listSegments(media.id)).toEqual([])
  })

  it('fails the media with X’s InternalError after maxAttempts failures, and drops its bytes', async () => {
    const h = await harness('memory')
    const worker = h.worker({
      retryDelayMs: 0,
      maxAttempts: 3,
      mediaTools: () => Promise.reject(new Error('no ffmpeg')),
    })
    const media = await h.upload(small, MP4)
    await h.drain(worker)
    expect(await stored(h, media.id)).toMatchObject({ state: 'failed', progressPercent: 100, error: INTERNAL })
    const [job] = await h.store.listJobs(media.id)
    expect(job).toMatchObject({ state: 'failed', attempts: 3 })
    expect(job?.lastError).toContain('no ffmpeg')
    expect(await h.store.listSegments(media.id)).toEqual([])
    expect(await h.blobs.list(`uploads/${media.id}/`)).toEqual([])
  })

  it('fails a job at once when every earlier claim died without reporting', async () => {
    const h = await harness('memory')
    const media = await h.upload(small, MP4)
    for (const dead of ['dead-1', 'dead-2', 'dead-3']) expect(await h.store.claimJob(dead, Date.now(), 0)).toBeDefined()
    await h.drain(h.worker({ maxAttempts: 3 }))
    expect(await stored(h, media.id)).toMatchObject({ state: 'failed', error: INTERNAL })
    expect(await h.store.listJobs(media.id)).toMatchObject([{ state: 'failed', attempts: 4 }])
  })
})

describe('ProcessingWorker: a worker that died after its commit', () => {
  it('releases the segments and ends the job when the media already succeeded', async () => {
    const h = await harness('memory')
    const media = await h.upload(small, MP4)
    expect(await h.store.claimJob('dead', Date.now(), 0)).toBeDefined()
    const done: ProcessingChange = { state: 'succeeded', progressPercent: 100, error: null, files: [] }
    expect(await h.store.updateProcessing(media.id, done)).toBe(true)
    await h.blobs.put(`media/${media.id}/orphan/320x240.mp4`, Readable.from([Buffer.from('left over')]))
    await h.drain(h.worker())
    expect(await h.store.listJobs(media.id)).toMatchObject([{ state: 'done', attempts: 2 }])
    expect(await h.store.listSegments(media.id)).toEqual([])
    expect(await h.blobs.list(`uploads/${media.id}/`)).toEqual([])
    expect(await h.blobs.list(`media/${media.id}/`)).toEqual([])
  })
})

describe('ProcessingWorker: interrupted mid-transcode (SQLite + disk)', () => {
  it(
    'stop() kills ffmpeg and hands the job back, and the next worker finishes it',
    async () => {
      const h = await harness('disk')
      const media = await h.upload(large, MP4)
      const first = h.worker()
      first.start(1)
      const reached = await transcoding(h, media.id)
      await first.stop()
      expect(await childProcesses('ffmpeg')).toEqual([])
      const [job] = await h.store.listJobs(media.id)
      expect(job).toMatchObject({ state: 'running', attempts: 1 })
      expect(job?.leaseExpiresAtMs).toBeLessThanOrEqual(Date.now())
      expect(await stored(h, media.id)).toMatchObject({ state: 'in_progress' })
      h.changes.clear()
      await h.drain(h.worker())
      await expectCompletedOnSecondAttempt(h, media.id, reached)
    },
    SLOW_MS,
  )

  it(
    'a worker process killed mid-transcode: a fresh worker completes the job once the lease ran out',
    async () => {
      const h = await harness('disk')
      const media = await h.upload(large, MP4)
      child = await startChildWorker(h, 2000)
      const reached = await transcoding(h, media.id)
      process.kill(-(child.pid as number), 'SIGKILL')
      await once(child, 'exit')
      expect((await readdir(h.workDir)).filter((entry) => entry.startsWith(`${media.id}.`))).toHaveLength(1)
      expect(await h.store.listJobs(media.id)).toMatchObject([{ state: 'running', attempts: 1 }])
      const fresh = h.worker({ leaseMs: 2000 })
      await claimWhenFree(() => fresh.runOnce())
      await expectCompletedOnSecondAttempt(h, media.id, reached)
    },
    SLOW_MS,
  )
})

/** The job ended on attempt 2 with X's 16:9 ladder, progress never below `reached`, nothing left behind. */
async function expectCompletedOnSecondAttempt(h: ProcessingHarness, id: string, reached: number): Promise<void> {
  const media = await stored(h, id)
  expect(media).toMatchObject({ state: 'succeeded', progressPercent: 100 })
  expect(await h.store.listJobs(id)).toMatchObject([{ state: 'done', attempts: 2 }])
  const variants = media.files.filter((file) => file.role === 'variant').map((v) => [v.width, v.height])
  expect(variants).toEqual([
    [1280, 720],
    [640, 360],
    [320, 180],
  ])
  const progress = (h.changes.get(id) ?? []).map((change) => change.progressPercent ?? 0)
  for (const percent of progress) expect(percent).toBeGreaterThanOrEqual(reached)
  expect(await h.blobs.list(`media/${id}/`)).toHaveLength(4)
  expect(await h.store.listSegments(id)).toEqual([])
  expect(await readdir(h.workDir)).toEqual([])
}

/** Starts `processing-worker-child.ts` under vite-node in its own process group; resolves once it polls. */
async function startChildWorker(h: ProcessingHarness, leaseMs: number): Promise<ChildProcess> {
  const viteNode = join(dirname(dirname(createRequire(import.meta.url).resolve('vite-node'))), 'vite-node.mjs')
  const script = fileURLToPath(new URL('../test-support/processing-worker-child.ts', import.meta.url))
  const args = [viteNode, script, h.dbPath, h.blobRoot, h.workDir, String(leaseMs)]
  const started = spawn(process.execPath, args, { detached: true, stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  for await (const chunk of started.stdout ?? []) {
    out += String(chunk)
    if (/^ready /m.test(out)) {
      started.stdout?.resume()
      return started
    }
  }
  throw new Error(`the child worker exited before it was ready: ${out}`)
}
