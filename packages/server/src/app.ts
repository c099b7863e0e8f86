/**
 * The composition root: the only place that picks concrete store backends. `buildApp` wires an
 * app from explicit dependencies (tests pass memory stores and a manual clock); `openStores` opens
 * the backends a `Config` names.
 */
import { mkdir } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import Fastify, { type FastifyInstance, type FastifyServerOptions, LogController } from 'fastify'
import { Authenticator } from './auth/authenticate.js'
import { randomToken, SecretBox } from './auth/crypto.js'
import { OAuth1Verifier } from './auth/oauth1.js'
import { assertAutoApproveAllowed } from './auth/oauth2/auto-approve.js'
import { RateLimiter, type RateLimitTable } from './auth/rate-limit.js'
import type { Clock } from './clock.js'
import { systemClock } from './clock.js'
import type { Config } from './config.js'
import { clientErrorHandler, installErrorHandling, installShutdownGate } from './error-handler.js'
import type { Logger } from './logger.js'
import { type MediaTools, resolveMediaTools } from './processing/binaries.js'
import { installBodyParsers } from './routes/body-parsers.js'
import './routes/context.js'
import { PostService } from './posts/post-service.js'
import { registerAuthorization } from './routes/authorization.js'
import { registerMediaFiles } from './routes/media-files.js'
import { registerMediaLookup } from './routes/media-lookup.js'
import { registerMediaMetadata } from './routes/media-metadata.js'
import { registerMediaUpload } from './routes/media-upload.js'
import { registerStatuses } from './routes/statuses.js'
import { registerSubtitles } from './routes/subtitles.js'
import { registerTweets } from './routes/tweets.js'
import { registerUsers } from './routes/users.js'
import { registerV2UploadSteps } from './routes/v2-upload-steps.js'
import type { AuthStore } from './stores/auth-store.js'
import { DiskBlobStore } from './stores/blob/disk.js'
import { MemoryBlobStore } from './stores/blob/memory.js'
import type { BlobStore } from './stores/blob-store.js'
import { MemoryMetadataStore } from './stores/metadata/memory.js'
import { PostgresMetadataStore } from './stores/metadata/postgres.js'
import { SqliteMetadataStore } from './stores/metadata/sqlite.js'
import type { MetadataStore } from './stores/metadata-store.js'
import { ProcessingWorker } from './uploads/processing-worker.js'
import { Reaper } from './uploads/reaper.js'
import { SnowflakeGenerator } from './uploads/snowflake.js'
import { SubtitleService } from './uploads/subtitle-service.js'
import { UploadService } from './uploads/upload-service.js'
import { describeVideo } from './uploads/validate-media.js'

/** The stores an app runs on (`metadata` and `auth` are one database). */
export interface AppStores {
  metadata: MetadataStore
  auth: AuthStore
  blobs: BlobStore
}

/** Dependencies of `buildApp`. */
export interface BuildAppOptions {
  config: Config
  stores: AppStores
  /** Fastify logger option (default: pino at `config.logLevel`). */
  logger?: FastifyServerOptions['logger']
  /** Default: the wall clock. */
  clock?: Clock
  /** Default: a generator on `config.nodeId` (random when unset). */
  ids?: SnowflakeGenerator
  /** Start the in-process workers and the reaper (default true; route tests pass false). */
  background?: boolean
  /** Key sealing OAuth 1.0a secrets and signing consent cookies (default `config.secretKey`, else a random per-process key). */
  secretKey?: string
  /** Rate-limit table (default X's, `X_RATE_LIMITS`); ignored when `config.rateLimits` is off. */
  rateLimits?: RateLimitTable
}

/** Opens the stores `config` names. */
export async function openStores(config: Config, logger?: Logger): Promise<AppStores> {
  await mkdir(config.dataDir, { recursive: true })
  if (config.metadata.kind === 'sqlite') await mkdir(dirname(config.metadata.path), { recursive: true })
  const metadata =
    config.metadata.kind === 'postgres'
      ? await PostgresMetadataStore.open({ url: config.metadata.url, ...(logger ? { logger } : {}) })
      : await SqliteMetadataStore.open({ path: config.metadata.path, ...(logger ? { logger } : {}) })
  const blobs = await DiskBlobStore.open({ root: config.blobs.root })
  return { metadata, auth: metadata, blobs }
}

/** Fresh in-memory stores (route tests). */
export async function memoryStores(): Promise<AppStores> {
  const metadata = await MemoryMetadataStore.open()
  return { metadata, auth: metadata, blobs: await MemoryBlobStore.open() }
}

/** Resolves the media tools `config` names (once per process; a failed lookup is retried on the next call). */
export function mediaToolsFor(config: Config, logger: Logger): () => Promise<MediaTools> {
  const options = {
    ...(config.ffprobePath === undefined ? {} : { ffprobePath: config.ffprobePath }),
    ...(config.ffmpegPath === undefined ? {} : { ffmpegPath: config.ffmpegPath }),
    logger,
  }
  return () => resolveMediaTools(options)
}

