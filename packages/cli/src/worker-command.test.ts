/**
 * `birdhouse worker` as a process of its own next to an app with no workers (`BIRDHOUSE_WORKERS=0`)
 * on one SQLite data directory: the app queues a video, the worker process processes it, and
 * SIGTERM stops the worker with exit code 0. The command runs from source under vite-node.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import {
  type AppStores,
  buildApp,
  ensureUser,
  issueToken,
  loadConfig,
  openStores,
  SnowflakeGenerator,
  systemClock,
} from '@birdhouse/server'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'

const SLOW_MS = 60_000

type App = Awaited<ReturnType<typeof buildApp>>
let dataDir: string
let worker: ChildProcess | undefined
let app: App | undefined
let stores: AppStores | undefined

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'birdhouse-cli-worker-'))
})

afterEach(async () => {
  if (worker?.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL')
  await app?.close()
  await Promise.all([stores?.metadata.close(), stores?.blobs.close()])
  await rm(dataDir, { recursive: true, force: true })
  ;[worker, app, stores] = [undefined, undefined, undefined]
})

/** Starts `birdhouse worker` on the data dir; resolves once it says it is processing. */
async function startWorker(): Promise<{ child: ChildProcess; output: () => string }> {
  const viteNode = join(dirname(dirname(createRequire(import.meta.url).resolve('vite-node'))), 'vite-node.mjs')
  const bin = fileURLToPath(new URL('./bin.ts', import.meta.url))
  const child = spawn(process.execPath, [viteNode, bin, 'worker', '--concurrency', '1', '--data-dir', dataDir], {
    env: { ...process.env, BIRDHOUSE_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let out = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    out += String(chunk)
  })
  for (let i = 0; i < 600 && !out.includes('is processing'); i++) {
    if (child.exitCode !== null) throw new Error(`birdhouse worker exited: ${out}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return { child, output: () => out }
}

async function tinyMp4(): Promise<Buffer> {
  const path = join(dataDir, 'clip.mp4')
  const lavfi = ['-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=15', '-t', '1']
  await promisify(execFile)('/usr/bin/ffmpeg', [
    '-v',
    'error',
    '-y',
    ...lavfi,
    '-c:v',
    'libx264',
    '-pix_fmt',
    'yuv420p',
    path,
  ])
  return await readFile(path)
}

describe('birdhouse worker', () => {
  it(
    'processes what a server without workers queued, and exits 0 on SIGTERM',
    async () => {
      const started = await startWorker()
      worker = started.child
      expect(started.output()).toMatch(/^birdhouse worker worker-[0-9a-f]+ is processing, 1 job\(s\) at once$/m)
      const config = loadConfig({ BIRDHOUSE_DATA_DIR: dataDir, BIRDHOUSE_WORKERS: '0' })
      stores = await openStores(config)
      app = await buildApp({ config, stores, logger: false })
      const { user } = await ensureUser(stores.metadata, new SnowflakeGenerator(systemClock, 3), systemClock, 'cli')
      const headers = { authorization: `Bearer ${await issueToken(stores.auth, systemClock, user.id)}` }
      const mp4 = await tinyMp4()
      const send = (method: 'GET' | 'POST', url: string, payload?: object) =>
        (app as App).inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) })
      const init = await send('POST', '/2/media/upload/initialize', {
        media_type: 'video/mp4',
        total_bytes: mp4.length,
        media_category: 'tweet_video',
      })
      const id = (init.json() as { data: { id: string } }).data.id
      await send('POST', `/2/media/upload/${id}/append`, { media: mp4.toString('base64'), segment_index: 0 })
      expect((await send('POST', `/2/media/upload/${id}/finalize`)).statusCode).toBe(200)
      let state = 'pending'
      for (let i = 0; i < 600 && (state === 'pending' || state === 'in_progress'); i++) {
        await new Promise((resolve) => setTimeout(resolve, 50))
        const status = await send('GET', `/2/media/upload?command=STATUS&media_id=${id}`)
        state = (status.json() as { data: { processing_info: { state: string } } }).data.processing_info.state
      }
      expect(state).toBe('succeeded')
      // The media turns succeeded just before the worker closes its job: wait for that too.
      let jobs = await stores.metadata.listJobs(id)
      for (let i = 0; i < 200 && jobs[0]?.state === 'running'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 25))
        jobs = await stores.metadata.listJobs(id)
      }
      expect(jobs).toMatchObject([{ state: 'done', leaseOwner: null }])
      const exited = once(worker, 'exit')
      worker.kill('SIGTERM')
      expect(await exited).toEqual([0, null])
      expect(started.output()).toContain('SIGTERM: shutting down')
    },
    SLOW_MS,
  )
})
