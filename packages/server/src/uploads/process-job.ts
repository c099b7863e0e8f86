/**
 * One claimed `process-media` job, start to end: mark the media `in_progress`, run the pipeline
 * (`process-media.ts`) in a work directory of this attempt's own, publish the outputs to the blob
 * store, commit `succeeded` with the files and the video's facts, and only then release the upload's
 * segments and delete their bytes: originals go once the processed output is durable. A media that
 * fails (X's reasons) also loses its segments. Progress is written through a `ProgressReporter`,
 * so it is throttled and never goes backwards, not even across attempts.
 *
 * Throws for anything the worker should retry (our machine, the database) or that aborted the job.
 */
import { CATEGORY_LIMITS, defaultCategoryForKind, kindOfMediaType, type LimitsProfile } from '@birdhouse/protocol'
import type { Logger } from '../logger.js'
import type { MediaTools } from '../processing/binaries.js'
import type { BlobStore } from '../stores/blob-store.js'
import type { JobRecord, MediaFile, MediaRecord, MetadataStore, ProcessingFailure } from '../stores/metadata-store.js'
import { type ProcessingResult, processMedia } from './process-media.js'
import { ProgressReporter } from './progress-reporter.js'
import { attemptPrefix, processedPrefix, publishFiles, removeUnreferenced } from './publish-files.js'
import { openWorkDir } from './work-dir.js'

/** X's failure for media we could not process however often we tried. */
export const INTERNAL_FAILURE: ProcessingFailure = { code: 2, name: 'InternalError', message: 'Internal error' }

/** Why a job was interrupted: the worker stops, or another worker holds the job now. */
export class JobAbort extends Error {
  readonly why: 'stopped' | 'lease-lost'
  constructor(why: 'stopped' | 'lease-lost') {
    super(why === 'stopped' ? 'the worker is stopping' : 'the job lease was lost')
    this.name = 'JobAbort'
    this.why = why
  }
}

/** What a job needs: the stores, the tools and the worker's settings. */
export interface ProcessingJobContext {
  store: MetadataStore
  blobs: BlobStore
  limits: LimitsProfile
  mediaTools: () => Promise<Pick<MediaTools, 'ffprobePath' | 'ffmpegPath'>>
  /** Parent of the work directories. */
  workDir: string
  workerId: string
  /** Claims after which the job is failed without running. */
  maxAttempts: number
  progressIntervalMs: number
  logger: Logger
}

/** What one attempt has on top of the worker's context. */
export interface JobAttempt {
  /** Kills the running tool; the job then rejects with the signal's reason. */
  signal: AbortSignal
  /** Renews the lease for a full term; rejects with `JobAbort('lease-lost')` when another worker holds the job. */
  holdLease(): Promise<void>
}

/** Runs one claimed job. */
export async function runProcessingJob(job: JobRecord, context: ProcessingJobContext & JobAttempt): Promise<void> {
  const { store, workerId } = context
  const media = await store.getMedia(job.mediaId)
  if (media === undefined || (media.state !== 'pending' && media.state !== 'in_progress')) {
    // Ended already (or gone): finish what an attempt that died after its commit left undone.
    if (media?.state === 'succeeded' || media?.state === 'failed') await tidyEnded(media, context)
    await store.finishJob(job.id, workerId, 'done', null)
    return
  }
  const work = await openWorkDir(context.workDir, media.id, workerId)
  try {
    if (job.attempts > context.maxAttempts) {
      // Every earlier claim ended with its worker gone (killed, out of memory) before it could report.
      await failJob(job, context, `no attempt of ${context.maxAttempts} finished`)
      return
    }
    const outcome = await processAndPublish(media, work.path, context)
    if (outcome === undefined) await store.finishJob(job.id, workerId, 'done', null)
    else if ('failure' in outcome) await failJob(job, context, null, outcome.failure)
    else await succeed(job, media, outcome, context)
  } finally {
    await work.remove()
  }
}

