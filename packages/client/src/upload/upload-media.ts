/**
 * The upload engine: plan (sniff, category, preflight) → resume or INIT → parallel APPENDs with
 * per-segment retry → FINALIZE → processing wait. A checkpointed upload that the server no longer
 * knows (unknown or expired media id) starts over once, from a fresh INIT and byte 0.
 */
import { SNIFF_BYTES } from '@birdhouse/protocol'
import { type RetryOptions, type RetryPolicy, resolveRetry, withRetry } from '../http/retry.js'
import type { HttpContext } from '../http/send-request.js'
import type { ByteSource } from '../sources/byte-source.js'
import { type BaseUrls, buildUploadWire, type UploadWire } from '../wire/upload-wire.js'
import type { UploadAnswer } from '../wire/uploaded-media.js'
import { type MediaPlan, planMedia } from './media-plan.js'
import { waitForProcessing } from './processing-wait.js'
import { isRefusedResume, openResume, type ResumeSession } from './resume.js'
import { effectiveChunkBytes, layoutSegments, type Segment, sendSegments } from './segments.js'
import {
  DEFAULT_CHUNK_BYTES,
  DEFAULT_PARALLEL,
  DEFAULT_PROCESSING_TIMEOUT_MS,
  type UploadOptions,
  type UploadProgress,
  type UploadResult,
} from './upload-options.js'

/** What the engine needs from its client. */
export interface EngineContext {
  http: HttpContext
  urls: BaseUrls
  /** The client's retry policy, which `UploadOptions.retry` refines. */
  retry: RetryOptions | undefined
}

/** Seconds X gives an upload when INIT does not say (its usual 86 400, spec §8.7). */
const DEFAULT_UPLOAD_WINDOW_SECS = 86_400

/** One run of the upload: from a checkpoint, or fresh. */
interface Run {
  mediaId: string
  mediaKey: string | undefined
  chunkBytes: number
  acked: Set<number>
  resumed: boolean
}

class Upload {
  readonly #source: ByteSource
  readonly #plan: MediaPlan
  readonly #wire: UploadWire
  readonly #options: UploadOptions
  readonly #resume: ResumeSession | undefined
  readonly #policy: RetryPolicy

  constructor(wire: UploadWire, source: ByteSource, plan: MediaPlan, options: UploadOptions, resume?: ResumeSession) {
    this.#wire = wire
    this.#source = source
    this.#plan = plan
    this.#options = options
    this.#resume = resume
    this.#policy = resolveRetry(options.retry)
  }

