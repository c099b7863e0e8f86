/**
 * Crash safety of chunked uploads. Twenty uploads (v2 dedicated endpoints, real MP4s of 2–4 MB in
 * 256 KiB segments, several APPENDs in flight, streamed multipart bodies) run until a share of
 * their segments is acknowledged; then a few APPENDs are held mid-body and the server is
 * SIGKILLed under them. After a restart on the same data dir, each upload re-sends every segment
 * that had no 2xx (the ones in flight included) and is finalized. Every FINALIZE must report the
 * source size, the segment files must be exactly 0…n-1 and hash to the source, and processing must
 * still succeed. Temp files the crash left in `blobs/.tmp` are allowed (the store sweeps them
 * after an hour); a stray segment file is not. Runs on SQLite and on PostgreSQL (which outlives the
 * killed server, so its commits are not at stake, only birdhouse's ordering of file and row writes).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type CrashUpload, finalizeUpload, initializeUpload, pollStatus, runAppends } from './crash-uploads.js'
import { backendCases, registerUnavailable, useBirdhouse } from './harness.js'
import { encodeMp4, padMp4, sha256File } from './media.js'
import { listBlobFolder, readStoredUpload } from './stored-bytes.js'

const UPLOADS = 20
const SEGMENT_BYTES = 256 * 1024
const CONCURRENCY = 6
/** Acknowledged APPENDs before the crash is staged: about a quarter of all segments. */
const ACKS_BEFORE_CRASH = 60
/** APPENDs held mid-body when the server dies. */
const HELD_APPENDS = 3
const BOUNDED_WAIT_MS = 30_000

const backends = await backendCases()

describe.each(backends)('crash during chunked uploads on $name', (backend) => {
  if (registerUnavailable(backend)) return
  // No in-process workers until the bytes are checked: processing releases the segment files.
  const server = useBirdhouse({ backend: backend.name, env: { BIRDHOUSE_WORKERS: '0' } })
  const uploads: CrashUpload[] = []
  let dir = ''

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'birdhouse-crash-'))
    const base = join(dir, 'base.mp4')
    await encodeMp4(base, 4, 3000)
    const mp4 = await readFile(base)
    for (let i = 0; i < UPLOADS; i++) {
      // 2 MiB … 4 MiB, never a multiple of the segment size, random filler so every file differs.
      const bytes = padMp4(mp4, 2 * 1024 * 1024 + i * 104_857 + 1_001, 'random')
      const file = join(dir, `source-${i}.mp4`)
      await writeFile(file, bytes)
      uploads.push({ file, bytes, sha256: await sha256File(file), id: '', acked: new Set() })
    }
  })

  afterAll(async () => {
    if (dir !== '') await rm(dir, { recursive: true, force: true })
  })

  it('initializes twenty uploads', async () => {
    for (const upload of uploads) upload.id = await initializeUpload(server(), upload.bytes.length)
    expect(new Set(uploads.map((u) => u.id)).size).toBe(UPLOADS)
  })

  it('SIGKILLs the server while APPENDs are mid-body', async () => {
    const live = server()
    const run = runAppends(live, uploads, {
      segmentBytes: SEGMENT_BYTES,
      concurrency: CONCURRENCY,
      holdAfterAcks: ACKS_BEFORE_CRASH,
      held: HELD_APPENDS,
    })
    await withDeadline(run.heldHalfSent, 'held APPENDs to send half their bodies')
    // The server is writing them: each has a temp file in the blob store.
    await waitFor(async () => (await listBlobFolder(live.dataDir, '.tmp')).length >= HELD_APPENDS)
    await live.kill('SIGKILL')
    const outcome = await withDeadline(run.settled(), 'APPENDs to fail after the kill')
    expect(outcome.acked).toBeGreaterThanOrEqual(ACKS_BEFORE_CRASH)
    expect(outcome.failed).toBeGreaterThanOrEqual(HELD_APPENDS)
    expect(outcome.unsent).toBeGreaterThan(0)
  })

  it('restarts on the same data dir', async () => {
    await server().restart()
    expect(server().url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
  })

  it('finishes every upload by re-sending the unacknowledged segments', async () => {
    const run = runAppends(server(), uploads, { segmentBytes: SEGMENT_BYTES, concurrency: CONCURRENCY })
    const outcome = await withDeadline(run.settled(), 'the remaining APPENDs')
    expect(outcome.failed).toBe(0)
    for (const upload of uploads) {
      expect(upload.acked.size).toBe(Math.ceil(upload.bytes.length / SEGMENT_BYTES))
    }
  })

  it('FINALIZE reports the source size of every upload', async () => {
    for (const upload of uploads) {
      const { status, data } = await finalizeUpload(server(), upload.id)
      expect(status).toBe(200)
      expect(data).toMatchObject({ id: upload.id, size: upload.bytes.length, processing_info: { state: 'pending' } })
    }
  })

  it('stores exactly the source bytes, as segments 0…n-1 with no stray segment file', async () => {
    for (const upload of uploads) {
      const stored = await readStoredUpload(server().dataDir, upload.id)
      const segments = Math.ceil(upload.bytes.length / SEGMENT_BYTES)
      expect(stored.indexes, `segment files of ${upload.id}`).toEqual(Array.from({ length: segments }, (_, i) => i))
      expect(stored.sizeBytes).toBe(upload.bytes.length)
      expect(stored.sha256, `sha256 of ${upload.id}`).toBe(upload.sha256)
    }
  })

  it('processes every upload to succeeded after the restart', async () => {
    await server().restart({ BIRDHOUSE_WORKERS: '2' })
    for (const upload of uploads) {
      const info = await pollStatus(server(), upload.id, BOUNDED_WAIT_MS)
      expect(info, `processing of ${upload.id}`).toMatchObject({ state: 'succeeded' })
    }
  })
})

async function withDeadline<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`timed out after ${BOUNDED_WAIT_MS} ms waiting for ${what}`)),
      BOUNDED_WAIT_MS,
    )
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + BOUNDED_WAIT_MS
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${BOUNDED_WAIT_MS} ms`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
