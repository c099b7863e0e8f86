/**
 * Turns ffmpeg's `-progress pipe:1` output (blocks of `key=value` lines ending in `progress=continue`
 * or `progress=end`) into a whole-number percent that never goes backwards, because STATUS's
 * `progress_percent` must not (spec §8.6). A job of several ffmpeg runs maps each run into its own
 * slice of 0–100 with `from`/`to`.
 */

/** Reports progress as a whole percent, 0–100. */
export type ProgressCallback = (percent: number) => void

/** Options of `ProgressMeter`. */
export interface ProgressMeterOptions {
  /** Percent reported when this run starts; default 0. */
  from?: number
  /** Percent reported when this run ends; default 100. */
  to?: number
}

/** Reads the output time from one `-progress` line, in microseconds; undefined for other lines and `N/A`. */
export function parseProgressLine(line: string): number | undefined {
  const match = /^(out_time_us|out_time_ms|out_time)=(.+)$/.exec(line.trim())
  if (match === null) return undefined
  const [, key, value = ''] = match
  // `out_time_ms` is microseconds too (a historical misnomer kept by ffmpeg).
  if (key !== 'out_time') return /^-?\d+$/.test(value) ? Number(value) : undefined
  const time = /^(-?)(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(value)
  if (time === null) return undefined
  const [, sign, hours = '0', minutes = '0', seconds = '0'] = time
  const micros = ((Number(hours) * 60 + Number(minutes)) * 60 + Number(seconds)) * 1e6
  return sign === '-' ? -micros : Math.round(micros)
}

/** Converts ffmpeg progress lines for a media of known duration into monotonic whole percents. */
export class ProgressMeter {
  readonly #durationUs: number
  readonly #from: number
  readonly #to: number
  readonly #onProgress: ProgressCallback | undefined
  #last = -1

  constructor(durationSecs: number, onProgress: ProgressCallback | undefined, options: ProgressMeterOptions = {}) {
    this.#durationUs = Math.max(0, durationSecs) * 1e6
    this.#from = options.from ?? 0
    this.#to = options.to ?? 100
    this.#onProgress = onProgress
  }

  /** The last percent reported, or `from` before any. */
  get percent(): number {
    return Math.max(this.#last, this.#from)
  }

  /** Feeds one line of `-progress` output. */
  line(text: string): void {
    if (text.trim() === 'progress=end') {
      this.done()
      return
    }
    const outTimeUs = parseProgressLine(text)
    if (outTimeUs === undefined || this.#durationUs === 0) return
    const fraction = Math.min(1, Math.max(0, outTimeUs / this.#durationUs))
    // The run's last percent is left for `done()`: output time reaching the duration is not the end of muxing.
    this.#report(Math.min(this.#to - 1, this.#from + fraction * (this.#to - this.#from)))
  }

  /** Reports this run's `to` percent. */
  done(): void {
    this.#report(this.#to)
  }

  #report(percent: number): void {
    const whole = Math.floor(percent)
    if (whole <= this.#last) return
    this.#last = whole
    this.#onProgress?.(whole)
  }
}
