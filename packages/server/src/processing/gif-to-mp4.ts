/**
 * Turns an animated GIF into the MP4 X serves for `animated_gif` media (spec §8.5): H.264 High,
 * YUV 4:2:0, no audio, the GIF's own size cut to even numbers, and its frame timing kept (variable
 * frame rate). X lists that variant with `bit_rate: 0`, so quality is set by CRF rather than a
 * bitrate. Transparent pixels become white: MP4 has no alpha, and ffmpeg's GIF decoder gives them
 * white colour values (its `trans_color`), which remain once the alpha channel is dropped.
 * Whether the GIF is within X's limits is `checkGif`'s call, made before this runs.
 */
import type { PosterFile } from './poster.js'
import { runVideoJob, type VideoJobOptions } from './video-job.js'

/** The MP4 written for an animated GIF. */
export interface GifVideoFile {
  path: string
  contentType: 'video/mp4'
  width: number
  height: number
  /** Always 0: X's `animated_gif` variant carries no bitrate. */
  bitRate: 0
  sizeBytes: number
}

/** What converting a GIF wrote. */
export interface ConvertedGif {
  video: GifVideoFile
  poster: PosterFile
}

/** Options of `convertGifToMp4`. */
export interface ConvertGifOptions extends VideoJobOptions {
  /** The GIF's size, from `inspectImage` or the probe. */
  width: number
  height: number
  /** The GIF's duration, seconds, for progress and the poster time; default 0 (first frame, progress at the end). */
  durationSecs?: number
  /** x264 constant rate factor (lower is better); default 23. */
  crf?: number
  /** x264 speed preset; default `veryfast`. */
  x264Preset?: string
}

/** Writes `<w>x<h>.mp4` and `poster.jpg` into `outputDir` from the GIF stored as `inputPaths`. */
export async function convertGifToMp4(
  inputPaths: readonly string[],
  options: ConvertGifOptions,
): Promise<ConvertedGif> {
  const { width: gifWidth, height: gifHeight, durationSecs = 0, crf = 23, x264Preset = 'veryfast', ...job } = options
  const width = evenFloor(gifWidth)
  const height = evenFloor(gifHeight)
  const { outputs, poster } = await runVideoJob(
    inputPaths,
    {
      outputNames: [`${width}x${height}.mp4`],
      formats: ['gif'],
      durationSecs,
      buildOutputArgs: (paths) => buildGifArgs(width, height, crf, x264Preset, paths[0] ?? ''),
    },
    job,
  )
  const [output] = outputs as [{ path: string; sizeBytes: number }]
  return { video: { ...output, contentType: 'video/mp4', width, height, bitRate: 0 }, poster }
}

/** ffmpeg output arguments for a GIF's MP4, cropped to even sizes. */
export function buildGifArgs(width: number, height: number, crf: number, preset: string, path: string): string[] {
  const codec = ['-c:v', 'libx264', '-preset', preset, '-profile:v', 'high', '-crf', String(crf), '-pix_fmt', 'yuv420p']
  // The MP4 muxer keeps the GIF's variable frame delays (ffmpeg's default `vfr` for it), so timing is the GIF's.
  const mp4 = ['-movflags', '+faststart', '-map_metadata', '-1', '-f', 'mp4']
  const filter = `crop=${width}:${height}:0:0,format=yuv420p`
  return ['-map', '0:v:0', '-vf', filter, ...codec, '-an', ...mp4, `file:${path}`]
}

function evenFloor(pixels: number): number {
  return Math.max(2, Math.floor(pixels / 2) * 2)
}