/** Marks the media `in_progress` and runs the pipeline; undefined when the media ended meanwhile. */
async function processAndPublish(
  media: MediaRecord,
  workDir: string,
  context: ProcessingJobContext & JobAttempt,
): Promise<Outcome | undefined> {
  const { store } = context
  const progress = new ProgressReporter({
    write: (percent) =>
      store.updateProcessing(media.id, { state: 'in_progress', progressPercent: percent, error: null }),
    startPercent: media.progressPercent ?? 0,
    minIntervalMs: context.progressIntervalMs,
    logger: context.logger,
  })
  const started = { state: 'in_progress', progressPercent: progress.percent, error: null } as const
  if (!(await store.updateProcessing(media.id, started))) return undefined
  try {
    const result = await processMedia(media, {
      blobs: context.blobs,
      segments: await store.listSegments(media.id),
      limits: CATEGORY_LIMITS[context.limits][categoryOf(media)],
      tools: await context.mediaTools(),
      workDir,
      signal: context.signal,
      onProgress: (percent) => progress.report(percent),
      logger: context.logger,
    })
    return await publish(media, result, context)
  } finally {
    await progress.close()
  }
}

/** A failure, or the published files (under `prefix`) and the video's facts. */
type Outcome = { failure: ProcessingFailure } | { files: MediaFile[]; video: MediaRecord['video']; prefix: string }

/**
 * Publishes a successful result's files under a fresh attempt prefix; a failure passes through. The
 * lease is renewed first, so no other worker takes the job while these files are put and committed.
 */
async function publish(
  media: MediaRecord,
  result: ProcessingResult,
  context: ProcessingJobContext & JobAttempt,
): Promise<Outcome> {
  if ('failure' in result) return result
  context.signal.throwIfAborted()
  await context.holdLease()
  const prefix = attemptPrefix(media.id)
  try {
    return { files: await publishFiles(context.blobs, prefix, result.files), video: result.video, prefix }
  } catch (error) {
    await context.blobs.removePrefix(prefix)
    throw error
  }
}

async function succeed(
  job: JobRecord,
  media: MediaRecord,
  outcome: Extract<Outcome, { files: MediaFile[] }>,
  context: ProcessingJobContext & JobAttempt,
): Promise<void> {
  const { store, workerId } = context
  context.signal.throwIfAborted()
  const committed = await store.updateProcessing(media.id, {
    state: 'succeeded',
    progressPercent: 100,
    error: null,
    files: outcome.files,
    ...(outcome.video === null ? {} : { video: outcome.video }),
  })
  if (committed) {
    await removeUnreferenced(context.blobs, media.id, outcome.files)
    await releaseOriginals(media.id, context)
  } else {
    // Expired or deleted meanwhile: nothing will ever serve these files.
    await context.blobs.removePrefix(outcome.prefix)
  }
  await store.finishJob(job.id, workerId, 'done', null)
  context.logger.info({ mediaId: media.id, files: outcome.files.length, attempt: job.attempts }, 'processing succeeded')
}

/**
 * Fails the media with X's `failure` (default InternalError), drops whatever this job published and
 * the upload's segments, and ends the job (`failed` with `detail` when the fault was ours).
 */
export async function failJob(
  job: JobRecord,
  context: ProcessingJobContext,
  detail: string | null,
  failure: ProcessingFailure = INTERNAL_FAILURE,
): Promise<void> {
  const { store, workerId } = context
  const failed = await store.updateProcessing(job.mediaId, { state: 'failed', progressPercent: 100, error: failure })
  await context.blobs.removePrefix(processedPrefix(job.mediaId))
  if (failed) await releaseOriginals(job.mediaId, context)
  await store.finishJob(job.id, workerId, detail === null ? 'done' : 'failed', detail)
  context.logger.info({ mediaId: job.mediaId, failure, attempt: job.attempts }, 'processing failed')
}

/** Cleans up after a media whose processing ended: its segments, and processed files it does not reference. */
async function tidyEnded(media: MediaRecord, context: ProcessingJobContext): Promise<void> {
  await removeUnreferenced(context.blobs, media.id, media.state === 'succeeded' ? media.files : [])
  await releaseOriginals(media.id, context)
}

/** Deletes the segment rows of a media whose processing ended, then their bytes. */
async function releaseOriginals(mediaId: string, context: ProcessingJobContext): Promise<void> {
  const keys = await context.store.releaseSegments(mediaId)
  await Promise.all(keys.map((key) => context.blobs.remove(key)))
  // Drops the emptied directory (and any segment a crashed APPEND left unreferenced).
  await context.blobs.removePrefix(`uploads/${mediaId}/`)
}

function categoryOf(media: MediaRecord) {
  return media.category ?? defaultCategoryForKind(kindOfMediaType(media.mediaType ?? media.declaredType))
}
