/**
 * The only reader of the environment. `loadConfig` parses env variables and command-line flags into
 * a frozen, typed `Config` and reports every invalid key at once.
 */
import { resolve } from 'node:path'
import { DEFAULT_MAX_SEGMENT_BYTES, type LimitsProfile } from '@birdhouse/protocol'

/** Where metadata lives. */
export type MetadataConfig = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string }

/** Where bytes live. */
export type BlobConfig = { kind: 'disk'; root: string }

/** Everything the server needs, validated. */
export interface Config {
  /** TCP port (env PORT, default 8080). */
  readonly port: number
  /** Listen address (env HOST, default 127.0.0.1). */
  readonly host: string
  /** Data directory (env BIRDHOUSE_DATA_DIR, default ./data). */
  readonly dataDir: string
  readonly metadata: MetadataConfig
  readonly blobs: BlobConfig
  /** Snowflake node id 0–1023 (env BIRDHOUSE_NODE_ID); random per process when unset. */
  readonly nodeId: number | undefined
  /** pino level (env BIRDHOUSE_LOG_LEVEL, default info). */
  readonly logLevel: string
  /** Limit table (env BIRDHOUSE_LIMITS: default | premium | classic). */
  readonly limits: LimitsProfile
  /** Largest APPEND segment in bytes (env BIRDHOUSE_MAX_SEGMENT_BYTES, default 5 MiB). */
  readonly maxSegmentBytes: number
  /** Seconds an upload may take from INIT to FINALIZE (env BIRDHOUSE_UPLOAD_EXPIRES_SECS, default 86400). */
  readonly uploadExpiresSecs: number
  /** Seconds finalized media stays usable (env BIRDHOUSE_MEDIA_EXPIRES_SECS, default 86400). */
  readonly mediaExpiresSecs: number
  /** In-process processing workers (env BIRDHOUSE_WORKERS, default 2; 0 runs none). */
  readonly workers: number
  /** Seconds between reaper sweeps (env BIRDHOUSE_REAPER_INTERVAL_SECS, default 60). */
  readonly reaperIntervalSecs: number
  /** Explicit ffprobe binary (env BIRDHOUSE_FFPROBE_PATH); else the system's, else the npm package's. */
  readonly ffprobePath: string | undefined
  /** Explicit ffmpeg binary (env BIRDHOUSE_FFMPEG_PATH); else the system's, else the npm package's. */
  readonly ffmpegPath: string | undefined
  /** Handle of the user created on first start (env BIRDHOUSE_DEFAULT_USER, default birdhouse). */
  readonly defaultUser: string
  /** Key sealing OAuth 1.0a secrets and signing consent cookies (env BIRDHOUSE_SECRET_KEY, ≥ 32 chars); when unset, one is created in `<dataDir>/secret.key` at start. Every node of a cluster needs the same. */
  readonly secretKey: string | undefined
  /** Approve every authorization request at once as this user (env BIRDHOUSE_AUTO_APPROVE; loopback listeners only). */
  readonly autoApprove: string | undefined
  /** Bearer token of the admin HTTP API (env BIRDHOUSE_ADMIN_TOKEN); the API is off when unset. */
  readonly adminToken: string | undefined
  /** Enforce X's rate limits (env BIRDHOUSE_RATE_LIMITS: on | off, default on). */
  readonly rateLimits: boolean
  /** Base URLs OAuth 1.0a signatures may be computed over, besides the request's own (env BIRDHOUSE_OAUTH1_BASE_URLS, csv). */
  readonly oauth1BaseUrls: readonly string[]
  /** Seconds a rotated refresh token may still be used (env BIRDHOUSE_REFRESH_GRACE_SECS, default 0: off). */
  readonly refreshGraceSecs: number
  /** Lifetime of OAuth 2.0 access tokens (env BIRDHOUSE_ACCESS_TOKEN_TTL_SECS, default 7200). */
  readonly accessTokenTtlSecs: number
  /** Accepted clock skew of OAuth 1.0a timestamps (env BIRDHOUSE_OAUTH1_WINDOW_SECS, default 300). */
  readonly oauth1WindowSecs: number
  /** Base URL of media links in responses (env BIRDHOUSE_PUBLIC_URL); default: the scheme and Host the client used. */
  readonly publicUrl: string | undefined
}

/** X's public hosts, whose URLs real clients sign OAuth 1.0a requests over. */
export const X_PUBLIC_BASE_URLS = [
  'https://upload.twitter.com',
  'https://upload.x.com',
  'https://api.twitter.com',
  'https://api.x.com',
] as const

/** Thrown by `loadConfig` with every problem found. */
export class ConfigError extends Error {
  readonly problems: string[]
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'ConfigError'
    this.problems = problems
  }
}

/** Command-line flags that override env keys. */
export interface ConfigFlags {
  port?: string
  host?: string
  dataDir?: string
  databaseUrl?: string
}

type Env = Readonly<Record<string, string | undefined>>

class Reader {
  readonly problems: string[] = []
  readonly env: Env
  constructor(env: Env) {
    this.env = env
  }

  string(key: string, fallback: string): string {
    const value = this.env[key]
    return value === undefined || value === '' ? fallback : value
  }

  int(key: string, fallback: number, min: number, max: number): number {
    const raw = this.env[key]
    if (raw === undefined || raw === '') return fallback
    const value = Number(raw)
    if (!/^-?\d+$/.test(raw.trim()) || value < min || value > max) {
      this.problems.push(`${key}=${JSON.stringify(raw)}: expected an integer from ${min} to ${max}`)
      return fallback
    }
    return value
  }

