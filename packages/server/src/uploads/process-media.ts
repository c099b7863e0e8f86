/**
 * The processing pipeline of one finalized upload, from its segment files to the files X would
 * serve, written into a work directory:
 *
 * - video: ffprobe → `checkVideo` (X's UnsupportedMedia/InvalidMedia) → `buildVideoPlan` →
 *   `transcodeVideo`: a remux with faststart when the upload is already compliant H.264/AAC MP4,
 *   else X's ladder of H.264 High + AAC-LC variants; then a poster frame;
 * - animated GIF: the GIF header (frames, size) → `checkGif` → `convertGifToMp4`, one variant with
 *   `bitRate` 0 as X lists it, and a poster.
 *
 * Rule breaks and bytes the tools cannot read resolve to X's failure triple. Everything else (a
 * missing binary, a full disk, an abort) is thrown for the worker to retry or hand over.
 */
import { basename, join } from 'node:path'
import { type CategoryLimits, kindOfMediaType } from '@birdhouse/protocol'
import { isApiError } from '../errors.js'
import type { Logger } from '../logger.js'
import type { MediaTools } from '../processing/binaries.js'
import { checkGif } from '../processing/gif-rules.js'
import { convertGifToMp4 } from '../processing/gif-to-mp4.js'
import { inspectImage } from '../processing/image.js'
import type { PosterFile } from '../processing/poster.js'
import { probeMedia } from '../processing/probe.js'
import { fileInvalidFailure, isProcessingError } from '../processing/processing-error.js'
import { transcodeVideo } from '../processing/transcode.js'
import { buildVideoPlan } from '../processing/video-plan.js'
import { checkVideo } from '../processing/video-rules.js'
import type { BlobStore } from '../stores/blob-store.js'
import type { MediaRecord, ProcessingFailure, SegmentRecord, VideoFacts } from '../stores/metadata-store.js'
import { readSegments } from './segments.js'
import { withLocalFiles } from './validate-media.js'

/** Percent reported once the input is probed and checked; the encode runs from here to `ENCODED_PERCENT`. */
export const PROBED_PERCENT = 3
/** Percent reported once every file is written; publishing them takes the rest. */
export const ENCODED_PERCENT = 95

/** What processing needs besides the media. */
export interface ProcessMediaContext {
  blobs: BlobStore
  segments: readonly SegmentRecord[]
  /** Limits of the media's category. */
  limits: CategoryLimits
  tools: Pick<MediaTools, 'ffprobePath' | 'ffmpegPath'>
  /** An empty directory of this attempt's own; outputs go to `<workDir>/out`. */
  workDir: string
  /** Kills the running tool; the pipeline then rejects with the signal's reason. */
  signal: AbortSignal
  /** Whole percents from `PROBED_PERCENT` to `ENCODED_PERCENT`, never decreasing. */
  onProgress: (percent: number) => void
  logger: Logger
}

/** One file processing wrote, before it is published to the blob store. */
export interface ProcessedFile {
  /** File name, unique within the media (`1280x720.mp4`, `poster.jpg`). */
  name: string
  path: string
  role: 'variant' | 'poster'
  contentType: 'video/mp4' | 'image/jpeg'
  width: number
  height: number
  /** Bits per second of a variant (0 for an animated GIF's MP4); null for the poster. */
  bitRate: number | null
}

/** What processing made of the upload: X's failure, or the files to serve and the video's facts. */
export type ProcessingResult = { failure: ProcessingFailure } | { files: ProcessedFile[]; video: VideoFacts | null }

