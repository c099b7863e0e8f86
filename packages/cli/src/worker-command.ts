/**
 * `birdhouse worker`: processing workers without HTTP, on the stores the configuration names. Run
 * it next to servers started with `BIRDHOUSE_WORKERS=0` to keep transcoding off the API processes;
 * SIGTERM kills running ffmpeg processes, hands their jobs back to the queue and exits 0.
 *
 * @example
 * BIRDHOUSE_WORKERS=0 npx birdhouse serve &
 * npx birdhouse worker --concurrency 2
 */
import { DEFAULT_WORKER_CONCURRENCY, startWorkers } from '@birdhouse/server'
import type { Command } from 'commander'
import { configFrom, fail, type StoreOptions, withStoreFlags } from './command-support.js'
import { EXIT } from './exit-codes.js'
import { onShutdown } from './shutdown.js'

/** Options of `birdhouse worker`. */
interface WorkerOptions extends StoreOptions {
  concurrency?: string
}

/** Adds `birdhouse worker` to the program. */
export function registerWorkerCommand(program: Command): void {
  withStoreFlags(
    program
      .command('worker')
      .description('run processing workers only (no HTTP); SIGTERM hands running jobs back and exits')
      .option(
        '--concurrency <n>',
        `jobs at once, 1–64 (default BIRDHOUSE_WORKERS, or ${DEFAULT_WORKER_CONCURRENCY} when that is 0)`,
      ),
  ).action(work)
}

async function work(options: WorkerOptions): Promise<void> {
  const concurrency = options.concurrency === undefined ? undefined : parseConcurrency(options.concurrency)
  const config = configFrom(options)
  const workers = await startWorkers(config, concurrency === undefined ? {} : { concurrency }).catch(fail)
  console.log(`birdhouse worker ${workers.worker.id} is processing, ${workers.concurrency} job(s) at once`)
  onShutdown(() => workers.close())
}

function parseConcurrency(raw: string): number {
  const value = Number(raw)
  if (!/^\d+$/.test(raw) || value < 1 || value > 64) {
    console.error(`--concurrency ${JSON.stringify(raw)}: expected an integer from 1 to 64`)
    process.exit(EXIT.usage)
  }
  return value
}
