/**
 * Progress of `birdhouse upload` and `post`: bars (cli-progress) on stderr when it is a terminal,
 * JSON lines on stdout with `--json`, nothing otherwise (the result lines still print).
 */
import type { UploadProgress } from '@birdhouse/client'
import { MultiBar, Presets, type SingleBar } from 'cli-progress'

/** Receives the progress of every file of one command. */
export interface ProgressReporter {
  /** The `onProgress` callback for `file`. */
  forFile(file: string): (progress: UploadProgress) => void
  /** Stops drawing (before printing results or errors). */
  stop(): void
}

/** Picks bars, JSON lines or silence. */
export function createProgressReporter(json: boolean): ProgressReporter {
  if (json) return jsonLines()
  if (process.stderr.isTTY === true) return progressBars()
  return { forFile: () => () => {}, stop: () => {} }
}

function jsonLines(): ProgressReporter {
  return {
    forFile: (file) => (progress) => {
      const line = {
        event: 'progress',
        file,
        phase: progress.phase,
        media_id: progress.mediaId,
        bytes_sent: progress.bytesSent,
        total_bytes: progress.totalBytes,
        segments_acked: progress.segmentsAcked,
        segments_total: progress.segmentsTotal,
        ...(progress.processingPercent === undefined ? {} : { progress_percent: progress.processingPercent }),
      }
      process.stdout.write(`${JSON.stringify(line)}\n`)
    },
    stop: () => {},
  }
}

function progressBars(): ProgressReporter {
  const multi = new MultiBar(
    {
      format: ' {bar} {percentage}% | {file} | {detail}',
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
      stream: process.stderr,
    },
    Presets.shades_classic,
  )
  const bars = new Map<string, SingleBar>()
  return {
    forFile: (file) => (progress) => {
      let bar = bars.get(file)
      if (bar === undefined) {
        bar = multi.create(100, 0, { file, detail: '' })
        bars.set(file, bar)
      }
      if (progress.phase === 'upload') {
        const percent = progress.totalBytes === 0 ? 100 : (100 * progress.bytesSent) / progress.totalBytes
        const detail = `${formatBytes(progress.bytesSent)}/${formatBytes(progress.totalBytes)}, segment ${progress.segmentsAcked}/${progress.segmentsTotal}`
        bar.update(Math.floor(percent), { file, detail })
      } else {
        bar.update(progress.processingPercent ?? 0, { file, detail: `processing ${progress.mediaId}` })
      }
    },
    stop: () => multi.stop(),
  }
}

/** `1.5 MiB`-style sizes. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`
}