  oneOf<T extends string>(key: string, fallback: T, allowed: readonly T[]): T {
    const raw = this.env[key]
    if (raw === undefined || raw === '') return fallback
    if (!(allowed as readonly string[]).includes(raw)) {
      this.problems.push(`${key}=${JSON.stringify(raw)}: expected one of ${allowed.join(', ')}`)
      return fallback
    }
    return raw as T
  }
}

function metadataConfig(reader: Reader, dataDir: string): MetadataConfig {
  const url = reader.env.DATABASE_URL
  if (url === undefined || url === '') return { kind: 'sqlite', path: resolve(dataDir, 'birdhouse.db') }
  if (/^postgres(ql)?:\/\//.test(url)) return { kind: 'postgres', url }
  if (url.startsWith('sqlite:')) return { kind: 'sqlite', path: resolve(url.slice('sqlite:'.length)) }
  reader.problems.push('DATABASE_URL: expected postgres://… or sqlite:<path>')
  return { kind: 'sqlite', path: resolve(dataDir, 'birdhouse.db') }
}

function optional(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value
}

/** Parses and validates env plus flags; throws `ConfigError` listing every invalid key. */
export function loadConfig(env: Env = process.env, flags: ConfigFlags = {}): Config {
  const merged: Record<string, string | undefined> = { ...env }
  if (flags.port !== undefined) merged.PORT = flags.port
  if (flags.host !== undefined) merged.HOST = flags.host
  if (flags.dataDir !== undefined) merged.BIRDHOUSE_DATA_DIR = flags.dataDir
  if (flags.databaseUrl !== undefined) merged.DATABASE_URL = flags.databaseUrl
  const r = new Reader(merged)
  const dataDir = resolve(r.string('BIRDHOUSE_DATA_DIR', './data'))
  const nodeIdRaw = merged.BIRDHOUSE_NODE_ID
  const config: Config = {
    port: r.int('PORT', 8080, 0, 65535),
    host: r.string('HOST', '127.0.0.1'),
    dataDir,
    metadata: metadataConfig(r, dataDir),
    blobs: { kind: 'disk', root: resolve(dataDir, 'blobs') },
    nodeId: nodeIdRaw === undefined || nodeIdRaw === '' ? undefined : r.int('BIRDHOUSE_NODE_ID', 0, 0, 1023),
    logLevel: r.oneOf('BIRDHOUSE_LOG_LEVEL', 'info', ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']),
    limits: r.oneOf<LimitsProfile>('BIRDHOUSE_LIMITS', 'default', ['default', 'premium', 'classic']),
    maxSegmentBytes: r.int('BIRDHOUSE_MAX_SEGMENT_BYTES', DEFAULT_MAX_SEGMENT_BYTES, 1, 64 * 1024 * 1024),
    uploadExpiresSecs: r.int('BIRDHOUSE_UPLOAD_EXPIRES_SECS', 86_400, 1, 365 * 86_400),
    mediaExpiresSecs: r.int('BIRDHOUSE_MEDIA_EXPIRES_SECS', 86_400, 1, 365 * 86_400),
    workers: r.int('BIRDHOUSE_WORKERS', 2, 0, 64),
    reaperIntervalSecs: r.int('BIRDHOUSE_REAPER_INTERVAL_SECS', 60, 1, 86_400),
    ffprobePath: optional(merged.BIRDHOUSE_FFPROBE_PATH),
    ffmpegPath: optional(merged.BIRDHOUSE_FFMPEG_PATH),
    defaultUser: r.string('BIRDHOUSE_DEFAULT_USER', 'birdhouse'),
    secretKey: optional(merged.BIRDHOUSE_SECRET_KEY),
    autoApprove: optional(merged.BIRDHOUSE_AUTO_APPROVE),
    adminToken: optional(merged.BIRDHOUSE_ADMIN_TOKEN),
    rateLimits: r.oneOf('BIRDHOUSE_RATE_LIMITS', 'on', ['on', 'off']) === 'on',
    oauth1BaseUrls: (optional(merged.BIRDHOUSE_OAUTH1_BASE_URLS)?.split(',') ?? [...X_PUBLIC_BASE_URLS])
      .map((url) => url.trim().replace(/\/+$/, ''))
      .filter((url) => url !== ''),
    refreshGraceSecs: r.int('BIRDHOUSE_REFRESH_GRACE_SECS', 0, 0, 3600),
    accessTokenTtlSecs: r.int('BIRDHOUSE_ACCESS_TOKEN_TTL_SECS', 7200, 1, 30 * 86_400),
    oauth1WindowSecs: r.int('BIRDHOUSE_OAUTH1_WINDOW_SECS', 300, 1, 86_400),
    publicUrl: optional(merged.BIRDHOUSE_PUBLIC_URL)?.replace(/\/+$/, ''),
  }
  if (config.secretKey !== undefined && config.secretKey.length < 32) {
    r.problems.push('BIRDHOUSE_SECRET_KEY: expected at least 32 characters')
  }
  if (config.publicUrl !== undefined && !/^https?:\/\/[^/]+(\/.*)?$/.test(config.publicUrl)) {
    r.problems.push('BIRDHOUSE_PUBLIC_URL: expected http(s)://host[:port][/path]')
  }
  for (const url of config.oauth1BaseUrls) {
    if (!/^https?:\/\/[^/]+$/.test(url))
      r.problems.push(`BIRDHOUSE_OAUTH1_BASE_URLS: ${JSON.stringify(url)} is not scheme://host[:port]`)
  }
  if (!/^[A-Za-z0-9_]{1,15}$/.test(config.defaultUser)) {
    r.problems.push('BIRDHOUSE_DEFAULT_USER: expected 1–15 letters, digits or underscores')
  }
  if (r.problems.length > 0) throw new ConfigError(r.problems)
  return Object.freeze(config)
}
