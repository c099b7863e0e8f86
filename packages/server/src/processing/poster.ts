/**
 * Writes a video's poster frame (X's `preview_image_url`) as a JPEG: the frame at 0.5 s, or the first
 * frame for clips of a second or less, seeking on the input so only one GOP is decoded. It reads our
 * own processed MP4, so the poster matches what is served, rotation applied.
 */
import { stat } from 'node:fs/promises'
import { basename, dirname } from 'node:path'
import sharp from 'sharp'
import { type RunFfmpegOptions, runFfmpeg } from './ffmpeg-run.js'
import { ProcessingError } from './processing-error.js'

/** A poster JPEG written by `extractPoster`. */
export interface PosterFile {
  path: string
  contentType: 'image/jpeg'
  width: number
  height: number
  sizeBytes: number
}

/** Options of `extractPoster`. */
export interface ExtractPosterOptions extends Omit<RunFfmpegOptions, 'cwd' | 'durationSecs'> {
  /** The video's duration, seconds; picks the frame time. */
  videoDurationSecs: number
}

/** Time of the poster frame: 0.5 s into the clip, or its first frame when the clip is 1 s or shorter. */
export function posterTimeSecs(durationSecs: number): number {
  return durationSecs > 1 ? 0.5 : 0
}

/** JPEG quality scale of ffmpeg's mjpeg encoder (2 best … 31 worst). */
const POSTER_QSCALE = '3'

/** Writes the poster of the MP4 at `videoPath` to `posterPath` (a `.jpg` in the same or another directory). */
export async function extractPoster(
  videoPath: string,
  posterPath: string,
  options: ExtractPosterOptions,
): Promise<PosterFile> {
  const { videoDurationSecs, ...runOptions } = options
  const at = posterTimeSecs(videoDurationSecs)
  const args = ['-ss', String(at), '-i', `file:${videoPath}`, '-map', '0:V:0', '-frames:v', '1']
  args.push(
    '-q:v',
    POSTER_QSCALE,
    '-map_metadata',
    '-1',
    '-f',
    'image2',
    '-update',
    '1',
    `file:${basename(posterPath)}`,
  )
  // No duration: a one-frame run reports only its end.
  await runFfmpeg(args, { ...runOptions, cwd: dirname(posterPath) })
  const sizeBytes = await stat(posterPath).then(
    (info) => info.size,
    () => 0,
  )
  if (sizeBytes === 0) throw new ProcessingError('invalid-media', 'ffmpeg wrote no poster frame')
  const { width, height } = await sharp(posterPath).metadata()
  return { path: posterPath, contentType: 'image/jpeg', width, height, sizeBytes }
}