/** Processes a finalized upload into `context.workDir`. */
export async function processMedia(media: MediaRecord, context: ProcessMediaContext): Promise<ProcessingResult> {
  const kind = kindOfMediaType(media.mediaType ?? media.declaredType)
  try {
    if (kind === 'video') return await withLocalFiles(context, (paths) => processVideo(paths, context), context.workDir)
    if (kind === 'gif') return await processGif(media, context)
    return { files: [], video: null }
  } catch (error) {
    // `failed` is our machine's fault (disk, descriptors, binaries): the worker retries those.
    if (!isProcessingError(error) || error.reason === 'failed' || context.signal.aborted) throw error
    context.logger.debug({ mediaId: media.id, reason: error.reason, stderr: error.stderr }, error.message)
    return { failure: error.failure }
  }
}

async function processVideo(paths: string[], context: ProcessMediaContext): Promise<ProcessingResult> {
  const { tools, signal, logger, workDir } = context
  const probe = await probeMedia(paths, { ffprobePath: tools.ffprobePath, signal, tempDir: workDir, logger })
  const failure = checkVideo(probe, context.limits)
  if (failure !== undefined) return { failure }
  const plan = buildVideoPlan(probe)
  logger.debug({ plan: plan.kind, ...(plan.kind === 'transcode' ? { reasons: plan.reasons } : {}) }, 'video plan')
  context.onProgress(PROBED_PERCENT)
  const { variants, poster } = await transcodeVideo(paths, plan, toolOptions(context))
  const files = variants.map((variant) => ({ ...fileOf(variant, 'variant'), bitRate: variant.bitRate }))
  const durationMs = Math.round(plan.durationSecs * 1000)
  return {
    files: [...files, posterFile(poster)],
    video: { width: plan.sourceWidth, height: plan.sourceHeight, durationMs },
  }
}

async function processGif(media: MediaRecord, context: ProcessMediaContext): Promise<ProcessingResult> {
  const maxBytes = Math.max(context.limits.maxBytes, media.totalBytes)
  const header = await inspectImage(readSegments(context.blobs, context.segments), 'image/gif', { maxBytes }).catch(
    (error: unknown) => {
      if (isApiError(error)) return undefined
      throw error
    },
  )
  if (header === undefined || header.type !== 'image/gif') return { failure: fileInvalidFailure }
  const failure = checkGif({ ...header, sizeBytes: media.totalBytes })
  if (failure !== undefined) return { failure }
  return await withLocalFiles(
    context,
    async (paths) => {
      const { tools, signal, logger, workDir } = context
      const probeOptions = { ffprobePath: tools.ffprobePath, formats: ['gif'], signal, tempDir: workDir, logger }
      const probe = await probeMedia(paths, probeOptions)
      context.onProgress(PROBED_PERCENT)
      const converted = await convertGifToMp4(paths, {
        ...toolOptions(context),
        width: header.width,
        height: header.height,
        durationSecs: probe.durationSecs,
      })
      const { video, poster } = converted
      const durationMs = Math.round(probe.durationSecs * 1000)
      return {
        files: [{ ...fileOf(video, 'variant'), bitRate: 0 }, posterFile(poster)],
        video: { width: video.width, height: video.height, durationMs },
      }
    },
    context.workDir,
  )
}

/** Options every tool run of this job shares; tool progress (0–100) is mapped into the encode's share. */
function toolOptions(context: ProcessMediaContext) {
  const span = ENCODED_PERCENT - PROBED_PERCENT
  return {
    ffmpegPath: context.tools.ffmpegPath,
    outputDir: join(context.workDir, 'out'),
    tempDir: context.workDir,
    signal: context.signal,
    logger: context.logger,
    onProgress: (percent: number) => context.onProgress(PROBED_PERCENT + Math.floor((percent * span) / 100)),
  }
}

function fileOf(
  file: { path: string; contentType: 'video/mp4' | 'image/jpeg'; width: number; height: number },
  role: ProcessedFile['role'],
): Omit<ProcessedFile, 'bitRate'> {
  return {
    name: basename(file.path),
    path: file.path,
    role,
    contentType: file.contentType,
    width: file.width,
    height: file.height,
  }
}

function posterFile(poster: PosterFile): ProcessedFile {
  return { ...fileOf(poster, 'poster'), bitRate: null }
}
