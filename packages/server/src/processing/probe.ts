/**
 * Runs ffprobe on an upload whose bytes are stored as several segment files, in place: the files are
 * read as one stream through ffmpeg's `concat:` protocol (see `concat-input.ts`), so an MP4 whose
 * moov atom sits at the end still probes.
 *
 * Hardening: only the `file` and `concat` protocols and X's video containers plus GIF are allowed,
 * so a playlist uploaded as "video" cannot make ffprobe read other files or the network.
 */
import { execFile } from 'node:child_process'
import type { Logger } from '../logger.js'
import { silentLogger } from '../logger.js'
import { type ConcatInput, INPUT_PROTOCOL_ARGS, prepareConcatInput } from './concat-input.js'
import { ProcessingError, type ProcessingErrorOptions } from './processing-error.js'

export { invalidMediaFailure } from './processing-error.js'

/** The video stream ffprobe found. */
export interface VideoStreamInfo {
  /** ffmpeg codec name (`h264`, `vp9`, `gif`). */
  codec: string
  /** Codec profile (`High`, `Profile 0`), when reported. */
  profile?: string
  width: number
  height: number
  /** Average frame rate (frames per second), else the base rate; 0 when unknown. */
  fps: number
  /** Pixel format (`yuv420p`), when reported. */
  pixFmt?: string
  /** `progressive`, `tt`, `bb`, …, when reported. */
  fieldOrder?: string
  /** Width over height of one pixel (1 for square pixels), when reported. */
  sampleAspectRatio?: number
  /** Clockwise degrees a player turns the picture (90, 180, 270), when the stream says to. */
  rotation?: number
}

/** The audio stream ffprobe found. */
export interface AudioStreamInfo {
  /** ffmpeg codec name (`aac`, `opus`). */
  codec: string
  /** Codec profile (`LC`, `HE-AAC`), when reported. */
  profile?: string
  channels: number
  /** Samples per second, when reported. */
  sampleRate?: number
}

/** What ffprobe says about a media file: its container and first video and audio streams. */
export interface MediaProbe {
  /** Demuxer names (`['mov', 'mp4', 'm4a', '3gp', '3g2', 'mj2']`). */
  formatNames: string[]
  durationSecs: number
  /** Overall bits per second, when reported. */
  bitRate?: number
  /** First video stream that is not cover art. */
  video?: VideoStreamInfo
  audio?: AudioStreamInfo
}

/** Why probing failed: the bytes (`invalid-media`), a hung ffprobe (`timeout`) or the server (`failed`, worth a retry). */
export type MediaProbeErrorReason = 'invalid-media' | 'timeout' | 'failed'

/** A failed probe; `failure` is what STATUS reports if the worker gives up, `stderr` is for debug logs. */
export class MediaProbeError extends ProcessingError {
  declare readonly reason: MediaProbeErrorReason

  constructor(reason: MediaProbeErrorReason, message: string, options: Omit<ProcessingErrorOptions, 'failure'> = {}) {
    super(reason, message, options)
    this.name = 'MediaProbeError'
  }
}

/** Options of `probeMedia`. */
export interface ProbeOptions {
  /** ffprobe binary, from `resolveMediaTools`. */
  ffprobePath: string
  /** Kill ffprobe after this long, ms; default 30 000. */
  timeoutMs?: number
  /** Kills ffprobe and rejects with the signal's reason when aborted. */
  signal?: AbortSignal
  /** Demuxers ffprobe may use; default X's video containers and GIF (`DEFAULT_PROBE_FORMATS`). */
  formats?: readonly string[]
  /** Directory for temp symlinks, when segment names need them; default the OS temp dir. */
  tempDir?: string
  /** Default: no-op. */
  logger?: Logger
}

/** Demuxers allowed by default: MP4/MOV, WebM/Matroska, MPEG-TS and GIF. */
export const DEFAULT_PROBE_FORMATS: readonly string[] = ['mov', 'matroska', 'mpegts', 'gif']

