/**
 * Test support for the SQL backends: checks through raw row counts (which the `AuthStore` interface
 * cannot see) that `useNonce` and `incrementCounter` prune expired rows in bounded batches.
 */
import { expect } from 'vitest'
import type { AuthStore } from '../auth-store.js'
import { PRUNE_BATCH } from './auth-rules.js'

const T0 = Date.UTC(2026, 0, 1)

/** Counts the rows of `nonces` or `counters`. */
export type CountRows = (table: 'nonces' | 'counters') => Promise<number>

/** Fills both tables past one batch of soon-expiring rows, then checks each later call deletes at most one batch. */
export async function expectBatchedPruning(store: AuthStore, countRows: CountRows): Promise<void> {
  const stale = PRUNE_BATCH + 50
  for (let i = 0; i < stale; i += 1) {
    await store.useNonce('ck', `n${i}`, 1, T0 + 1000, T0)
    await store.incrementCounter(`k${i}`, T0 + 1000, T0)
  }
  for (const round of [1, 2]) {
    expect(await store.useNonce('ck', `later-${round}`, 2, T0 + 60_000, T0 + 1000)).toBe(true)
    expect(await store.incrementCounter(`later-${round}`, T0 + 60_000, T0 + 1000)).toBe(1)
    const expected = Math.max(0, stale - round * PRUNE_BATCH) + round
    expect(await countRows('nonces')).toBe(expected)
    expect(await countRows('counters')).toBe(expected)
  }
}
