/**
 * Writes a job's progress to the metadata store without flooding it: a value is written at once
 * when it is `minStep` points above the last one written, otherwise at most once per `minIntervalMs`
 * (a timer writes the latest value then). Only values above the highest one seen are ever written,
 * starting from what the store already holds, so `progress_percent` never goes backwards, not even
 * when a second attempt of a job starts over (spec §8.6). One write is in flight at a time.
 */
import { type Logger, silentLogger } from '../logger.js'

/** Options of `ProgressReporter`. */
export interface ProgressReporterOptions {
  /** Stores one percent; a rejection is logged and the value is written again with the next report. */
  write: (percent: number) => Promise<unknown>
  /** Monotonic milliseconds for the throttle; default `performance.now` (write rate is not domain time). */
  now?: () => number
  /** The percent already stored; nothing at or below it is written. Default 0. */
  startPercent?: number
  /** Least time between two writes below `minStep`, ms; default 500. */
  minIntervalMs?: number
  /** Points of progress that are written without waiting; default 5. */
  minStep?: number
  /** Default: no-op. */
  logger?: Logger
}

/** Throttled, monotonic progress writes for one job. */
export class ProgressReporter {
  readonly #o: Required<ProgressReporterOptions>
  #stored: number
  #target: number
  #lastWriteAtMs = Number.NEGATIVE_INFINITY
  #writing: Promise<void> | undefined
  #timer: NodeJS.Timeout | undefined
  #closed = false

  constructor(options: ProgressReporterOptions) {
    this.#o = {
      startPercent: 0,
      minIntervalMs: 500,
      minStep: 5,
      logger: silentLogger,
      now: () => performance.now(),
      ...options,
    }
    this.#stored = this.#o.startPercent
    this.#target = this.#o.startPercent
  }

  /** The highest percent reported so far (written or not), at least the start value. */
  get percent(): number {
    return this.#target
  }

  /** Takes a percent (whole, 0–100); lower or equal values than any before are ignored. */
  report(percent: number): void {
    const whole = Math.min(100, Math.floor(percent))
    if (this.#closed || whole <= this.#target) return
    this.#target = whole
    this.#schedule()
  }

  /** Stops writing and waits for a write in flight, so a final state written next lands last. */
  async close(): Promise<void> {
    this.#closed = true
    clearTimeout(this.#timer)
    this.#timer = undefined
    await this.#writing
  }

  #schedule(): void {
    if (this.#closed || this.#writing !== undefined || this.#timer !== undefined) return
    if (this.#target <= this.#stored) return
    const now = this.#o.now()
    const waitMs =
      this.#target - this.#stored >= this.#o.minStep ? 0 : this.#lastWriteAtMs + this.#o.minIntervalMs - now
    if (waitMs <= 0) {
      this.#writing = this.#write(this.#target, now)
      return
    }
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      this.#schedule()
    }, waitMs)
    this.#timer.unref()
  }

  async #write(percent: number, now: number): Promise<void> {
    this.#lastWriteAtMs = now
    try {
      // Called from a microtask, so a synchronous throw still settles after `#writing` is set.
      await Promise.resolve().then(() => this.#o.write(percent))
      this.#stored = Math.max(this.#stored, percent)
    } catch (error) {
      this.#o.logger.warn({ err: error, percent }, 'progress write failed')
    } finally {
      this.#writing = undefined
    }
    // A failed write is not retried in a loop: the next report schedules again.
    if (this.#stored === percent) this.#schedule()
  }
}
