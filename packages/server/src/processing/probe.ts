/**
 * Runs ffprobe on an upload whose bytes are stored as several segment files, without copying them
 * together: ffmpeg's `concat:` protocol presents the files as one seekable byte stream, so an MP4
 * whose moov atom sits at the end still probes (the mov demuxer seeks to it across segments).
 *
 * ffprobe runs with `cwd` at the files' common directory and relative names, so 1000 segments fit
 * in one argument (Linux caps a single argument at 128 KiB); names that still do not fit, or that
 * contain the `|` separator, are replaced by short symlinks in a temp dir. The concat protocol keeps
 * every segment open at once, so the process needs more file descriptors than segments (Node raises
 * its soft limit to the hard limit at start, and children inherit it).
 *
 * Hardening: only the `file` and `concat` protocols and X's video containers plus GIF are allowed,
 * so a playlist uploaded as "video" cannot make ffprobe read other files or the network.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, rm, stat, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, dirname, join, relative, resolve, sep } from 'node:path'
import type { Logger } from '../logger.js'
import { silentLogger } from '../logger.js'
import type { ProcessingFailure } from '../stores/metadata-store.js'

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

/** X's failure for bytes ffmpeg cannot read (spec §3.5). */
export const invalidMediaFailure: ProcessingFailure = {
  code: 1,
  name: 'InvalidMedia',
  message: 'Unsupported video format',
}
/** X's other captured InvalidMedia message, reported when probing fails for want of time or resources. */
const fileInvalidFailure: ProcessingFailure = { code: 1, name: 'InvalidMedia', message: 'file is invalid' }

/** A failed probe; `failure` is what STATUS reports if the worker gives up, `stderr` is for debug logs. */
export class MediaProbeError extends Error {
  readonly reason: MediaProbeErrorReason
  readonly failure: ProcessingFailure
  readonly stderr: string

  constructor(reason: MediaProbeErrorReason, message: string, options: { stderr?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'MediaProbeError'
    this.reason = reason
    this.failure = reason === 'invalid-media' ? invalidMediaFailure : fileInvalidFailure
    this.stderr = options.stderr ?? ''
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
  /** Default: no-op. */
  logger?: Logger
}

/** Demuxers allowed by default: MP4/MOV, WebM/Matroska, MPEG-TS and GIF. */
export const DEFAULT_PROBE_FORMATS: readonly string[] = ['mov', 'matroska', 'mpegts', 'gif']

const DEFAULT_TIMEOUT_MS = 30_000
const MAX_URL_CHARS = 120_000
const MAX_OUTPUT_BYTES = 4 * 1024 * 1024
const MAX_STDERR_CHARS = 16 * 1024

interface ProbeInput {
  cwd: string
  url: string
  cleanup?: () => Promise<void>
}

/** Probes the byte-concatenation of `inputPaths` (in order) and describes its streams. */
export async function probeMedia(inputPaths: readonly string[], options: ProbeOptions): Promise<MediaProbe> {
  options.signal?.throwIfAborted()
  const input = await prepareInput(inputPaths)
  try {
    const formats = (options.formats ?? DEFAULT_PROBE_FORMATS).join(',')
    const args = ['-v', 'error', '-protocol_whitelist', 'file,concat', '-format_whitelist', formats]
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

async function prepareInput(inputPaths: readonly string[]): Promise<ProbeInput> {
  const paths = inputPaths.map((path) => resolve(path))
  const first = paths[0]
  if (first === undefined) throw new MediaProbeError('failed', 'probeMedia needs at least one input file')
  await Promise.all(paths.map(assertFile))
  // `file:` keeps a `:` in a name from being read as a protocol.
  if (paths.length === 1) return { cwd: dirname(first), url: `file:${basename(first)}` }
  const cwd = commonDir(paths)
  const names = paths.map((path) => relative(cwd, path))
  const url = concatUrl(names)
  if (url.length <= MAX_URL_CHARS && !names.some((name) => name.includes('|'))) return { cwd, url }
  return linkInputs(paths)
}

async function assertFile(path: string): Promise<void> {
  const info = await stat(path).catch((error: unknown) => {
    throw new MediaProbeError('failed', `input file missing: ${path}`, { cause: error })
  })
  if (!info.isFile()) throw new MediaProbeError('failed', `input is not a file: ${path}`)
}

function concatUrl(names: readonly string[]): string {
  return `concat:${names.map((name) => `file:${name}`).join('|')}`
}

function commonDir(paths: readonly string[]): string {
  const split = paths.map((path) => dirname(path).split(sep))
  const first = split[0] ?? []
  let length = first.length
  for (const parts of split) {
    let i = 0
    while (i < length && parts[i] === first[i]) i++
    length = i
  }
  return first.slice(0, length).join(sep) || sep
}

/** Symlinks the inputs as `0`, `1`, … in a temp dir, for names too long or unsafe for `concat:`. */
async function linkInputs(paths: readonly string[]): Promise<ProbeInput> {
  const dir = await mkdtemp(join(tmpdir(), 'birdhouse-probe-'))
  const cleanup = () => rm(dir, { recursive: true, force: true })
  try {
    await Promise.all(paths.map((path, i) => symlink(path, join(dir, String(i)))))
  } catch (error) {
    await cleanup()
    throw new MediaProbeError('failed', 'could not link probe inputs', { cause: error })
  }
  return { cwd: dir, url: concatUrl(paths.map((_, i) => String(i))), cleanup }
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
  }
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
