/**
 * In-process route tests: an app on memory stores and a manual clock, two users with bearer
 * tokens (the second one for ownership checks), request builders (multipart, auth) and tiny real
 * media made on the spot (PNG/JPEG with sharp, MP4 with the system ffmpeg). Route tests reach the
 * app through `inject()` only; processing tests opt into a running worker.
 */
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { FastifyInstance, HTTPMethods, LightMyRequestResponse } from 'fastify'
import sharp from 'sharp'
import { type AppStores, buildApp, memoryStores } from '../app.js'
import type { RateLimitTable } from '../auth/rate-limit.js'
import { ensureUser, issueToken } from '../auth/tokens.js'
import { ManualClock } from '../clock.js'
import { type Config, loadConfig } from '../config.js'
import { SnowflakeGenerator } from '../uploads/snowflake.js'

/** Options of `openRouteHarness`. */
export interface RouteHarnessOptions {
  /** Extra config env (e.g. `BIRDHOUSE_MAX_SEGMENT_BYTES`); default none. */
  env?: Readonly<Record<string, string>>
  /** Run one processing worker (`background: true`, `BIRDHOUSE_WORKERS=1`); default false. */
  processing?: boolean
  /** Called before the app is ready, to add throwaway routes or hooks; default none. */
  setup?: (app: FastifyInstance) => void
  /** Rate-limit table replacing X's (small limits for rate-limit tests); default X's. */
  rateLimits?: RateLimitTable
}

/** A request body and the headers that describe it. */
export interface RequestBody {
  payload: string | Buffer
  headers: Readonly<Record<string, string>>
}

/** A built app plus what tests need around it. */
export interface RouteHarness {
  app: FastifyInstance
  stores: AppStores
  clock: ManualClock
  config: Config
  /** Bearer token of the first user. */
  token: string
  userId: string
  /** Bearer token of a second user, for ownership tests. */
  otherToken: string
  otherUserId: string
  /** Injects a request as the first user, or as `token` (`null`: no Authorization header). */
  send(method: HTTPMethods, url: string, body?: RequestBody, token?: string | null): Promise<LightMyRequestResponse>
  /** Closes the app and stores and removes the temp data dir. */
  close(): Promise<void>
}

