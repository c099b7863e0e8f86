/**
 * JSON as X writes it: 64-bit ids as bare numbers without precision loss (v1.1 `media_id`), and `/`
 * escaped as `\/` inside strings (X's captures show `"video_type":"video\/mp4"`).
 */

const MARK = '\u0000num:'

/** A JSON number written digit for digit (for integers beyond 2^53). */
export class JsonNumber {
  readonly digits: string
  constructor(digits: string) {
    if (!/^-?\d+$/.test(digits)) throw new TypeError(`not an integer: ${digits}`)
    this.digits = digits
  }
  /** Serialises as a marker string that `toWireJson` turns into the bare number. */
  toJSON(): string {
    return `${MARK}${this.digits}`
  }
}

/** Serialises a body the way X does. */
export function toWireJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/"\\u0000num:(-?\d+)"/g, '$1')
    .replace(/\//g, '\\/')
}