const DEFAULT_TIMEOUT_MS = 30_000
const MAX_OUTPUT_BYTES = 4 * 1024 * 1024
const MAX_STDERR_CHARS = 16 * 1024

/** Probes the byte-concatenation of `inputPaths` (in order) and describes its streams. */
export async function probeMedia(inputPaths: readonly string[], options: ProbeOptions): Promise<MediaProbe> {
  options.signal?.throwIfAborted()
  const input = await prepareProbeInput(inputPaths, options.tempDir)
  try {
    const formats = (options.formats ?? DEFAULT_PROBE_FORMATS).join(',')
    const args = ['-v', 'error', ...INPUT_PROTOCOL_ARGS, '-format_whitelist', formats]
    args.push('-print_format', 'json', '-show_format', '-show_streams', input.url)
    const result = await runFfprobe(args, input.cwd, options)
    if (result.exitCode !== 0) {
      // EMFILE is ours to fix (descriptor limit), not the uploader's.
      const reason = /Too many open files/.test(result.stderr) ? 'failed' : 'invalid-media'
      throw new MediaProbeError(reason, `ffprobe exited with ${result.exitCode}`, { stderr: result.stderr })
    }
    return parseProbeJson(result.stdout, result.stderr)
  } catch (error) {
    if (error instanceof MediaProbeError) {
      const logger = options.logger ?? silentLogger
      logger.debug({ reason: error.reason, stderr: error.stderr, files: inputPaths.length }, error.message)
    }
    throw error
  } finally {
    await input.cleanup?.()
  }
}

/** `prepareConcatInput`, its errors as `MediaProbeError`s for callers that branch on the class. */
async function prepareProbeInput(inputPaths: readonly string[], tempDir: string | undefined): Promise<ConcatInput> {
  try {
    return await prepareConcatInput(inputPaths, tempDir === undefined ? {} : { tempDir })
  } catch (error) {
    if (!(error instanceof ProcessingError)) throw error
    const message = error.message.replace(
      'at least one input file is needed',
      'probeMedia needs at least one input file',
    )
    throw new MediaProbeError('failed', message, { cause: error.cause })
  }
}

interface FfprobeRun {
  exitCode: number | null
  stdout: string
  stderr: string
}

/** Runs ffprobe; resolves on any exit code, rejects on timeout, abort or a failed start. */
function runFfprobe(args: string[], cwd: string, options: ProbeOptions): Promise<FfprobeRun> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const { signal } = options
  const base = { cwd, timeout: timeoutMs, killSignal: 'SIGKILL' as const, maxBuffer: MAX_OUTPUT_BYTES }
  const execOptions = signal === undefined ? base : { ...base, signal }
  return new Promise((resolvePromise, reject) => {
    execFile(options.ffprobePath, args, execOptions, (error, stdout, stderr) => {
      const log = stderr.slice(0, MAX_STDERR_CHARS)
      if (error === null) return resolvePromise({ exitCode: 0, stdout, stderr: log })
      if (error.name === 'AbortError') return reject(signal?.reason ?? error)
      if (error.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
        return reject(new MediaProbeError('invalid-media', 'ffprobe output too large', { stderr: log }))
      }
      if (typeof error.code === 'string') {
        return reject(new MediaProbeError('failed', 'ffprobe did not start', { cause: error }))
      }
      if (error.killed === true && error.signal === 'SIGKILL') {
        return reject(new MediaProbeError('timeout', `ffprobe ran over ${timeoutMs} ms`, { stderr: log }))
      }
      resolvePromise({ exitCode: error.code ?? null, stdout, stderr: log })
    })
  })
}

