/**
 * Finds the ffprobe binary processing runs. Order: an explicit path (config
 * `BIRDHOUSE_FFPROBE_PATH`), which must work or startup fails; the system `ffprobe` on PATH, which
 * tracks the distribution's security fixes; the static build shipped by `@ffprobe-installer/ffprobe`,
 * so a fresh machine without ffmpeg still works. A candidate counts only if `-version` runs.
 */
import { execFile } from 'node:child_process'
import type { Logger } from '../logger.js'
import { silentLogger } from '../logger.js'

/** Where the media tools come from. */
export type MediaToolsSource = 'config' | 'system' | 'npm'

/** The resolved media tool binaries. */
export interface MediaTools {
  /** Absolute path or PATH command of ffprobe. */
  ffprobePath: string
  /** Which candidate won. */
  source: MediaToolsSource
}

/** Options of `resolveMediaTools`. */
export interface ResolveMediaToolsOptions {
  /** Explicit ffprobe path (config `BIRDHOUSE_FFPROBE_PATH`); default none. */
  ffprobePath?: string
  /** Command looked up on PATH; default `ffprobe`. */
  systemCommand?: string
  /** Default: no-op. */
  logger?: Logger
}

const VERSION_TIMEOUT_MS = 10_000
const cache = new Map<string, Promise<MediaTools>>()

/** Resolves ffprobe once per process and option set, logging which binary is used. */
export function resolveMediaTools(options: ResolveMediaToolsOptions = {}): Promise<MediaTools> {
  const key = JSON.stringify([options.ffprobePath ?? null, options.systemCommand ?? 'ffprobe'])
  let pending = cache.get(key)
  if (pending === undefined) {
    pending = findMediaTools(options, options.logger ?? silentLogger)
    // A failed lookup is not cached: the operator may install ffmpeg and retry without a restart.
    pending.catch(() => cache.delete(key))
    cache.set(key, pending)
  }
  return pending
}

async function findMediaTools(options: ResolveMediaToolsOptions, logger: Logger): Promise<MediaTools> {
  if (options.ffprobePath !== undefined) {
    const version = await readVersion(options.ffprobePath)
    if (version === undefined) throw new Error(`ffprobe at BIRDHOUSE_FFPROBE_PATH does not run: ${options.ffprobePath}`)
    return chosen({ ffprobePath: options.ffprobePath, source: 'config' }, version, logger)
  }
  const command = options.systemCommand ?? 'ffprobe'
  const systemVersion = await readVersion(command)
  if (systemVersion !== undefined) return chosen({ ffprobePath: command, source: 'system' }, systemVersion, logger)
  const npmPath = await npmFfprobePath()
  const npmVersion = npmPath === undefined ? undefined : await readVersion(npmPath)
  if (npmPath === undefined || npmVersion === undefined) {
    throw new Error('No working ffprobe: install ffmpeg or set BIRDHOUSE_FFPROBE_PATH')
  }
  return chosen({ ffprobePath: npmPath, source: 'npm' }, npmVersion, logger)
}

function chosen(tools: MediaTools, version: string, logger: Logger): MediaTools {
  logger.info({ ...tools, version }, 'using ffprobe')
  return tools
}

/** The npm package throws at import on platforms it has no binary for. */
async function npmFfprobePath(): Promise<string | undefined> {
  try {
    const module = await import('@ffprobe-installer/ffprobe')
    return module.default.path
  } catch {
    return undefined
  }
}

/** Runs `<path> -version`; resolves its first line, or undefined when it does not run. */
function readVersion(path: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(path, ['-version'], { timeout: VERSION_TIMEOUT_MS }, (error, stdout) => {
      const firstLine = String(stdout).split('\n')[0] ?? ''
      resolve(error === null && firstLine.startsWith('ffprobe version') ? firstLine : undefined)
    })
  })
}
