/**
 * Finds the ffprobe and ffmpeg binaries processing runs. Order, for each tool: an explicit path
 * (config `BIRDHOUSE_FFPROBE_PATH`, or the `ffmpegPath` option), which must work or startup fails;
 * the system binary on PATH, which tracks the distribution's security fixes; the static build shipped
 * by `@ffprobe-installer/ffprobe` or `@ffmpeg-installer/ffmpeg`, so a fresh machine without ffmpeg
 * still works. A candidate counts only if `-version` runs and names the tool.
 */
import { execFile } from 'node:child_process'
import type { Logger } from '../logger.js'
import { silentLogger } from '../logger.js'

/** Where a media tool comes from. */
export type MediaToolsSource = 'config' | 'system' | 'npm'

/** The resolved media tool binaries. */
export interface MediaTools {
  /** Absolute path or PATH command of ffprobe. */
  ffprobePath: string
  /** Which ffprobe candidate won. */
  source: MediaToolsSource
  /** Absolute path or PATH command of ffmpeg. */
  ffmpegPath: string
  /** Which ffmpeg candidate won. */
  ffmpegSource: MediaToolsSource
}

/** Options of `resolveMediaTools`. */
export interface ResolveMediaToolsOptions {
  /** Explicit ffprobe path (config `BIRDHOUSE_FFPROBE_PATH`); default none. */
  ffprobePath?: string
  /** ffprobe command looked up on PATH; default `ffprobe`. */
  systemCommand?: string
  /** Explicit ffmpeg path; default none. */
  ffmpegPath?: string
  /** ffmpeg command looked up on PATH; default `ffmpeg`. */
  ffmpegSystemCommand?: string
  /** Default: no-op. */
  logger?: Logger
}

type ToolName = 'ffprobe' | 'ffmpeg'

interface Tool {
  path: string
  source: MediaToolsSource
}

const VERSION_TIMEOUT_MS = 10_000
const cache = new Map<string, Promise<MediaTools>>()

/** Resolves ffprobe and ffmpeg once per process and option set, logging which binaries are used. */
export function resolveMediaTools(options: ResolveMediaToolsOptions = {}): Promise<MediaTools> {
  const key = JSON.stringify([
    options.ffprobePath ?? null,
    options.systemCommand ?? 'ffprobe',
    options.ffmpegPath ?? null,
    options.ffmpegSystemCommand ?? 'ffmpeg',
  ])
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
  const [ffprobe, ffmpeg] = await Promise.all([
    findTool('ffprobe', options.ffprobePath, options.systemCommand, logger),
    findTool('ffmpeg', options.ffmpegPath, options.ffmpegSystemCommand, logger),
  ])
  return { ffprobePath: ffprobe.path, source: ffprobe.source, ffmpegPath: ffmpeg.path, ffmpegSource: ffmpeg.source }
}

async function findTool(
  name: ToolName,
  explicitPath: string | undefined,
  systemCommand: string | undefined,
  logger: Logger,
): Promise<Tool> {
  if (explicitPath !== undefined) {
    const version = await readVersion(name, explicitPath)
    if (version === undefined) throw new Error(`${name} at ${configName(name)} does not run: ${explicitPath}`)
    return chosen(name, { path: explicitPath, source: 'config' }, version, logger)
  }
  const command = systemCommand ?? name
  const systemVersion = await readVersion(name, command)
  if (systemVersion !== undefined) return chosen(name, { path: command, source: 'system' }, systemVersion, logger)
  const npmPath = await npmToolPath(name)
  const npmVersion = npmPath === undefined ? undefined : await readVersion(name, npmPath)
  if (npmPath === undefined || npmVersion === undefined) {
    throw new Error(`No working ${name}: install ffmpeg or set ${configName(name)}`)
  }
  return chosen(name, { path: npmPath, source: 'npm' }, npmVersion, logger)
}

function configName(name: ToolName): string {
  return name === 'ffprobe' ? 'BIRDHOUSE_FFPROBE_PATH' : 'BIRDHOUSE_FFMPEG_PATH'
}

function chosen(name: ToolName, tool: Tool, version: string, logger: Logger): Tool {
  logger.info({ [`${name}Path`]: tool.path, source: tool.source, version }, `using ${name}`)
  return tool
}

/** The npm packages throw at import on platforms they have no binary for; imported lazily, only when needed. */
async function npmToolPath(name: ToolName): Promise<string | undefined> {
  try {
    const module =
      name === 'ffprobe' ? await import('@ffprobe-installer/ffprobe') : await import('@ffmpeg-installer/ffmpeg')
    return module.default.path
  } catch {
    return undefined
  }
}

/** Runs `<path> -version`; resolves its first line, or undefined when it does not run as `name`. */
function readVersion(name: ToolName, path: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(path, ['-version'], { timeout: VERSION_TIMEOUT_MS }, (error, stdout) => {
      const firstLine = String(stdout).split('\n')[0] ?? ''
      resolve(error === null && firstLine.startsWith(`${name} version`) ? firstLine : undefined)
    })
  })
}