  async #retry<T>(run: () => Promise<T>, signal = this.#options.signal): Promise<T> {
    return withRetry(run, { policy: this.#policy, signal })
  }

  async #start(): Promise<Run> {
    const checkpoint = this.#resume?.checkpoint
    if (checkpoint !== undefined) {
      const { mediaId, mediaKey, chunkBytes, ackedSegments } = checkpoint
      return { mediaId, mediaKey, chunkBytes, acked: new Set(ackedSegments), resumed: true }
    }
    const { totalBytes, mediaType, mediaCategory } = this.#plan
    const { additionalOwners, shared, signal } = this.#options
    const chunkBytes = effectiveChunkBytes(totalBytes, this.#options.chunkBytes ?? DEFAULT_CHUNK_BYTES)
    const initAtMs = Date.now()
    const media = await this.#retry(() =>
      this.#wire.init({ totalBytes, mediaType, mediaCategory, additionalOwners, shared }, signal),
    )
    await this.#resume?.begin({
      mediaId: media.mediaId,
      mediaKey: media.mediaKey,
      totalBytes,
      chunkBytes,
      mediaType,
      mediaCategory,
      wireStyle: this.#wire.style,
      baseUrl: this.#wire.baseUrl,
      expiresAtMs: initAtMs + (media.expiresAfterSecs ?? DEFAULT_UPLOAD_WINDOW_SECS) * 1000,
    })
    return { mediaId: media.mediaId, mediaKey: media.mediaKey, chunkBytes, acked: new Set(), resumed: false }
  }

  #progress(run: Run, segments: readonly Segment[], extra: Partial<UploadProgress> = {}): void {
    const acked = segments.filter((segment) => run.acked.has(segment.index))
    this.#options.onProgress?.({
      phase: 'upload',
      mediaId: run.mediaId,
      bytesSent: acked.reduce((sum, segment) => sum + segment.end - segment.start, 0),
      totalBytes: this.#plan.totalBytes,
      segmentsAcked: acked.length,
      segmentsTotal: segments.length,
      ...extra,
    })
  }

  /** Uploads and finalizes; resolves to FINALIZE's (or the last STATUS's) answer. */
  async run(): Promise<UploadResult> {
    const { signal } = this.#options
    const run = await this.#start()
    const segments = layoutSegments(this.#plan.totalBytes, run.chunkBytes)
    const pending = segments.filter((segment) => !run.acked.has(segment.index))
    this.#progress(run, segments)
    await sendSegments({
      source: this.#source,
      segments: pending,
      parallel: this.#options.parallel ?? DEFAULT_PARALLEL,
      signal,
      send: (segment, bytes, slot) =>
        this.#retry(() => this.#wire.append(run.mediaId, segment.index, bytes, slot), slot),
      onAck: async (segment) => {
        run.acked.add(segment.index)
        await this.#resume?.ack(segment.index)
        this.#progress(run, segments)
      },
    })
    let answer = await this.#retry(() => this.#wire.finalize(run.mediaId, signal))
    await this.#resume?.discard()
    if (this.#options.waitForProcessing !== false) answer = await this.#wait(run, segments, answer)
    return this.#result(run, segments.length, pending.length, answer)
  }

  async #wait(run: Run, segments: readonly Segment[], answer: UploadAnswer): Promise<UploadAnswer> {
    const report = (percent: number | undefined) =>
      this.#progress(run, segments, {
        phase: 'processing',
        ...(percent === undefined ? {} : { processingPercent: percent }),
      })
    if (answer.media.processing !== undefined) report(answer.media.processing.progressPercent)
    return waitForProcessing(this.#wire, answer, {
      timeoutMs: this.#options.processingTimeoutMs ?? DEFAULT_PROCESSING_TIMEOUT_MS,
      policy: this.#policy,
      signal: this.#options.signal,
      onStatus: (status) => report(status.progressPercent),
    })
  }

  #result(run: Run, segmentsTotal: number, segmentsSent: number, answer: UploadAnswer): UploadResult {
    const media = answer.media
    return {
      mediaId: media.mediaId,
      mediaKey: media.mediaKey ?? run.mediaKey,
      mediaType: this.#plan.mediaType,
      mediaCategory: this.#plan.mediaCategory,
      sizeBytes: media.sizeBytes ?? this.#plan.totalBytes,
      expiresAfterSecs: media.expiresAfterSecs,
      image: media.image,
      video: media.video,
      processing: media.processing,
      resumed: run.resumed,
      segmentsSent,
      segmentsTotal,
    }
  }
}

/** Uploads `source` (which the caller closes). */
export async function uploadFromSource(
  context: EngineContext,
  source: ByteSource,
  options: UploadOptions = {},
): Promise<UploadResult> {
  const parallel = options.parallel ?? DEFAULT_PARALLEL
  if (!Number.isSafeInteger(parallel) || parallel < 1) throw new RangeError('parallel must be a positive integer')
  effectiveChunkBytes(source.size, options.chunkBytes ?? DEFAULT_CHUNK_BYTES)
  const plan = planMedia(await source.head(SNIFF_BYTES), source.size, options)
  const wire = buildUploadWire(options.wireStyle ?? 'v2', context.http, context.urls)
  const effective = { ...options, retry: resolveRetry(context.retry, options.retry) }
  const resume = await openResume(options.resume, source, plan, wire)
  const resuming = resume?.checkpoint !== undefined
  try {
    return await new Upload(wire, source, plan, effective, resume).run()
  } catch (error) {
    if (!resuming || resume === undefined || !isRefusedResume(error) || options.signal?.aborted) throw error
    // The server no longer knows the checkpointed upload: forget it and start over from byte 0.
    await resume.discard()
    await source.restart()
    return await new Upload(wire, source, plan, effective, resume).run()
  }
}
