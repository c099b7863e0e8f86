/** Graceful shutdown of long-running commands (`serve`, `worker`). */
import { fail } from './command-support.js'
import { EXIT } from './exit-codes.js'

/** On the first SIGINT or SIGTERM, runs `close` and exits 0 (or reports its failure); later signals are ignored. */
export function onShutdown(close: () => Promise<void>): void {
  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    console.log(`\n${signal}: shutting down`)
    close().then(
      () => process.exit(EXIT.ok),
      (error: unknown) => fail(error),
    )
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
}