/** Builds an app on fresh memory stores with two users and tokens. */
export async function openRouteHarness(options: RouteHarnessOptions = {}): Promise<RouteHarness> {
  const dataDir = await mkdtemp(join(tmpdir(), 'birdhouse-routes-'))
  const processing = options.processing === true
  const config = loadConfig({
    BIRDHOUSE_DATA_DIR: dataDir,
    ...(processing ? { BIRDHOUSE_WORKERS: '1' } : {}),
    ...options.env,
  })
  const stores = await memoryStores()
  const clock = new ManualClock()
  const rateLimits = options.rateLimits === undefined ? {} : { rateLimits: options.rateLimits }
  const app = await buildApp({ config, stores, clock, background: processing, logger: false, ...rateLimits })
  const ids = new SnowflakeGenerator(clock, 1)
  const { user } = await ensureUser(stores.metadata, ids, clock, 'alice')
  const { user: other } = await ensureUser(stores.metadata, ids, clock, 'bob')
  const token = await issueToken(stores.auth, clock, user.id)
  const otherToken = await issueToken(stores.auth, clock, other.id)
  options.setup?.(app)
  await app.ready()
  return {
    app,
    stores,
    clock,
    config,
    token,
    userId: user.id,
    otherToken,
    otherUserId: other.id,
    send: (method, url, body, as = token) =>
      app.inject({
        method,
        url,
        headers: { ...body?.headers, ...(as === null ? {} : auth(as)) },
        ...(body === undefined ? {} : { payload: body.payload }),
      }),
    close: async () => {
      await app.close()
      await Promise.all([stores.metadata.close(), stores.blobs.close()])
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}

/** The `Authorization` header of a bearer token. */
export function auth(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` }
}

/** The file part of a multipart body. */
export interface MultipartFile {
  /** Field name (`media`, `media_data`). */
  name: string
  bytes: Buffer | string
  /** Default `blob`. */
  filename?: string
  /** Default `application/octet-stream`. */
  contentType?: string
  /** `Content-Transfer-Encoding` of the part (e.g. `base64`); default none. */
  transferEncoding?: string
}

/** A multipart/form-data body: text fields first, then the optional file part. */
export function multipart(
  fields: Readonly<Record<string, string>>,
  file?: MultipartFile,
): RequestBody & { payload: Buffer } {
  const boundary = `----birdhouse${randomBytes(8).toString('hex')}`
  const parts: Buffer[] = []
  for (const [name, value] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`))
  }
  if (file !== undefined) {
    const head =
      `--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="${file.filename ?? 'blob'}"\r\n` +
      `Content-Type: ${file.contentType ?? 'application/octet-stream'}\r\n` +
      (file.transferEncoding === undefined ? '' : `Content-Transfer-Encoding: ${file.transferEncoding}\r\n`)
    parts.push(Buffer.from(`${head}\r\n`), Buffer.from(file.bytes), Buffer.from('\r\n'))
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`))
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } }
}

/** An urlencoded body. */
export function form(fields: Readonly<Record<string, string>>): RequestBody {
  return {
    payload: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  }
}

/** A JSON body. */
export function json(value: unknown): RequestBody {
  return { payload: JSON.stringify(value), headers: { 'content-type': 'application/json' } }
}

/** A solid-colour PNG. */
export function pngBytes(width = 4, height = 3): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 40, b: 10 } } })
    .png()
    .toBuffer()
}

/** A solid-colour JPEG. */
export function jpegBytes(width = 4, height = 3): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 10, g: 40, b: 200 } } })
    .jpeg()
    .toBuffer()
}

/** A one-frame GIF. */
export function gifBytes(width = 4, height = 4): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 40, g: 200, b: 10 } } })
    .gif()
    .toBuffer()
}

/** Shape of a generated clip. */
export interface ClipOptions {
  /** Default 1. */
  seconds?: number
  /** `WxH`, default `64x48`. */
  size?: string
  /** Frames per second, default 10. */
  fps?: number
}

const clips = new Map<string, Promise<Buffer>>()

/** An H.264 MP4 test pattern encoded by the system ffmpeg; each shape is made once per test file. */
export function mp4Bytes(options: ClipOptions = {}): Promise<Buffer> {
  const { seconds = 1, size = '64x48', fps = 10 } = options
  const key = `${seconds}/${size}/${fps}`
  let clip = clips.get(key)
  if (clip === undefined) {
    clip = encodeMp4(seconds, size, fps)
    clips.set(key, clip)
  }
  return clip
}

async function encodeMp4(seconds: number, size: string, fps: number): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'birdhouse-mp4-'))
  try {
    const out = join(dir, 'clip.mp4')
    const input = ['-f', 'lavfi', '-i', `testsrc=size=${size}:rate=${fps}`, '-t', String(seconds)]
    await promisify(execFile)('/usr/bin/ffmpeg', [
      '-v',
      'error',
      '-y',
      ...input,
      '-c:v',
      'libx264',
      '-pix_fmt',
      'yuv420p',
      out,
    ])
    return await readFile(out)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** Bytes that sniff as MP4 (an `ftyp` box) but that no decoder can read. */
export function corruptMp4Bytes(): Buffer {
  const ftyp = Buffer.from('000000186674797069736f6d0000020069736f6d6d703432', 'hex')
  return Buffer.concat([ftyp, Buffer.alloc(2048, 0xa5)])
}

/** The v2 invalid-request problem X sends (spec §7.2), with one error. */
export function invalidRequestProblem(message: string, parameters: Record<string, string[]> = {}) {
  return {
    errors: [{ message, parameters }],
    title: 'Invalid Request',
    detail: 'One or more parameters to your request was invalid.',
    type: 'https://api.twitter.com/2/problems/invalid-request',
  }
}

/** A v2 `about:blank` problem. */
export function blankProblem(title: string, status: number, detail: string) {
  return { title, type: 'about:blank', status, detail }
}

/** The generic v1.1 error body. */
export function v1ErrorsBody(code: number, message: string) {
  return { errors: [{ code, message }] }
}

/** The v1.1 upload endpoint's `{request, error}` body. */
export function v1RequestBody(error: string) {
  return { request: '/1.1/media/upload.json', error }
}

/** The media type of a response's Content-Type, without parameters such as `charset`. */
export function mediaTypeOf(response: LightMyRequestResponse): string | undefined {
  return String(response.headers['content-type'] ?? '').split(';')[0] || undefined
}

/** v1.1 ids as written on the wire: the digits of the bare `media_id` number and `media_id_string`. */
export function v1Ids(response: LightMyRequestResponse): {
  mediaId: string | undefined
  mediaIdString: string | undefined
} {
  return {
    mediaId: /"media_id":(\d+)[,}]/.exec(response.body)?.[1],
    mediaIdString: /"media_id_string":"(\d+)"/.exec(response.body)?.[1],
  }
}

/** Parses an error body with every snowflake id (18–19 digits) replaced by `<id>`, so it compares exactly. */
export function normalisedBody(response: LightMyRequestResponse): unknown {
  return JSON.parse(response.body.replace(/(?<!\d)\d{18,19}(?!\d)/g, '<id>'))
}

type ProcessingBody = { processing_info?: { state?: string } }

/** The `processing_info.state` of a v1.1 or v2 STATUS body, or `none`. */
export function processingState(response: LightMyRequestResponse): string {
  const body = response.json() as ProcessingBody & { data?: ProcessingBody }
  return (body.data ?? body).processing_info?.state ?? 'none'
}

/** Polls STATUS (v1.1 or v2 `url`) until processing ends; fails after `attempts` polls instead of waiting forever. */
export async function pollUntilTerminal(
  harness: RouteHarness,
  url: string,
  attempts = 400,
): Promise<LightMyRequestResponse[]> {
  const responses: LightMyRequestResponse[] = []
  for (let i = 0; i < attempts; i++) {
    const response = await harness.send('GET', url)
    responses.push(response)
    const state = processingState(response)
    if (state === 'succeeded' || state === 'failed' || state === 'none') return responses
    // Yield to the worker (it runs on timers and child processes) before asking again.
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error(
    `processing did not end after ${attempts} polls; last state ${processingState(responses[responses.length - 1] as LightMyRequestResponse)}`,
  )
}
