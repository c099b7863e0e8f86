/**
 * Processing as of now: real validation of a finalized video or animated GIF against its category
 * (ffprobe for video, the GIF header for GIFs). Video is probed in place, segment files and all,
 * when the blob store keeps files on local disk; otherwise it is first copied to a temp file.
 */
import { createWriteStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { type CategoryLimits, kindOfMediaType } from '@birdhouse/protocol'
import { isApiError } from '../errors.js'
import type { Logger } from '../logger.js'
import { checkGif } from '../processing/gif-rules.js'
import { inspectImage } from '../processing/image.js'
import { MediaProbeError, probeMedia } from '../processing/probe.js'
import { checkVideo } from '../processing/video-rules.js'
import type { BlobStore } from '../stores/blob-store.js'
import type { MediaRecord, ProcessingFailure, SegmentRecord, VideoFacts } from '../stores/metadata-store.js'
import { readSegments } from './segments.js'

/** What validation needs besides the media. */
export interface ValidateContext {
  blobs: BlobStore
  segments: readonly SegmentRecord[]
  limits: CategoryLimits
  ffprobePath: () => Promise<string>
  logger: Logger
}

const INVALID_GIF: ProcessingFailure = { code: 1, name: 'InvalidMedia', message: 'file is invalid' }

/** What validation found: X's failure triple when the media fails, and the facts it read. */
export interface Validation {
  failure?: ProcessingFailure
  video?: VideoFacts
}

/** Validates a finalized video or GIF against its category. */
export async function validateMedia(media: MediaRecord, context: ValidateContext): Promise<Validation> {
  const kind = kindOfMediaType(media.mediaType ?? media.declaredType)
  if (kind === 'gif') {
    const failure = await validateGif(media, context)
    return failure === undefined ? {} : { failure }
  }
  if (kind !== 'video') return {}
  try {
    const probe = await withLocalFiles(context, async (paths) =>
      probeMedia(paths, { ffprobePath: await context.ffprobePath(), logger: context.logger }),
    )
    const failure = checkVideo(probe, context.limits)
    if (failure !== undefined) return { failure }
    if (probe.video === undefined) return {}
    return {
      video: {
        width: probe.video.width,
        height: probe.video.height,
        durationMs: Math.round(probe.durationSecs * 1000),
      },
    }
  } catch (error) {
    if (error instanceof MediaProbeError && error.reason === 'invalid-media') {
      context.logger.debug({ mediaId: media.id, stderr: error.stderr }, 'ffprobe rejected the media')
      return { failure: error.failure }
    }
    throw error
  }
}

async function validateGif(media: MediaRecord, context: ValidateContext): Promise<ProcessingFailure | undefined> {
  try {
    const facts = await inspectImage(readSegments(context.blobs, context.segments), 'image/gif', {
      maxBytes: Math.max(context.limits.maxBytes, media.totalBytes),
    })
    return checkGif({ width: facts.width, height: facts.height, pages: facts.pages, sizeBytes: media.totalBytes })
  } catch (error) {
    if (isApiError(error)) return INVALID_GIF
    throw error
  }
}

async function withLocalFiles<T>(context: ValidateContext, run: (paths: string[]) => Promise<T>): Promise<T> {
  if (context.blobs.capabilities.localFiles) {
    return await run(context.segments.map((segment) => context.blobs.localPath(segment.blobKey)))
  }
  const dir = await mkdtemp(join(tmpdir(), 'birdhouse-probe-'))
  try {
    const path = join(dir, 'media')
    await pipeline(readSegments(context.blobs, context.segments), createWriteStream(path))
    return await run([path])
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** Reads a video's facts with ffprobe; undefined when ffprobe cannot read it. */
export async function describeVideo(
  context: Pick<ValidateContext, 'blobs' | 'segments' | 'ffprobePath' | 'logger'>,
): Promise<VideoFacts | undefined> {
  try {
    const probe = await withLocalFiles({ ...context, limits: { maxBytes: 0 } }, async (paths) =>
      probeMedia(paths, { ffprobePath: await context.ffprobePath(), logger: context.logger }),
    )
    if (probe.video === undefined) return undefined
    return { width: probe.video.width, height: probe.video.height, durationMs: Math.round(probe.durationSecs * 1000) }
  } catch (error) {
    if (error instanceof MediaProbeError && error.reason === 'invalid-media') return undefined
    throw error
  }
}