interface RawStream {
  codec_type?: string
  codec_name?: string
  profile?: string
  width?: number
  height?: number
  avg_frame_rate?: string
  r_frame_rate?: string
  pix_fmt?: string
  field_order?: string
  channels?: number
  sample_rate?: string
  duration?: string
  disposition?: { attached_pic?: number }
  sample_aspect_ratio?: string
  /** ffmpeg ≤ 4 reports rotation as a clockwise `rotate` tag. */
  tags?: { rotate?: string }
  /** ffmpeg ≥ 5 reports a display matrix whose `rotation` is counter-clockwise. */
  side_data_list?: Array<{ rotation?: number }>
}

interface RawProbe {
  format?: { format_name?: string; duration?: string; bit_rate?: string }
  streams?: RawStream[]
}

function parseProbeJson(stdout: string, stderr: string): MediaProbe {
  let raw: RawProbe
  try {
    raw = JSON.parse(stdout) as RawProbe
  } catch (error) {
    throw new MediaProbeError('invalid-media', 'ffprobe printed no JSON', { stderr, cause: error })
  }
  const streams = raw.streams ?? []
  const durations = [raw.format?.duration, ...streams.map((stream) => stream.duration)].map(toNumber)
  const durationSecs = durations[0] ?? Math.max(...durations.filter((value) => value !== undefined))
  if (!Number.isFinite(durationSecs)) throw new MediaProbeError('invalid-media', 'no duration', { stderr })
  // Cover art in MP4/MP3 is a one-frame "video" stream; it is not video.
  const video = streams.find((stream) => stream.codec_type === 'video' && stream.disposition?.attached_pic !== 1)
  const audio = streams.find((stream) => stream.codec_type === 'audio')
  return {
    formatNames: (raw.format?.format_name ?? '').split(',').filter((name) => name !== ''),
    durationSecs,
    ...optional('bitRate', toNumber(raw.format?.bit_rate)),
    ...(video === undefined ? {} : { video: toVideo(video) }),
    ...(audio === undefined ? {} : { audio: toAudio(audio) }),
  }
}

function toVideo(stream: RawStream): VideoStreamInfo {
  return {
    codec: stream.codec_name ?? 'unknown',
    ...optional('profile', stream.profile),
    width: stream.width ?? 0,
    height: stream.height ?? 0,
    fps: toRate(stream.avg_frame_rate) ?? toRate(stream.r_frame_rate) ?? 0,
    ...optional('pixFmt', stream.pix_fmt),
    ...optional('fieldOrder', stream.field_order),
    ...optional('sampleAspectRatio', toRate(stream.sample_aspect_ratio?.replace(':', '/'))),
    ...optional('rotation', toRotation(stream)),
  }
}

/** Clockwise quarter turns as degrees, as ffmpeg's autorotate reads them; undefined for none. */
function toRotation(stream: RawStream): number | undefined {
  const matrix = stream.side_data_list?.find((data) => typeof data.rotation === 'number')?.rotation
  const degrees = matrix === undefined ? toNumber(stream.tags?.rotate) : -matrix
  if (degrees === undefined) return undefined
  const quarterTurns = ((Math.round(degrees / 90) % 4) + 4) % 4
  return quarterTurns === 0 ? undefined : quarterTurns * 90
}

function toAudio(stream: RawStream): AudioStreamInfo {
  return {
    codec: stream.codec_name ?? 'unknown',
    ...optional('profile', stream.profile),
    channels: stream.channels ?? 0,
    ...optional('sampleRate', toNumber(stream.sample_rate)),
  }
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Partial<Record<K, V>>)
}

function toNumber(value: string | undefined): number | undefined {
  const parsed = value === undefined ? Number.NaN : Number(value)
  return Number.isFinite(parsed) ? parsed : undefined
}

/** Parses ffprobe's `30000/1001`; undefined for `0/0`. */
function toRate(value: string | undefined): number | undefined {
  const [num, den] = (value ?? '').split('/').map(Number)
  return num !== undefined && den !== undefined && num > 0 && den > 0 ? num / den : undefined
}
