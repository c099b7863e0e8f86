/**
 * Local access to an upload's bytes for the media tools. ffprobe and ffmpeg read the segment files
 * in place when the blob store keeps files on local disk; otherwise the segments are first copied
 * into one temp file. `describeVideo` reads a video's facts this way for uploads that were never
 * processed (a video posted without a category); processed media carry their facts.
 */
import { createWriteStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import type { Logger } from '../logger.js'
import { MediaProbeError, probeMedia } from '../processing/probe.js'
import type { BlobStore } from '../stores/blob-store.js'
import type { SegmentRecord, VideoFacts } from '../stores/metadata-store.js'
import { readSegments } from './segments.js'

/** Where an upload's segments are and how to read them. */
export interface SegmentSource {
  blobs: BlobStore
  segments: readonly SegmentRecord[]
}

/**
 * Runs `run` with local paths whose byte-concatenation is the upload: the segment files themselves,
 * or one copy made in a fresh directory under `tempDir` (default the OS temp dir) and removed after.
 */
export async function withLocalFiles<T>(
  source: SegmentSource,
  run: (paths: string[]) => Promise<T>,
  tempDir: string = tmpdir(),
): Promise<T> {
  if (source.blobs.capabilities.localFiles) {
    return await run(source.segments.map((segment) => source.blobs.localPath(segment.blobKey)))
  }
  const dir = await mkdtemp(join(tempDir, 'birdhouse-input-'))
  try {
    const path = join(dir, 'media')
    await pipeline(readSegments(source.blobs, source.segments), createWriteStream(path))
    return await run([path])
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** What `describeVideo` needs besides the segments. */
export interface DescribeVideoContext extends SegmentSource {
  ffprobePath: () => Promise<string>
  logger: Logger
}

/** Reads a video's facts with ffprobe; undefined when ffprobe cannot read it. */
export async function describeVideo(context: DescribeVideoContext): Promise<VideoFacts | undefined> {
  try {
    const probe = await withLocalFiles(context, async (paths) =>
      probeMedia(paths, { ffprobePath: await context.ffprobePath(), logger: context.logger }),
    )
    if (probe.video === undefined) return undefined
    return { width: probe.video.width, height: probe.video.height, durationMs: Math.round(probe.durationSecs * 1000) }
  } catch (error) {
    if (error instanceof MediaProbeError && error.reason === 'invalid-media') return undefined
    throw error
  }
}
