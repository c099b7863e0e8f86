/**
 * The composition root: the only place that picks concrete store backends. `buildApp` wires an
 * app from explicit dependencies (tests pass memory stores and a manual clock); `openStores` opens
 * the backends a `Config` names.
 */
import { mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import Fastify, { type FastifyInstance, type FastifyServerOptions, LogController } from 'fastify'
import type { Clock } from './clock.js'
import { systemClock } from './clock.js'
import type { Config } from './config.js'
import { clientErrorHandler, installErrorHandling, installShutdownGate } from './error-handler.js'
import type { Logger } from './logger.js'
import { resolveMediaTools } from './processing/binaries.js'
import { installBodyParsers } from './routes/body-parsers.js'
import './routes/context.js'
import { PostService } from './posts/post-service.js'
import { registerMediaFiles } from './routes/media-files.js'
import { registerMediaMetadata } from './routes/media-metadata.js'
import { registerMediaUpload } from './routes/media-upload.js'
import { registerStatuses } from './routes/statuses.js'
import { registerTweets } from './routes/tweets.js'
import { registerV2UploadSteps } from './routes/v2-upload-steps.js'
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
import { UploadService } from './uploads/upload-service.js'

/** The two stores an app runs on. */
export interface AppStores {
  metadata: MetadataStore
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
  return { metadata, blobs }
}

/** Fresh in-memory stores (route tests). */
export async function memoryStores(): Promise<AppStores> {
  return { metadata: await MemoryMetadataStore.open(), blobs: await MemoryBlobStore.open() }
}

/** Builds the Fastify app; closing it stops background work (not the stores: their opener closes them). */
export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const { config, stores } = options
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
  const worker = new ProcessingWorker({
    store: stores.metadata,
    blobs: stores.blobs,
    clock,
    limits: config.limits,
    logger,
    ffprobePath: async () =>
      (await resolveMediaTools({ ...(config.ffprobePath ? { ffprobePath: config.ffprobePath } : {}), logger }))
        .ffprobePath,
  })
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
    onJobQueued: () => worker.wake(),
  })
  app.decorate('uploads', uploads)
  app.decorate('posts', new PostService({ store: stores.metadata, clock, ids, limits: config.limits }))
  app.decorate('blobs', stores.blobs)
  app.decorate('metadata', stores.metadata)
  app.decorate('clock', clock)
  app.decorateRequest('principal', undefined)
  installBodyParsers(app)
  installErrorHandling(app)
  installShutdownGate(app)
  registerMediaUpload(app)
  registerV2UploadSteps(app)
  registerTweets(app)
  registerStatuses(app)
  registerMediaMetadata(app)
  registerMediaFiles(app)
  app.addHook('onResponse', async (request, reply) => {
    request.log.debug({ method: request.method, url: request.url, status: reply.statusCode }, 'request done')
  })
  if (options.background !== false) {
    const reaper = new Reaper({ store: stores.metadata, blobs: stores.blobs, clock, logger })
    app.addHook('onReady', async () => {
      await resolveMediaTools({ ...(config.ffprobePath ? { ffprobePath: config.ffprobePath } : {}), logger }).catch(
        (error: unknown) =>
          logger.warn({ err: error }, 'no usable ffprobe: video processing will fail until one is installed'),
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
