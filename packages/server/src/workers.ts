/**
 * Processing without HTTP (`birdhouse worker`): opens the stores the config names and runs
 * processing workers on them, nothing else. Several such processes, and servers with
 * `BIRDHOUSE_WORKERS=0`, share one queue: jobs are leased in the metadata store, so each job runs
 * on one worker at a time and is taken again if its worker dies. The blob store is the data dir's
 * disk, so a separate worker runs on the same machine (or shares the directory).
 */
import { pino } from 'pino'
import { buildProcessingWorker, mediaToolsFor, openStores } from './app.js'
import { systemClock } from './clock.js'
import type { Config } from './config.js'
import type { Logger } from './logger.js'
import type { ProcessingWorker } from './uploads/processing-worker.js'

/** The default number of jobs at once when neither the option nor `BIRDHOUSE_WORKERS` sets one. */
export const DEFAULT_WORKER_CONCURRENCY = 2

/** Options of `startWorkers`. */
export interface StartWorkersOptions {
  /** Jobs at once; default `config.workers`, or `DEFAULT_WORKER_CONCURRENCY` when that is 0. */
  concurrency?: number
  /** Default: pino on stderr at `config.logLevel`. */
  logger?: Logger
}

/** Running workers. */
export interface RunningWorkers {
  worker: ProcessingWorker
  /** Jobs run at once. */
  concurrency: number
  /** Stops the workers (running ffmpeg processes are killed and their jobs handed back), then closes the stores. */
  close(): Promise<void>
}

/** Opens the stores and starts processing workers; fails when the stores cannot be opened. */
export async function startWorkers(config: Config, options: StartWorkersOptions = {}): Promise<RunningWorkers> {
  const logger: Logger = options.logger ?? pino({ level: config.logLevel }, pino.destination(2))
  const concurrency = options.concurrency ?? (config.workers > 0 ? config.workers : DEFAULT_WORKER_CONCURRENCY)
  const stores = await openStores(config, logger)
  const worker = buildProcessingWorker(config, stores, { clock: systemClock, logger })
  await mediaToolsFor(config, logger)().catch((error: unknown) =>
    logger.warn({ err: error }, 'no usable ffprobe/ffmpeg: video processing will fail until one is installed'),
  )
  worker.start(concurrency)
  logger.info({ workerId: worker.id, concurrency }, 'processing workers started')
  return {
    worker,
    concurrency,
    close: async () => {
      await worker.stop()
      await Promise.all([stores.metadata.close(), stores.blobs.close()])
    },
  }
}
