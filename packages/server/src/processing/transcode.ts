/**
 * Carries out a `VideoPlan` with one ffmpeg run. A remux copies the first video and audio streams
 * into MP4 with `+faststart` (moov first, so playback starts before the download ends). A transcode
 * decodes once and splits the picture into one scaler and H.264 High encoder per rung, each muxed
 * with its own AAC-LC encode of the audio, the picture already turned upright by ffmpeg's autorotate.
 * Global metadata (where phones keep GPS) is dropped.
 */

import type { PosterFile } from './poster.js'
import { DEFAULT_PROBE_FORMATS } from './probe.js'
import { runVideoJob, type VideoJobOptions } from './video-job.js'
import type { RemuxPlan, TranscodePlan, VideoPlan, VideoRung } from './video-plan.js'

/** One MP4 written for a video (a `variants[]` entry). */
export interface VideoVariantFile {
  path: string
  contentType: 'video/mp4'
  width: number
  height: number
  /** Bits per second: the rung's video plus audio bitrate, or the remuxed file's average. */
  bitRate: number
  sizeBytes: number
}

/** What processing a video wrote: its variants, largest first, and its poster. */
export interface ProcessedVideo {
  variants: VideoVariantFile[]
  poster: PosterFile
}

/** Options of `transcodeVideo`. */
export interface TranscodeVideoOptions extends VideoJobOptions {
  /** x264 speed preset; default `veryfast`. */
  x264Preset?: string
  /** Demuxers the input may use; default `DEFAULT_PROBE_FORMATS`. */
  formats?: readonly string[]
}

const DEFAULT_PRESET = 'veryfast'
/** Keyframe every 2 s, so players can seek and switch rungs at the same points. */
const KEYFRAMES = 'expr:gte(t,n_forced*2)'
/** Deep enough for sparse audio next to a slow first video frame ("Too many packets buffered"). */
const MUXING_QUEUE = ['-max_muxing_queue_size', '4096']
/** Drops global metadata (GPS, device); a remux keeps the video stream's, where ffmpeg ≤ 4 stores rotation. */
const STRIP_METADATA = ['-map_metadata', '-1']
const KEEP_VIDEO_METADATA = ['-map_metadata:s:v:0', '0:s:v:0']
const MP4 = ['-movflags', '+faststart', '-f', 'mp4']

/**
 * Writes the plan's MP4s and a poster (`poster.jpg`) into `outputDir`, from the byte-concatenation of
 * `inputPaths`. Throws `ProcessingError` (`invalid-media` for bytes ffmpeg cannot decode) or, when
 * aborted, the signal's reason once ffmpeg is dead; either way no output is left behind.
 */
export async function transcodeVideo(
  inputPaths: readonly string[],
  plan: VideoPlan,
  options: TranscodeVideoOptions,
): Promise<ProcessedVideo> {
  const { x264Preset = DEFAULT_PRESET, formats = DEFAULT_PROBE_FORMATS, ...jobOptions } = options
  const sizes = plan.kind === 'remux' ? [sourceSize(plan)] : plan.rungs
  const job = {
    outputNames: sizes.map(({ width, height }) => `${width}x${height}.mp4`),
    formats,
    durationSecs: plan.durationSecs,
    buildOutputArgs: (paths: readonly string[]) =>
      plan.kind === 'remux' ? buildRemuxArgs(plan, paths) : buildTranscodeArgs(plan, paths, x264Preset),
  }
  const { outputs, poster } = await runVideoJob(inputPaths, job, jobOptions)
  const variants = outputs.map(({ path, sizeBytes }, i): VideoVariantFile => {
    const { width, height } = sizes[i] as { width: number; height: number }
    return { path, contentType: 'video/mp4', width, height, bitRate: bitRateOf(plan, i, sizeBytes), sizeBytes }
  })
  return { variants, poster }
}

/** ffmpeg output arguments of a remux into `paths[0]`. */
export function buildRemuxArgs(plan: RemuxPlan, paths: readonly string[]): string[] {
  const audio = plan.hasAudio ? ['-map', '0:a:0'] : []
  return [
    '-map',
    '0:V:0',
    ...audio,
    '-c',
    'copy',
    ...STRIP_METADATA,
    ...KEEP_VIDEO_METADATA,
    ...MUXING_QUEUE,
    ...MP4,
    `file:${paths[0]}`,
  ]
}

/** ffmpeg output arguments of a transcode into one file per rung (`paths` in rung order). */
export function buildTranscodeArgs(plan: TranscodePlan, paths: readonly string[], x264Preset: string): string[] {
  const labels = plan.rungs.map((_, i) => `s${i}`)
  // Deinterlace first; scaling to the rung's display size and `setsar=1` turns non-square pixels square.
  const deinterlace = plan.reasons.includes('interlaced') ? 'yadif,' : ''
  const scalers = plan.rungs.map(
    ({ width, height }, i) => `[s${i}]scale=${width}:${height},setsar=1,format=yuv420p[v${i}]`,
  )
  const graph = [`[0:V:0]${deinterlace}split=${labels.length}${labels.map((l) => `[${l}]`).join('')}`, ...scalers]
  const args = ['-filter_complex', graph.join(';')]
  plan.rungs.forEach((rung, i) => {
    args.push('-map', `[v${i}]`, ...videoEncoder(rung, x264Preset))
    if (plan.hasAudio) args.push('-map', '0:a:0', ...audioEncoder(rung, plan.audioChannels))
    args.push(...STRIP_METADATA, ...MUXING_QUEUE, ...MP4, `file:${paths[i]}`)
  })
  return args
}

function videoEncoder(rung: VideoRung, preset: string): string[] {
  const kbps = rung.videoKbps
  const rate = ['-b:v', `${kbps}k`, '-maxrate', `${Math.round(kbps * 1.5)}k`, '-bufsize', `${kbps * 2}k`]
  const codec = ['-c:v', 'libx264', '-preset', preset, '-profile:v', 'high', '-pix_fmt', 'yuv420p']
  return [...codec, ...rate, '-force_key_frames', KEYFRAMES]
}

function audioEncoder(rung: VideoRung, channels: 1 | 2): string[] {
  // ffmpeg's native AAC encoder writes AAC-LC.
  return ['-c:a', 'aac', '-b:a', `${rung.audioKbps}k`, '-ac', String(channels)]
}

function sourceSize(plan: RemuxPlan): { width: number; height: number } {
  return { width: plan.sourceWidth, height: plan.sourceHeight }
}

function bitRateOf(plan: VideoPlan, index: number, sizeBytes: number): number {
  if (plan.kind === 'remux') return plan.durationSecs > 0 ? Math.round((sizeBytes * 8) / plan.durationSecs) : 0
  const rung = plan.rungs[index] as VideoRung
  return (rung.videoKbps + (plan.hasAudio ? rung.audioKbps : 0)) * 1000
}
