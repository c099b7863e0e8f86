/** What every `birdhouse` command shares: store flags, config loading and failure reporting. */
import { ERROR_CODES, formatMessage } from '@birdhouse/protocol'
import { type Config, ConfigError, type ConfigFlags, isApiError, loadConfig } from '@birdhouse/server'
import type { Command } from 'commander'
import { EXIT } from './exit-codes.js'

/** Flags that override configuration keys. */
export interface StoreOptions {
  port?: string
  host?: string
  dataDir?: string
  databaseUrl?: string
}

/** Loads the configuration from the environment and the flags. */
export function configFrom(options: StoreOptions): Config {
  const flags: ConfigFlags = {}
  if (options.port !== undefined) flags.port = options.port
  if (options.host !== undefined) flags.host = options.host
  if (options.dataDir !== undefined) flags.dataDir = options.dataDir
  if (options.databaseUrl !== undefined) flags.databaseUrl = options.databaseUrl
  return loadConfig(process.env, flags)
}

/** Prints a failure (`title: detail` for API errors) and exits with its documented code. */
export function fail(error: unknown): never {
  if (error instanceof ConfigError) {
    console.error(error.message)
    process.exit(EXIT.usage)
  }
  if (isApiError(error)) {
    const spec = ERROR_CODES[error.code]
    console.error(`${spec.title}: ${error.overrideMessage ?? formatMessage(spec.message, error.params)}`)
    process.exit(spec.status < 500 ? EXIT.usage : EXIT.internal)
  }
  const code = (error as NodeJS.ErrnoException).code
  console.error(`birdhouse: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(code === 'EADDRINUSE' || code === 'ECONNREFUSED' || code === 'EACCES' ? EXIT.unavailable : EXIT.internal)
}

/** Adds `--data-dir` and `--database-url` to a command that opens the stores. */
export function withStoreFlags(command: Command): Command {
  return command
    .option('--data-dir <dir>', 'data directory (env BIRDHOUSE_DATA_DIR, default ./data)')
    .option('--database-url <url>', 'postgres://… to use PostgreSQL (env DATABASE_URL; default SQLite in the data dir)')
}

/** Prints a value as one line of JSON (for `--json`). */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`)
}
