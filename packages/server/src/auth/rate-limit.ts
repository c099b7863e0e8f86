/**
 * X's rate limits: per endpoint, per user in 15-minute windows, per app in 15-minute windows for
 * app-only requests, and per app (and, where X has them, per user) over 24 hours. Counters live
 * in the auth store (`incrementCounter`), so every node of a cluster sees the same counts.
 *
 * Windows are fixed and aligned to the epoch (a 15-minute window starts at :00, :15, :30, :45),
 * so every node computes the same window without asking the store. A request is counted before
 * it runs; one that finds a counter past its limit is refused with 429.
 *
 * Numbers: docs.x.com/x-api/fundamentals/rate-limits (v2, spec §11.1). v1.1 published none; the
 * per-command numbers are what X sent in `x-rate-limit-limit` (spec §3.6); the others follow the
 * matching v2 endpoint. The command styles count per command, in the buckets of the dedicated
 * endpoints (v2) or of their v1.1 command.
 */
import type { Clock } from '../clock.js'
import type { AuthStore } from '../stores/auth-store.js'
import type { RouteId } from './policy.js'
import type { Principal } from './principal.js'

/** Limits of one bucket; an absent field means no limit of that kind. */
export interface EndpointLimits {
  /** Requests per user per 15 minutes (user-context requests). */
  readonly user?: number
  /** Requests per app per 15 minutes (app-only requests). */
  readonly app?: number
  /** Requests per user per 24 hours. */
  readonly userDaily?: number
  /** Requests per app per 24 hours (every request made with the app's credentials). */
  readonly appDaily?: number
}

/** Buckets of the v1.1 upload endpoint, which X limits per command. */
type V1UploadBucket = `POST /1.1/media/upload.json ${'INIT' | 'APPEND' | 'FINALIZE'}`

/** A rate-limit bucket: a route, or a v1.1 upload command. */
export type RateBucket = RouteId | V1UploadBucket

/** Limits by bucket; a bucket left out is not limited. */
export type RateLimitTable = Readonly<Partial<Record<RateBucket, EndpointLimits>>>

const UPLOAD_STEP: EndpointLimits = { user: 1875, appDaily: 180_000 }

/** X's published limits. */
export const X_RATE_LIMITS = {
  'POST /1.1/media/upload.json': { user: 415 },
  'POST /1.1/media/upload.json INIT': { user: 200 },
  'POST /1.1/media/upload.json APPEND': { user: 20_000 },
  'POST /1.1/media/upload.json FINALIZE': { user: 615 },
  'GET /1.1/media/upload.json': { user: 1000 },
  'POST /1.1/media/metadata/create.json': { user: 500 },
  'POST /1.1/media/subtitles/create.json': { user: 100 },
  'POST /1.1/media/subtitles/delete.json': { user: 100 },
  'POST /1.1/statuses/update.json': { user: 100 },
  'POST /2/media/upload': { user: 500, appDaily: 50_000 },
  'GET /2/media/upload': { user: 1000, appDaily: 100_000 },
  'POST /2/media/upload/initialize': UPLOAD_STEP,
  'POST /2/media/upload/:id/append': UPLOAD_STEP,
  'POST /2/media/upload/:id/finalize': UPLOAD_STEP,
  'POST /2/media/metadata': { user: 500, appDaily: 50_000 },
  'POST /2/media/subtitles': { user: 100, appDaily: 10_000 },
  'DELETE /2/media/subtitles': { user: 100, appDaily: 10_000 },
  'POST /2/tweets': { user: 100, appDaily: 10_000 },
  'DELETE /2/tweets/:id': { user: 50 },
  'GET /2/tweets': { user: 5000, app: 3500 },
  'GET /2/tweets/:id': { user: 900, app: 450 },
  'GET /2/users/:id/tweets': { user: 900, app: 10_000 },
  'GET /2/users/me': { user: 75 },
  // X publishes no numbers for the media lookups; they follow the post lookups (docs/api-contract.md).
  'GET /2/media': { user: 5000, app: 3500 },
  'GET /2/media/:media_key': { user: 900, app: 450 },
} as const satisfies Record<RateBucket, EndpointLimits>

