/**
 * The client side of the crash test: uploads driven through the v2 dedicated endpoints with fetch.
 * `runAppends` sends every segment not yet acknowledged, round-robin across uploads so all of them
 * are mid-upload at once, `concurrency` requests in flight. With `holdAfterAcks`, once that many
 * APPENDs were acknowledged the next `held` ones pause halfway through their bodies; after the first
 * network error (the server died) no new APPEND starts. Only a 2xx marks a segment acknowledged.
 */
import type { ProcessingInfo } from '@birdhouse/protocol'
import type { BirdhouseServer } from './harness.js'
import { appendStreamed } from './streamed-append.js'

/** One upload of the crash test. */
export interface CrashUpload {
  file: string
  bytes: Buffer
  sha256: string
  id: string
  /** Segment indexes the server answered with a 2xx. */
  acked: Set<number>
}

/** Options of `runAppends`. */
export interface AppendRunOptions {
  segmentBytes: number
  /** APPENDs in flight at once. */
  concurrency: number
  /** Acknowledged APPENDs (in this run) after which the next `held` APPENDs pause mid-body. */
  holdAfterAcks?: number
  /** How many APPENDs to hold (default 0). */
  held?: number
}

/** Counts of one run. */
export interface AppendOutcome {
  acked: number
  /** APPENDs that got no 2xx (network error or error status). */
  failed: number
  /** Segments never started. */
  unsent: number
  /** What went wrong, for assertion messages. */
  errors: string[]
}

/** A run in progress. */
export interface AppendRun {
  /** Resolves once every held APPEND has sent half of its body (immediately without holding). */
  heldHalfSent: Promise<void>
  /** Resolves when no APPEND is in flight any more. */
  settled(): Promise<AppendOutcome>
}

interface Task {
  upload: CrashUpload
  index: number
}

function pendingTasks(uploads: readonly CrashUpload[], segmentBytes: number): Task[] {
  const tasks: Task[] = []
  const most = Math.max(...uploads.map((u) => Math.ceil(u.bytes.length / segmentBytes)))
  for (let index = 0; index < most; index++) {
    for (const upload of uploads) {
      if (index * segmentBytes < upload.bytes.length && !upload.acked.has(index)) tasks.push({ upload, index })
    }
  }
  return tasks
}

/** Sends the unacknowledged segments of `uploads`. */
export function runAppends(
  server: BirdhouseServer,
  uploads: readonly CrashUpload[],
  options: AppendRunOptions,
): AppendRun {
  const queue = pendingTasks(uploads, options.segmentBytes)
  const outcome: AppendOutcome = { acked: 0, failed: 0, unsent: 0, errors: [] }
  const held = options.held ?? 0
  const halves: Promise<void>[] = []
  let openGate: () => void = () => {}
  const gate = new Promise<void>((resolve) => {
    openGate = resolve
  })
  let allHeld: () => void = () => {}
  const heldHalfSent = new Promise<void>((resolve) => {
    allHeld = resolve
  })
  if (held === 0) allHeld()
  let serverGone = false

  async function worker(): Promise<void> {
    for (let task = queue.shift(); task !== undefined && !serverGone; task = queue.shift()) {
      const hold = options.holdAfterAcks !== undefined && outcome.acked >= options.holdAfterAcks && halves.length < held
      const { upload, index } = task
      const start = index * options.segmentBytes
      const append = appendStreamed({
        baseUrl: server.url,
        token: server.token,
        mediaId: upload.id,
        segmentIndex: index,
        chunk: upload.bytes.subarray(start, start + options.segmentBytes),
        ...(hold ? { gate } : {}),
      })
      if (hold) {
        halves.push(append.halfSent)
        if (halves.length === held) void Promise.all(halves).then(allHeld)
      }
      try {
        const response = await append.response
        const text = await response.text()
        if (response.ok) {
          upload.acked.add(index)
          outcome.acked++
        } else {
          outcome.failed++
          outcome.errors.push(`${upload.id}#${index}: HTTP ${response.status} ${text}`)
        }
      } catch (error) {
        outcome.failed++
        outcome.errors.push(`${upload.id}#${index}: ${(error as Error).message}`)
        serverGone = true
      }
    }
  }

  const workers = Array.from({ length: options.concurrency }, () => worker())
  return {
    heldHalfSent,
    settled: async () => {
      await Promise.all(workers)
      openGate()
      outcome.unsent = queue.length
      return outcome
    },
  }
}

async function call(server: BirdhouseServer, path: string, init: RequestInit = {}): Promise<Response> {
  return await fetch(`${server.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${server.token}`, ...(init.headers as Record<string, string>) },
  })
}

/** Initializes a tweet_video upload of `totalBytes`; resolves to its id. */
export async function initializeUpload(server: BirdhouseServer, totalBytes: number): Promise<string> {
  const response = await call(server, '/2/media/upload/initialize', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ media_type: 'video/mp4', total_bytes: totalBytes, media_category: 'tweet_video' }),
  })
  const text = await response.text()
  if (response.status !== 200) throw new Error(`initialize answered ${response.status}: ${text}`)
  return (JSON.parse(text) as { data: { id: string } }).data.id
}

/** Finalizes an upload. */
export async function finalizeUpload(server: BirdhouseServer, id: string): Promise<{ status: number; data: unknown }> {
  const response = await call(server, `/2/media/upload/${id}/finalize`, { method: 'POST' })
  const text = await response.text()
  return { status: response.status, data: (JSON.parse(text) as { data?: unknown }).data ?? text }
}

/** Polls STATUS until processing ends or `maxWaitMs` passes; resolves to the last `processing_info`. */
export async function pollStatus(
  server: BirdhouseServer,
  id: string,
  maxWaitMs: number,
): Promise<ProcessingInfo | undefined> {
  const deadline = Date.now() + maxWaitMs
  for (;;) {
    const response = await call(server, `/2/media/upload?media_id=${id}`)
    const info = ((await response.json()) as { data?: { processing_info?: ProcessingInfo } }).data?.processing_info
    if (info === undefined || info.state === 'succeeded' || info.state === 'failed' || Date.now() > deadline) {
      return info
    }
    await new Promise((resolve) => setTimeout(resolve, (info.check_after_secs ?? 1) * 1000))
  }
}
