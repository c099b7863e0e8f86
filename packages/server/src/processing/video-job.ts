/**
 * The frame every video-producing step shares: present the segment files as one input, run one
 * ffmpeg that writes every output (progress 0–95 %), check each output has bytes, write the poster
 * from the first output (95–100 %). A failed or aborted job leaves none of its outputs behind.
 */
import { mkdir, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { INPUT_PROTOCOL_ARGS, prepareConcatInput } from './concat-input.js'
import { type FfmpegStepOptions, runFfmpeg } from './ffmpeg-run.js'
import { extractPoster, type PosterFile } from './poster.js'
import { ProcessingError } from './processing-error.js'

/** Options every video step takes. */
export interface VideoJobOptions extends FfmpegStepOptions {
  /** Directory the outputs are written to (created if missing). */
  outputDir: string
  /** Directory for temp symlinks, when segment names need them; default the OS temp dir. */
  tempDir?: string
}

/** One job: its output file names (in `outputDir`) and the ffmpeg arguments that write them. */
export interface VideoJob {
  /** File names, the first of which the poster is taken from. */
  outputNames: readonly string[]
  /** Demuxers the input may use. */
  formats: readonly string[]
  /** ffmpeg arguments after the input, given the outputs' absolute paths (same order as `outputNames`). */
  buildOutputArgs(outputPaths: readonly string[]): string[]
  /** Media duration, seconds, for progress and the poster time. */
  durationSecs: number
}

/** What a job wrote. */
export interface VideoJobResult {
  /** Absolute paths and sizes, in `outputNames` order. */
  outputs: Array<{ path: string; sizeBytes: number }>
  poster: PosterFile
}

/** Share of the progress bar the encode takes; the poster gets the rest. */
const ENCODE_SHARE = 95
const POSTER_NAME = 'poster.jpg'

/** Runs `job` on the byte-concatenation of `inputPaths`; throws `ProcessingError` or the abort reason. */
export async function runVideoJob(
  inputPaths: readonly string[],
  job: VideoJob,
  options: VideoJobOptions,
): Promise<VideoJobResult> {
  options.signal?.throwIfAborted()
  const { outputDir, tempDir, ...step } = options
  await mkdir(outputDir, { recursive: true })
  const paths = job.outputNames.map((name) => join(outputDir, name))
  const posterPath = join(outputDir, POSTER_NAME)
  const input = await prepareConcatInput(inputPaths, tempDir === undefined ? {} : { tempDir })
  try {
    const args = [...INPUT_PROTOCOL_ARGS, '-format_whitelist', job.formats.join(','), '-i', input.url]
    args.push(...job.buildOutputArgs(paths))
    const range = { from: 0, to: ENCODE_SHARE }
    await runFfmpeg(args, { ...step, cwd: input.cwd, durationSecs: job.durationSecs, progressRange: range })
    const outputs = await Promise.all(paths.map(async (path) => ({ path, sizeBytes: await nonEmptySize(path) })))
    const first = outputs[0]
    if (first === undefined) throw new ProcessingError('failed', 'a video job needs at least one output')
    const posterRange = { from: ENCODE_SHARE, to: 100 }
    const posterOptions = { ...step, videoDurationSecs: job.durationSecs, progressRange: posterRange }
    const poster = await extractPoster(first.path, posterPath, posterOptions)
    return { outputs, poster }
  } catch (error) {
    await Promise.all([...paths, posterPath].map((path) => rm(path, { force: true })))
    throw error
  } finally {
    await input.cleanup?.()
  }
}

/** Size of an output ffmpeg should have written; an empty or missing one means no frame decoded. */
async function nonEmptySize(path: string): Promise<number> {
  const size = await stat(path).then(
    (info) => info.size,
    () => 0,
  )
  if (size === 0) throw new ProcessingError('invalid-media', `ffmpeg wrote nothing to ${path}`)
  return size
}