/** The bucket of a command-style upload request: per command, sharing the dedicated endpoints' counters on v2. */
export function commandBucket(
  route: 'POST /1.1/media/upload.json' | 'POST /2/media/upload',
  command: string | undefined,
): RateBucket {
  const upper = command?.toUpperCase()
  if (route === 'POST /1.1/media/upload.json') {
    if (upper === 'INIT' || upper === 'APPEND' || upper === 'FINALIZE') return `${route} ${upper}`
    return upper === 'STATUS' ? 'GET /1.1/media/upload.json' : route
  }
  if (upper === 'INIT') return 'POST /2/media/upload/initialize'
  if (upper === 'APPEND') return 'POST /2/media/upload/:id/append'
  if (upper === 'FINALIZE') return 'POST /2/media/upload/:id/finalize'
  return upper === 'STATUS' ? 'GET /2/media/upload' : route
}

/** What counting one request found. */
export interface RateLimitOutcome {
  /** Headers to send, `x-rate-limit-*` and the 24-hour families. */
  headers: Record<string, string>
  /** Whether a limit is exceeded (the request must be refused with 429). */
  exceeded: boolean
}

/** Options of a `RateLimiter`. */
export interface RateLimiterOptions {
  store: AuthStore
  clock: Clock
  /** Default `X_RATE_LIMITS`. */
  table?: RateLimitTable
}

const WINDOW_MS = 15 * 60 * 1000
const DAY_MS = 24 * 60 * 60 * 1000

type Counter = { header: string; key: string; limit: number; windowMs: number }

/** Counts requests against the table. */
export class RateLimiter {
  readonly #store: AuthStore
  readonly #clock: Clock
  readonly #table: RateLimitTable

  constructor(options: RateLimiterOptions) {
    this.#store = options.store
    this.#clock = options.clock
    this.#table = options.table ?? X_RATE_LIMITS
  }

  /** Counts one request of `principal` in `bucket`. */
  async consume(bucket: RateBucket, principal: Principal): Promise<RateLimitOutcome> {
    const limits = this.#table[bucket]
    const headers: Record<string, string> = {}
    if (limits === undefined) return { headers, exceeded: false }
    const nowMs = this.#clock.now()
    let exceeded = false
    await Promise.all(
      countersFor(bucket, limits, principal).map(async ({ header, key, limit, windowMs }) => {
        const windowEndsAtMs = (Math.floor(nowMs / windowMs) + 1) * windowMs
        const count = await this.#store.incrementCounter(`${key}:${windowEndsAtMs}`, windowEndsAtMs, nowMs)
        if (count > limit) exceeded = true
        headers[`${header}-limit`] = String(limit)
        headers[`${header}-remaining`] = String(Math.max(0, limit - count))
        headers[`${header}-reset`] = String(Math.floor(windowEndsAtMs / 1000))
      }),
    )
    return { headers, exceeded }
  }
}

function countersFor(bucket: RateBucket, limits: EndpointLimits, principal: Principal): Counter[] {
  const counters: Counter[] = []
  const { userId, appId } = principal
  const window = userId === null ? limits.app : limits.user
  const subject = userId === null ? `app:${appId ?? ''}` : `user:${userId}`
  if (window !== undefined && (userId !== null || appId !== null)) {
    counters.push({ header: 'x-rate-limit', key: `rl:${bucket}:${subject}`, limit: window, windowMs: WINDOW_MS })
  }
  if (limits.userDaily !== undefined && userId !== null) {
    const key = `rl:${bucket}:user-day:${userId}`
    counters.push({ header: 'x-user-limit-24hour', key, limit: limits.userDaily, windowMs: DAY_MS })
  }
  if (limits.appDaily !== undefined && appId !== null) {
    const key = `rl:${bucket}:app-day:${appId}`
    counters.push({ header: 'x-app-limit-24hour', key, limit: limits.appDaily, windowMs: DAY_MS })
  }
  return counters
}
