/**
 * Resume: an upload aborted half-way leaves a checkpoint on disk; a new client (as after a process
 * restart) continues it and sends only the segments the checkpoint lacks, counted at the proxy.
 * Checkpoints that expired, that the server refuses, or that describe other content start over.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { bearer } from '../bearer.js'
import type { CheckpointStore, UploadCheckpoint } from '../checkpoints/checkpoint-store.js'
import { MemoryCheckpointStore } from '../checkpoints/memory.js'
import { FileCheckpointStore } from '../node/file-checkpoint-store.js'
import { createClient } from '../node/node-client.js'
import { type FaultProxy, startFaultProxy } from '../test-support/fault-proxy.js'
import { type MediaFixtures, mediaFixtures } from '../test-support/media-fixtures.js'
import { sha256, startTestServer, type TestServer } from '../test-support/test-server.js'
import type { UploadOptions } from './upload-options.js'

const CHUNK_BYTES = 64 * 1024

let server: TestServer
let proxy: FaultProxy
let media: MediaFixtures
let dir: string
let clipPath: string

beforeAll(async () => {
  ;[server, media] = await Promise.all([startTestServer(), mediaFixtures()])
  dir = await mkdtemp(join(tmpdir(), 'birdhouse-resume-'))
  clipPath = join(dir, 'clip.mp4')
  await writeFile(clipPath, media.mp4)
  proxy = await startFaultProxy(server.url)
})
afterAll(async () => {
  await Promise.all([server.close(), proxy.close(), rm(dir, { recursive: true, force: true })])
})
afterEach(() => {
  proxy.rule = () => undefined
})

/** A fresh client, as a new process would make. */
const newClient = () => createClient({ apiBaseUrl: proxy.url, auth: bearer(server.token), env: {} })

const allIndexes = () => Array.from({ length: Math.ceil(media.mp4.length / CHUNK_BYTES) }, (_, i) => i)

/** Starts an upload of the clip and aborts it once `afterAcked` segments were acknowledged. */
async function abortedUpload(options: UploadOptions, afterAcked = 3): Promise<void> {
  const controller = new AbortController()
  const failure = await newClient()
    .uploadMedia(clipPath, {
      chunkBytes: CHUNK_BYTES,
      parallel: 2,
      ...options,
      signal: controller.signal,
      onProgress: (progress) => {
        if (progress.segmentsAcked >= afterAcked) controller.abort(new DOMException('stop', 'AbortError'))
      },
    })
    .catch((error: unknown) => error)
  expect(failure).toMatchObject({ name: 'AbortError' })
}

async function loaded(store: CheckpointStore, key: string): Promise<UploadCheckpoint> {
  const checkpoint = await store.load(key)
  if (checkpoint === undefined) throw new Error(`no checkpoint under ${key}`)
  return checkpoint
}

