/** A source of time, injectable so tests can move it without sleeping. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number
}

/** The wall clock. */
export const systemClock: Clock = { now: () => Date.now() }

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  #ms: number
  constructor(startMs = Date.UTC(2026, 0, 1)) {
    this.#ms = startMs
  }
  now(): number {
    return this.#ms
  }
  /** Moves the clock forward. */
  advance(ms: number): void {
    this.#ms += ms
  }
}
