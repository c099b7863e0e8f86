/** The rate limiter on a memory store and a manual clock: windows, headers, buckets. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ManualClock } from '../clock.js'
import { MemoryMetadataStore } from '../stores/metadata/memory.js'
import type { Principal } from './principal.js'
import { commandBucket, RateLimiter, X_RATE_LIMITS } from './rate-limit.js'

const user: Principal = { method: 'oauth2-user', userId: '11', appId: '7', scopes: [], permission: 'read-write' }
const dev: Principal = { ...user, appId: null }
const appOnly: Principal = { method: 'app-only', userId: null, appId: '7', scopes: [], permission: 'read-write' }

let store: MemoryMetadataStore
let clock: ManualClock
let limiter: RateLimiter

beforeEach(async () => {
  store = await MemoryMetadataStore.open()
  // 2026-01-01T00:05:00Z: five minutes into a 15-minute window.
  clock = new ManualClock(Date.UTC(2026, 0, 1, 0, 5))
  limiter = new RateLimiter({
    store,
    clock,
    table: { 'POST /2/tweets': { user: 2, appDaily: 3 }, 'GET /2/tweets': { user: 5, app: 1 } },
  })
})
afterEach(async () => {
  await store.close()
})

const reset15 = String(Date.UTC(2026, 0, 1, 0, 15) / 1000)
const resetDay = String(Date.UTC(2026, 0, 2) / 1000)

describe('RateLimiter', () => {
  it('counts down the user window and the app day, and refuses past the limit', async () => {
    const first = await limiter.consume('POST /2/tweets', user)
    expect(first).toEqual({
      exceeded: false,
      headers: {
        'x-rate-limit-limit': '2',
        'x-rate-limit-remaining': '1',
        'x-rate-limit-reset': reset15,
        'x-app-limit-24hour-limit': '3',
        'x-app-limit-24hour-remaining': '2',
        'x-app-limit-24hour-reset': resetDay,
      },
    })
    expect((await limiter.consume('POST /2/tweets', user)).exceeded).toBe(false)
    const third = await limiter.consume('POST /2/tweets', user)
    expect(third.exceeded).toBe(true)
    expect(third.headers['x-rate-limit-remaining']).toBe('0')
  })

  it('starts a new 15-minute window at its reset time, while the 24-hour count goes on', async () => {
    await limiter.consume('POST /2/tweets', user)
    await limiter.consume('POST /2/tweets', user)
    clock.advance(10 * 60 * 1000)
    const next = await limiter.consume('POST /2/tweets', user)
    expect(next.exceeded).toBe(false)
    expect(next.headers['x-rate-limit-remaining']).toBe('1')
    expect(next.headers['x-rate-limit-reset']).toBe(String(Date.UTC(2026, 0, 1, 0, 30) / 1000))
    expect(next.headers['x-app-limit-24hour-remaining']).toBe('0')
    const fourth = await limiter.consume('POST /2/tweets', user)
    expect([fourth.exceeded, fourth.headers['x-rate-limit-remaining']]).toEqual([true, '0'])
  })

  it('counts each user separately and every user of an app together for the day', async () => {
    const other: Principal = { ...user, userId: '12' }
    await limiter.consume('POST /2/tweets', user)
    await limiter.consume('POST /2/tweets', user)
    const theirs = await limiter.consume('POST /2/tweets', other)
    expect(theirs.headers['x-rate-limit-remaining']).toBe('1')
    expect(theirs.headers['x-app-limit-24hour-remaining']).toBe('0')
  })

  it('has no app counters for development tokens (no app)', async () => {
    const { headers } = await limiter.consume('POST /2/tweets', dev)
    expect(Object.keys(headers)).toEqual(['x-rate-limit-limit', 'x-rate-limit-remaining', 'x-rate-limit-reset'])
  })

  it('limits app-only requests per app in the 15-minute window', async () => {
    expect((await limiter.consume('GET /2/tweets', appOnly)).headers['x-rate-limit-limit']).toBe('1')
    expect((await limiter.consume('GET /2/tweets', appOnly)).exceeded).toBe(true)
    expect((await limiter.consume('GET /2/tweets', user)).headers['x-rate-limit-remaining']).toBe('4')
  })

  it('reports a per-user daily cap in the x-user-limit-24hour headers', async () => {
    const daily = new RateLimiter({ store, clock, table: { 'POST /2/tweets': { userDaily: 1 } } })
    expect((await daily.consume('POST /2/tweets', dev)).headers).toEqual({
      'x-user-limit-24hour-limit': '1',
      'x-user-limit-24hour-remaining': '0',
      'x-user-limit-24hour-reset': resetDay,
    })
    expect((await daily.consume('POST /2/tweets', dev)).exceeded).toBe(true)
  })

  it('leaves buckets outside the table unlimited', async () => {
    expect(await limiter.consume('GET /2/users/me', user)).toEqual({ headers: {}, exceeded: false })
  })
})

describe('X_RATE_LIMITS', () => {
  it("holds X's published v2 media numbers (spec §11.1)", () => {
    expect(X_RATE_LIMITS['POST /2/media/upload/initialize']).toEqual({ user: 1875, appDaily: 180_000 })
    expect(X_RATE_LIMITS['POST /2/media/upload']).toEqual({ user: 500, appDaily: 50_000 })
    expect(X_RATE_LIMITS['POST /2/tweets']).toEqual({ user: 100, appDaily: 10_000 })
    expect(X_RATE_LIMITS['POST /2/media/subtitles']).toEqual({ user: 100, appDaily: 10_000 })
    expect(X_RATE_LIMITS['DELETE /2/media/subtitles']).toEqual({ user: 100, appDaily: 10_000 })
  })
})

describe('commandBucket', () => {
  it.each([
    ['POST /1.1/media/upload.json', 'INIT', 'POST /1.1/media/upload.json INIT'],
    ['POST /1.1/media/upload.json', 'append', 'POST /1.1/media/upload.json APPEND'],
    ['POST /1.1/media/upload.json', 'FINALIZE', 'POST /1.1/media/upload.json FINALIZE'],
    ['POST /1.1/media/upload.json', undefined, 'POST /1.1/media/upload.json'],
    ['POST /2/media/upload', 'INIT', 'POST /2/media/upload/initialize'],
    ['POST /2/media/upload', 'APPEND', 'POST /2/media/upload/:id/append'],
    ['POST /2/media/upload', 'FINALIZE', 'POST /2/media/upload/:id/finalize'],
    ['POST /2/media/upload', 'STATUS', 'GET /2/media/upload'],
    ['POST /2/media/upload', undefined, 'POST /2/media/upload'],
    ['POST /2/media/upload', 'NOPE', 'POST /2/media/upload'],
  ] as const)('puts %s command %s in %s', (route, command, bucket) => {
    expect(commandBucket(route, command)).toBe(bucket)
  })
})
