/**
 * Conformance tests for replay and rate limits: OAuth 1.0a nonces (one use per consumer key, nonce
 * and timestamp; expired entries pruned; one winner under concurrency) and fixed-window counters
 * (counting, restarting in a new or ended window, and no lost updates under concurrency).
 */
import { expect } from 'vitest'
import { T0, warmUp } from './auth-fixtures.js'
import type { AuthSuiteContext } from './auth-store.suite.js'

const TS = Math.floor(T0 / 1000)
const WINDOW_END = T0 + 900_000

/** Registers the nonce and counter tests. */
export function limitTests({ group, test, store }: AuthSuiteContext): void {
  group('useNonce', () => {
    test('accepts a triple once and refuses it while its entry lives', async () => {
      expect(await store().useNonce('ck-1', 'nönce-鳥', TS, T0 + 600_000, T0)).toBe(true)
      expect(await store().useNonce('ck-1', 'nönce-鳥', TS, T0 + 600_000, T0 + 1)).toBe(false)
      expect(await store().useNonce('ck-1', 'nönce-鳥', TS, T0 + 600_000, T0 + 599_999)).toBe(false)
    })

    test('tells triples apart by consumer key, nonce and timestamp', async () => {
      expect(await store().useNonce('ck-1', 'n', TS, T0 + 600_000, T0)).toBe(true)
      expect(await store().useNonce('ck-2', 'n', TS, T0 + 600_000, T0)).toBe(true)
      expect(await store().useNonce('ck-1', 'm', TS, T0 + 600_000, T0)).toBe(true)
      expect(await store().useNonce('ck-1', 'n', TS + 1, T0 + 600_000, T0)).toBe(true)
      expect(await store().useNonce('ck-1', 'n', TS, T0 + 600_000, T0)).toBe(false)
    })

    test('accepts a triple again once its entry expired', async () => {
      expect(await store().useNonce('ck-1', 'n', TS, T0 + 1000, T0)).toBe(true)
      expect(await store().useNonce('ck-1', 'other', TS, T0 + 600_000, T0 + 1000)).toBe(true)
      expect(await store().useNonce('ck-1', 'n', TS, T0 + 2000, T0 + 1000)).toBe(true)
    })

    test('accepts exactly one of 20 concurrent uses of one triple', async () => {
      await warmUp(store(), 20)
      const uses = Array.from({ length: 20 }, () => store().useNonce('ck-1', 'race', TS, T0 + 600_000, T0))
      expect((await Promise.all(uses)).filter(Boolean)).toHaveLength(1)
    })
  })

  group('incrementCounter', () => {
    test('counts from 1 within one window, per key', async () => {
      expect(await store().incrementCounter('user:1:POST /2/media/upload', WINDOW_END, T0)).toBe(1)
      expect(await store().incrementCounter('user:1:POST /2/media/upload', WINDOW_END, T0 + 1)).toBe(2)
      expect(await store().incrementCounter('user:2:POST /2/media/upload', WINDOW_END, T0 + 2)).toBe(1)
      expect(await store().incrementCounter('user:1:POST /2/media/upload', WINDOW_END, T0 + 3)).toBe(3)
    })

    test('restarts at 1 in a new window', async () => {
      for (let i = 0; i < 3; i += 1) await store().incrementCounter('k', WINDOW_END, T0)
      expect(await store().incrementCounter('k', WINDOW_END + 900_000, WINDOW_END)).toBe(1)
      expect(await store().incrementCounter('k', WINDOW_END + 900_000, WINDOW_END + 1)).toBe(2)
    })

    test('restarts at 1 once the stored window ended, even when called with the same window', async () => {
      await store().incrementCounter('k', WINDOW_END, T0)
      await store().incrementCounter('k', WINDOW_END, T0 + 1)
      expect(await store().incrementCounter('k', WINDOW_END, WINDOW_END)).toBe(1)
    })

    test('restarts at 1 when called with a different window that has not ended', async () => {
      await store().incrementCounter('k', WINDOW_END, T0)
      expect(await store().incrementCounter('k', WINDOW_END + 60_000, T0 + 1)).toBe(1)
    })

    test('loses no update among 50 concurrent increments', async () => {
      await warmUp(store(), 50)
      const calls = Array.from({ length: 50 }, () => store().incrementCounter('hot', WINDOW_END, T0))
      const values = await Promise.all(calls)
      expect([...values].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1))
      expect(await store().incrementCounter('hot', WINDOW_END, T0)).toBe(51)
    })
  })
}
