/**
 * The processing wait: against a real app with a worker (a video that succeeds, a corrupt MP4
 * that fails with X's error triple), and against a scripted STATUS sequence for the rules the
 * server never exercises (`in_progress` with an `error`, missing `check_after_secs`, the deadline).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bearer } from '../bearer.js'
import { createClient } from '../client.js'
import { isTimeoutError, isXApiError, type TimeoutError } from '../errors.js'
import { DEFAULT_RETRY } from '../http/retry.js'
import { type MediaFixtures, mediaFixtures } from '../test-support/media-fixtures.js'
import { startTestServer, type TestServer } from '../test-support/test-server.js'
import type { UploadWire } from '../wire/upload-wire.js'
import type { ProcessingStatus, UploadAnswer } from '../wire/uploaded-media.js'
import { waitForProcessing } from './processing-wait.js'
import type { UploadProgress } from './upload-options.js'

describe('processing against a real worker', () => {
  let server: TestServer
  let media: MediaFixtures
  beforeAll(async () => {
    ;[server, media] = await Promise.all([startTestServer({ processing: true }), mediaFixtures()])
  })
  afterAll(() => server.close())

  it('waits until a video succeeded, reporting processing progress', async () => {
    const client = createClient({ apiBaseUrl: server.url, auth: bearer(server.token) })
    const events: UploadProgress[] = []
    const result = await client.uploadMedia(media.mp4, { onProgress: (event) => events.push(event) })
    expect(result.processing?.state).toBe('succeeded')
    expect(result.video).toEqual({ videoType: 'video/mp4' })
    expect(events.some((event) => event.phase === 'processing')).toBe(true)
    expect(events.at(-1)).toMatchObject({ phase: 'processing', processingPercent: 100, mediaId: result.mediaId })
  })

  it('fails a corrupt MP4 with an XApiError carrying X code, name and message', async () => {
    const client = createClient({ apiBaseUrl: server.url, auth: bearer(server.token) })
    const failure = await client.uploadMedia(media.corruptMp4).catch((error: unknown) => error)
    expect(isXApiError(failure)).toBe(true)
    if (!isXApiError(failure)) return
    expect(failure.processingError).toEqual({ code: 1, name: 'InvalidMedia', message: 'Unsupported video format' })
    expect(failure.status).toBe(200)
    expect(failure.mediaId).toMatch(/^\d+$/)
    expect(failure.message).toContain('InvalidMedia')
  })

  it('waits for media by id through every wire style', async () => {
    const client = createClient({ apiBaseUrl: server.url, auth: bearer(server.token) })
    const { mediaId } = await client.uploadMedia(media.gif, { waitForProcessing: false })
    for (const wireStyle of ['v2', 'v2-command', 'v1.1'] as const) {
      const done = await client.waitForProcessing(mediaId, { wireStyle })
      expect(done.processing?.state).toBe('succeeded')
    }
  })
})

/** A wire whose STATUS answers come from a script. */
function scriptedWire(script: ProcessingStatus[]): UploadWire & { polls: number } {
  const wire = {
    style: 'v2' as const,
    baseUrl: 'http://scripted',
    polls: 0,
    init: () => Promise.reject(new Error('unused')),
    append: () => Promise.reject(new Error('unused')),
    finalize: () => Promise.reject(new Error('unused')),
    status: async () => {
      const processing = script[wire.polls] ?? script.at(-1)
      wire.polls += 1
      return answer(processing)
    },
  }
  return wire
}

function answer(processing: ProcessingStatus | undefined): UploadAnswer {
  return {
    method: 'GET',
    url: 'http://scripted/2/media/upload?media_id=1',
    status: 200,
    media: {
      mediaId: '1',
      mediaKey: '7_1',
      sizeBytes: 10,
      expiresAfterSecs: 100,
      image: undefined,
      video: undefined,
      processing,
    },
  }
}

const state = (s: string, extra: Partial<ProcessingStatus> = {}): ProcessingStatus => ({
  state: s,
  checkAfterSecs: undefined,
  progressPercent: undefined,
  error: undefined,
  ...extra,
})

/** Waits recorded instead of spent, on a clock they advance. */
function fakeTime() {
  let nowMs = 0
  const waits: number[] = []
  return {
    waits,
    now: () => nowMs,
    sleep: async (ms: number) => {
      waits.push(ms)
      nowMs += ms
    },
  }
}

describe('waitForProcessing rules', () => {
  it('waits check_after_secs before the first poll and between polls', async () => {
    const time = fakeTime()
    const wire = scriptedWire([state('in_progress', { checkAfterSecs: 5, progressPercent: 40 }), state('succeeded')])
    const first = answer(state('pending', { checkAfterSecs: 3 }))
    const last = await waitForProcessing(wire, first, { timeoutMs: 60_000, policy: DEFAULT_RETRY, ...time })
    expect(time.waits).toEqual([3000, 5000])
    expect(last.media.processing?.state).toBe('succeeded')
  })

  it('backs off 1, 2, 4 s when check_after_secs is missing, and keeps polling unknown states', async () => {
    const time = fakeTime()
    const wire = scriptedWire([state('uploading'), state('in_progress'), state('succeeded')])
    await waitForProcessing(wire, answer(state('pending')), { timeoutMs: 60_000, policy: DEFAULT_RETRY, ...time })
    expect(time.waits).toEqual([1000, 2000, 4000])
  })

  it('treats in_progress with an error as a failure', async () => {
    const time = fakeTime()
    const error = { code: 3, name: 'UnsupportedMedia', message: 'Duration exceeds max duration' }
    const wire = scriptedWire([state('in_progress', { checkAfterSecs: 1, progressPercent: 99, error })])
    const failure = await waitForProcessing(wire, answer(state('pending', { checkAfterSecs: 1 })), {
      timeoutMs: 60_000,
      policy: DEFAULT_RETRY,
      ...time,
    }).catch((e: unknown) => e)
    expect(isXApiError(failure) && failure.processingError).toEqual(error)
    expect(wire.polls).toBe(1)
  })

  it('gives up at the overall deadline with a TimeoutError', async () => {
    const time = fakeTime()
    const wire = scriptedWire([state('in_progress', { checkAfterSecs: 10 })])
    const failure = await waitForProcessing(wire, answer(state('pending', { checkAfterSecs: 10 })), {
      timeoutMs: 25_000,
      policy: DEFAULT_RETRY,
      ...time,
    }).catch((e: unknown) => e)
    expect(isTimeoutError(failure)).toBe(true)
    expect((failure as TimeoutError).kind).toBe('processing')
    expect(time.waits).toEqual([10_000, 10_000, 5000])
  })

  it('returns at once for media without processing', async () => {
    const time = fakeTime()
    const wire = scriptedWire([])
    await waitForProcessing(wire, answer(undefined), { timeoutMs: 1, policy: DEFAULT_RETRY, ...time })
    expect([wire.polls, time.waits]).toEqual([0, []])
  })
})
