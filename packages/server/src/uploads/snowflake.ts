/**
 * X-style snowflake ids: 41 bits of milliseconds since X's epoch, 10 bits of node id, 12 bits of
 * sequence. Ids from one generator are strictly increasing; ids from different nodes differ in the
 * node bits. Nodes without a configured id draw a random one, and stores refuse a duplicate id
 * (`createMedia` resolves false), so a collision costs a retry, never a wrong answer.
 */
import { randomInt } from 'node:crypto'
import type { Clock } from '../clock.js'

/** X's snowflake epoch (2010-11-04T01:42:54.657Z). */
export const SNOWFLAKE_EPOCH_MS = 1_288_834_974_657

/** Generates snowflake ids as decimal strings. */
export class SnowflakeGenerator {
  readonly nodeId: number
  readonly #clock: Clock
  #lastMs = -1
  #sequence = 0

  constructor(clock: Clock, nodeId: number = randomInt(1024)) {
    if (!Number.isInteger(nodeId) || nodeId < 0 || nodeId > 1023) throw new RangeError('nodeId must be 0–1023')
    this.nodeId = nodeId
    this.#clock = clock
  }

  /** The next id. */
  next(): string {
    let ms = Math.max(this.#clock.now(), this.#lastMs)
    if (ms === this.#lastMs) {
      this.#sequence = (this.#sequence + 1) & 0xfff
      if (this.#sequence === 0) ms += 1
    } else {
      this.#sequence = 0
    }
    this.#lastMs = ms
    const id = (BigInt(ms - SNOWFLAKE_EPOCH_MS) << 22n) | (BigInt(this.nodeId) << 12n) | BigInt(this.#sequence)
    return id.toString()
  }
}

/** Milliseconds since the Unix epoch encoded in a snowflake id. */
export function snowflakeTimeMs(id: string): number {
  return Number(BigInt(id) >> 22n) + SNOWFLAKE_EPOCH_MS
}