/** The processing worker of a config: in the server (`BIRDHOUSE_WORKERS`) or alone (`birdhouse worker`). */
export function buildProcessingWorker(
  config: Config,
  stores: Pick<AppStores, 'metadata' | 'blobs'>,
  options: { clock: Clock; logger: Logger },
): ProcessingWorker {
  return new ProcessingWorker({
    store: stores.metadata,
    blobs: stores.blobs,
    clock: options.clock,
    limits: config.limits,
    logger: options.logger,
    mediaTools: mediaToolsFor(config, options.logger),
    workDir: join(config.dataDir, 'work'),
  })
}

/** Builds the Fastify app; closing it stops background work (not the stores: their opener closes them). */
export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const { config, stores } = options
  assertAutoApproveAllowed(config, config.host)
  const clock = options.clock ?? systemClock
  const app = Fastify({
    logger: options.logger ?? {
      level: config.logLevel,
      redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
    },
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 8 * 1024 * 1024,
    routerOptions: { maxParamLength: 200 },
    return503OnClosing: false,
    clientErrorHandler,
  })
  const logger = app.log as unknown as Logger
  const ids = options.ids ?? new SnowflakeGenerator(clock, config.nodeId)
  const mediaTools = mediaToolsFor(config, logger)
  const ffprobePath = async () => (await mediaTools()).ffprobePath
  const worker = buildProcessingWorker(config, stores, { clock, logger })
  const uploads = new UploadService({
    store: stores.metadata,
    blobs: stores.blobs,
    clock,
    ids,
    limits: config.limits,
    maxSegmentBytes: config.maxSegmentBytes,
    uploadExpiresSecs: config.uploadExpiresSecs,
    mediaExpiresSecs: config.mediaExpiresSecs,
    logger,
    workDir: join(config.dataDir, 'work'),
    onJobQueued: () => worker.wake(),
  })
  app.decorate('uploads', uploads)
  const posts = new PostService({
    store: stores.metadata,
    clock,
    ids,
    limits: config.limits,
    describeVideo: async (media) =>
      describeVideo({
        blobs: stores.blobs,
        segments: await stores.metadata.listSegments(media.id),
        ffprobePath,
        logger,
      }),
  })
  app.decorate('posts', posts)
  app.decorate('blobs', stores.blobs)
  app.decorate('metadata', stores.metadata)
  app.decorate('auth', stores.auth)
  // Without a key (tests), a per-process one: consent cookies work, sealed secrets die with the process.
  const secretKey = options.secretKey ?? config.secretKey ?? randomToken(32)
  const oauth1 = new OAuth1Verifier({
    store: stores.auth,
    clock,
    secretBox: new SecretBox(secretKey),
    baseUrls: config.oauth1BaseUrls,
    windowSecs: config.oauth1WindowSecs,
  })
  app.decorate('authenticator', new Authenticator({ store: stores.auth, clock, oauth1 }))
  const table = options.rateLimits === undefined ? {} : { table: options.rateLimits }
  app.decorate('rateLimiter', config.rateLimits ? new RateLimiter({ store: stores.auth, clock, ...table }) : null)
  app.decorate('clock', clock)
  app.decorate('publicUrl', config.publicUrl)
  app.decorateRequest('principal', undefined)
  installBodyParsers(app)
  installErrorHandling(app)
  installShutdownGate(app)
  registerMediaUpload(app)
  registerV2UploadSteps(app)
  registerTweets(app)
  registerUsers(app)
  registerStatuses(app)
  registerMediaMetadata(app)
  registerSubtitles(app, new SubtitleService({ store: stores.metadata, clock }))
  registerMediaFiles(app)
  registerMediaLookup(app)
  registerAuthorization(app, {
    config,
    metadata: stores.metadata,
    auth: stores.auth,
    blobs: stores.blobs,
    clock,
    ids,
    secretKey,
    logger,
  })
  app.addHook('onResponse', async (request, reply) => {
    request.log.debug({ method: request.method, url: request.url, status: reply.statusCode }, 'request done')
  })
  if (options.background !== false) {
    const reaper = new Reaper({ store: stores.metadata, blobs: stores.blobs, clock, logger })
    app.addHook('onReady', async () => {
      await mediaTools().catch((error: unknown) =>
        logger.warn({ err: error }, 'no usable ffprobe/ffmpeg: video processing will fail until one is installed'),
      )
      if (config.workers > 0) worker.start(config.workers)
      reaper.start(config.reaperIntervalSecs * 1000)
    })
    app.addHook('onClose', async () => {
      await Promise.all([worker.stop(), reaper.stop()])
    })
  }
  return app
}
