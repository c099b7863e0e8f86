/**
 * Runs one ffmpeg process: progress from `-progress pipe:1` on stdout, the tail of stderr kept for
 * debug logs, SIGKILL on timeout or abort (the promise settles only once the process has exited, so
 * the caller may delete its files), and a non-zero exit classified as the uploader's bytes
 * (`invalid-media`) or our machine (`failed`: descriptors, disk, memory, a signal we did not send).
 */
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import type { Logger } from '../logger.js'
import { silentLogger } from '../logger.js'
import { type ProgressCallback, ProgressMeter, type ProgressMeterOptions } from './ffmpeg-progress.js'
import { ProcessingError } from './processing-error.js'

/** Options of `runFfmpeg`. */
export interface RunFfmpegOptions {
  /** ffmpeg binary, from `resolveMediaTools`. */
  ffmpegPath: string
  /** Working directory (relative input and output names resolve here). */
  cwd: string
  /** Kill ffmpeg after this long, ms; default 1 hour. */
  timeoutMs?: number
  /** Kills ffmpeg and rejects with the signal's reason when aborted. */
  signal?: AbortSignal
  /** Media duration, seconds, for progress; without it only the end is reported. */
  durationSecs?: number
  /** Called with a whole percent that never decreases. */
  onProgress?: ProgressCallback
  /** Where this run's progress sits within the job; default 0–100. */
  progressRange?: ProgressMeterOptions
  /** Default: no-op. */
  logger?: Logger
}

/** Options that every processing step passes through to its ffmpeg runs. */
export type FfmpegStepOptions = Pick<RunFfmpegOptions, 'ffmpegPath' | 'timeoutMs' | 'signal' | 'onProgress' | 'logger'>

/** Arguments every run starts with: no banner or prompt, errors only, machine-readable progress. */
export const FFMPEG_BASE_ARGS: readonly string[] = ['-hide_banner', '-nostdin', '-y', '-v', 'error', '-nostats']

const DEFAULT_TIMEOUT_MS = 60 * 60 * 1000
const MAX_STDERR_CHARS = 16 * 1024
/** Messages that mean the machine failed, not the media: worth a retry. */
const SERVER_FAULT = /Too many open files|No space left on device|Cannot allocate memory|Permission denied/

/** Runs ffmpeg with `args` (after `FFMPEG_BASE_ARGS` and `-progress pipe:1`); resolves with its stderr tail. */
export function runFfmpeg(args: readonly string[], options: RunFfmpegOptions): Promise<string> {
  const { signal } = options
  if (signal?.aborted === true) return Promise.reject(signal.reason)
  const meter = new ProgressMeter(options.durationSecs ?? 0, options.onProgress, options.progressRange)
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const run = startFfmpeg(args, options, meter)
  const timer = setTimeout(() => run.kill('timeout'), timeoutMs)
  const onAbort = () => run.kill('abort')
  signal?.addEventListener('abort', onAbort, { once: true })
  return run.exited.then((exit) => {
    clearTimeout(timer)
    signal?.removeEventListener('abort', onAbort)
    if (exit.stopped === 'abort') throw signal?.reason
    const error = exitError(exit, timeoutMs)
    if (error === undefined) {
      meter.done()
      return exit.stderr
    }
    const logger = options.logger ?? silentLogger
    logger.debug({ reason: error.reason, stderr: exit.stderr, args }, error.message)
    throw error
  })
}

/** How an ffmpeg run ended. */
interface FfmpegExit {
  code: number | null
  signal: NodeJS.Signals | null
  /** Tail of stderr. */
  stderr: string
  /** Set when we killed it. */
  stopped?: 'timeout' | 'abort'
  /** Set when the binary did not start. */
  startError?: Error
}

/** Spawns ffmpeg, feeding stdout to `meter` and keeping stderr's tail; `exited` settles once, after exit. */
function startFfmpeg(args: readonly string[], options: RunFfmpegOptions, meter: ProgressMeter) {
  const child = spawn(options.ffmpegPath, [...FFMPEG_BASE_ARGS, '-progress', 'pipe:1', ...args], {
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  let stopped: FfmpegExit['stopped']
  createInterface({ input: child.stdout }).on('line', (line) => meter.line(line))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-MAX_STDERR_CHARS)
  })
  const exited = new Promise<FfmpegExit>((resolve) => {
    // A binary that does not start emits `error` and may then emit `close`; the first settles.
    child.on('error', (startError) => resolve({ code: null, signal: null, stderr, startError }))
    child.on('close', (code, signal) => resolve({ code, signal, stderr, ...(stopped ? { stopped } : {}) }))
  })
  const kill = (why: 'timeout' | 'abort') => {
    stopped ??= why
    child.kill('SIGKILL')
  }
  return { exited, kill }
}

/** The error an exit stands for, or undefined for success; bytes ffmpeg cannot read are `invalid-media`. */
function exitError(exit: FfmpegExit, timeoutMs: number): ProcessingError | undefined {
  const options = { stderr: exit.stderr }
  if (exit.startError !== undefined) {
    return new ProcessingError('failed', 'ffmpeg did not start', { ...options, cause: exit.startError })
  }
  if (exit.stopped === 'timeout') return new ProcessingError('timeout', `ffmpeg ran over ${timeoutMs} ms`, options)
  if (exit.code === 0) return undefined
  if (exit.signal !== null) return new ProcessingError('failed', `ffmpeg was killed by ${exit.signal}`, options)
  const reason = SERVER_FAULT.test(exit.stderr) ? 'failed' : 'invalid-media'
  return new ProcessingError(reason, `ffmpeg exited with ${exit.code}`, options)
}