describe('resume', () => {
  it('continues after an abort, sending only the segments the checkpoint lacks', async () => {
    const store = new FileCheckpointStore(join(dir, 'checkpoints-1'))
    const resume = { store, key: 'clip' }
    await abortedUpload({ resume })
    const checkpoint = await loaded(store, 'clip')
    expect(checkpoint.ackedSegments.length).toBeGreaterThanOrEqual(3)
    expect(checkpoint.ackedSegments.length).toBeLessThan(allIndexes().length)
    const from = proxy.requests.length
    // A different chunk size now: the checkpoint's is kept, or the acknowledged segments would not fit.
    const result = await newClient().uploadMedia(clipPath, { chunkBytes: 1 << 20, resume, waitForProcessing: false })
    const sent = proxy.appends(from).map((request) => request.segmentIndex)
    expect([...sent].sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(
      allIndexes().filter((i) => !checkpoint.ackedSegments.includes(i)),
    )
    expect(proxy.requests.slice(from).filter((r) => r.command === 'INIT')).toHaveLength(0)
    expect(result).toMatchObject({ mediaId: checkpoint.mediaId, resumed: true, segmentsSent: sent.length })
    expect((await server.storedUpload(result.mediaId)).sha256).toBe(sha256(media.mp4))
    expect(await store.load('clip')).toBeUndefined()
  })

  it('finds the checkpoint of the same file path without an explicit key', async () => {
    const store = new FileCheckpointStore(join(dir, 'checkpoints-2'))
    await abortedUpload({ resume: { store } }, 2)
    const from = proxy.requests.length
    const result = await newClient().uploadMedia(clipPath, {
      chunkBytes: CHUNK_BYTES,
      resume: { store },
      waitForProcessing: false,
    })
    expect(result.resumed).toBe(true)
    expect(proxy.appends(from).length).toBe(result.segmentsSent)
    expect(result.segmentsSent).toBeLessThan(result.segmentsTotal)
    expect((await server.storedUpload(result.mediaId)).sha256).toBe(sha256(media.mp4))
  })

  it('starts over, cleanly, when the checkpoint has expired', async () => {
    const store = new FileCheckpointStore(join(dir, 'checkpoints-3'))
    const resume = { store, key: 'clip' }
    await abortedUpload({ resume })
    const stale = await loaded(store, 'clip')
    await store.save('clip', { ...stale, expiresAtMs: Date.now() - 1000 })
    const from = proxy.requests.length
    const result = await newClient().uploadMedia(clipPath, {
      chunkBytes: CHUNK_BYTES,
      resume,
      waitForProcessing: false,
    })
    expect(result.resumed).toBe(false)
    expect(result.mediaId).not.toBe(stale.mediaId)
    expect(proxy.requests.slice(from).filter((r) => r.command === 'INIT')).toHaveLength(1)
    expect(proxy.appends(from)).toHaveLength(allIndexes().length)
    expect((await server.storedUpload(result.mediaId)).sha256).toBe(sha256(media.mp4))
  })

  it('starts over when the server no longer knows the checkpointed media id', async () => {
    const store = new FileCheckpointStore(join(dir, 'checkpoints-4'))
    const resume = { store, key: 'clip' }
    await abortedUpload({ resume })
    const checkpoint = await loaded(store, 'clip')
    await store.save('clip', { ...checkpoint, mediaId: '1234567890' })
    const from = proxy.requests.length
    const result = await newClient().uploadMedia(clipPath, {
      chunkBytes: CHUNK_BYTES,
      resume,
      waitForProcessing: false,
    })
    expect(result.resumed).toBe(false)
    const refused = proxy.requests.slice(from).filter((r) => r.status === 400)
    expect(refused.length).toBeGreaterThan(0)
    expect(proxy.requests.slice(from).filter((r) => r.command === 'INIT')).toHaveLength(1)
    expect((await server.storedUpload(result.mediaId)).sha256).toBe(sha256(media.mp4))
    expect(await store.load('clip')).toBeUndefined()
  })

  it('starts over when the content changed under the same key', async () => {
    const store = new MemoryCheckpointStore()
    const client = newClient()
    const other = Buffer.from(media.mp4)
    other[other.length - 1] = (other[other.length - 1] ?? 0) ^ 0xff
    await store.save('clip', {
      version: 1,
      mediaId: '1234567890',
      fingerprint: 'v1:something-else',
      totalBytes: other.length,
      chunkBytes: CHUNK_BYTES,
      mediaType: 'video/mp4',
      mediaCategory: 'tweet_video',
      wireStyle: 'v2',
      baseUrl: proxy.url,
      ackedSegments: [0, 1],
      expiresAtMs: Date.now() + 3_600_000,
    })
    const from = proxy.requests.length
    const result = await client.uploadMedia(other, {
      chunkBytes: CHUNK_BYTES,
      resume: { store, key: 'clip' },
      waitForProcessing: false,
    })
    expect(result.resumed).toBe(false)
    expect(proxy.requests.slice(from).filter((r) => r.status === 400)).toHaveLength(0)
    expect((await server.storedUpload(result.mediaId)).sha256).toBe(sha256(other))
  })

  it('resumes a stream with a caller-given fingerprint, skipping the acknowledged bytes', async () => {
    const store = new MemoryCheckpointStore()
    const bytes = media.mp4
    const source = () => ({
      stream: async function* () {
        for (let at = 0; at < bytes.length; at += 5000) yield bytes.subarray(at, at + 5000)
      },
      size: bytes.length,
    })
    const resume = { store, key: 'stream', fingerprint: sha256(bytes) }
    const controller = new AbortController()
    await newClient()
      .uploadMedia(source(), {
        chunkBytes: CHUNK_BYTES,
        parallel: 1,
        resume,
        signal: controller.signal,
        onProgress: (progress) => progress.segmentsAcked >= 4 && controller.abort(),
      })
      .catch(() => undefined)
    const checkpoint = await loaded(store, 'stream')
    const from = proxy.requests.length
    const result = await newClient().uploadMedia(source(), {
      chunkBytes: CHUNK_BYTES,
      resume,
      waitForProcessing: false,
    })
    expect(result.resumed).toBe(true)
    expect(proxy.appends(from).map((r) => r.segmentIndex)).toEqual(
      allIndexes().filter((i) => !checkpoint.ackedSegments.includes(i)),
    )
    expect((await server.storedUpload(result.mediaId)).sha256).toBe(sha256(bytes))
  })
})
