/**
 * `birdhouse upload <files…>`: uploads each file with the SDK (parallel segments, retries,
 * processing wait) and prints its media id. Every upload keeps a checkpoint in the state
 * directory, so running the same command again after an interruption sends only the segments the
 * server had not acknowledged.
 *
 * @example
 * npx birdhouse upload clip.mp4 photo.png --alt 'a clip' --alt 'a photo' --base-url http://127.0.0.1:8080
 * npx birdhouse upload big.mp4 --chunk-size 8M --parallel 6 --json
 */
import { stat } from 'node:fs/promises'
import {
  defaultCheckpointDirectory,
  FileCheckpointStore,
  type UploadOptions,
  type UploadResult,
  WIRE_STYLES,
  type WireStyle,
} from '@birdhouse/client/node'
import type { Command } from 'commander'
import { openApiClient } from './api-client.js'
import { abortOnSignals, failApi } from './api-failure.js'
import { type ApiOptions, withApiFlags } from './api-options.js'
import { CliError } from './cli-error.js'
import { parseBytes, parseChoice, parseInteger } from './parse-options.js'
import { createProgressReporter } from './upload-progress.js'

/** Flags shared by `upload` and `post`. */
export interface MediaFlags extends ApiOptions {
  category?: string
  alt: string[]
  chunkSize?: string
  parallel?: string
  wire?: string
  stateDir?: string
}

interface UploadFlags extends MediaFlags {
  wait: boolean
}

const collect = (value: string, previous: string[]) => [...previous, value]

/** Adds the media flags of `upload` and `post`. */
export function withMediaFlags(command: Command): Command {
  return withApiFlags(
    command
      .option('--category <category>', "X's media category, e.g. tweet_video, dm_image (default: chosen from the file)")
      .option('--alt <text>', 'alt text; repeat it for several files, in order', collect, [])
      .option('--chunk-size <bytes>', 'segment size, e.g. 512K or 4M (default 4M)')
      .option('--parallel <n>', 'segments in flight at once (default 4)')
      .option('--wire <style>', `upload endpoints: ${WIRE_STYLES.join(', ')} (default v2; v1.1 needs OAuth 1.0a)`)
      .option('--state-dir <dir>', 'where resume checkpoints live (default ~/.cache/birdhouse/uploads)'),
  )
}

/** Adds `birdhouse upload`. */
export function registerUploadCommand(program: Command): void {
  withMediaFlags(
    program
      .command('upload <files...>')
      .description('upload media files (resuming an interrupted upload of the same file) and print their media ids')
      .option('--no-wait', 'return after FINALIZE instead of waiting for processing'),
  ).action((files: string[], options: UploadFlags) =>
    upload(files, options).catch((error: unknown) => failApi(error, options.json === true)),
  )
}

/** `UploadOptions` from the media flags (validated: bad values are usage errors). */
export function uploadOptionsFrom(options: MediaFlags): UploadOptions {
  const wireStyle = options.wire === undefined ? undefined : parseChoice<WireStyle>('--wire', options.wire, WIRE_STYLES)
  return {
    ...(options.category === undefined ? {} : { mediaCategory: options.category }),
    ...(wireStyle === undefined ? {} : { wireStyle }),
    ...(options.chunkSize === undefined
      ? {}
      : { chunkBytes: parseBytes('--chunk-size', options.chunkSize, 1, 5 * 1024 * 1024) }),
    ...(options.parallel === undefined ? {} : { parallel: parseInteger('--parallel', options.parallel, 1, 32) }),
    resume: { store: new FileCheckpointStore(options.stateDir ?? defaultCheckpointDirectory()) },
  }
}

/** Fails with a usage error (exit 2) unless every file is a readable regular file. */
export async function checkFiles(files: readonly string[]): Promise<void> {
  for (const file of files) {
    const info = await stat(file).catch(() => undefined)
    if (info === undefined) throw new CliError('usage', `${file}: no such file`)
    if (!info.isFile()) throw new CliError('usage', `${file}: not a regular file`)
  }
}

async function upload(files: string[], options: UploadFlags): Promise<void> {
  const base = uploadOptionsFrom(options)
  if (options.alt.length > files.length)
    throw new CliError('usage', `${options.alt.length} --alt texts for ${files.length} files`)
  await checkFiles(files)
  const client = await openApiClient(options)
  const signal = abortOnSignals()
  const json = options.json === true
  const progress = createProgressReporter(json)
  // Bars own the terminal until they stop, so text results wait for the end; JSON lines do not.
  const done: (() => void)[] = []
  try {
    for (const [index, file] of files.entries()) {
      const result = await client.uploadMedia(file, {
        ...base,
        waitForProcessing: options.wait,
        onProgress: progress.forFile(file),
        signal,
      })
      const alt = options.alt[index]
      if (alt !== undefined) await client.setAltText(result.mediaId, alt, { signal })
      const print = () => printResult(file, result, alt, json)
      if (json) print()
      else done.push(print)
    }
  } finally {
    progress.stop()
    for (const print of done) print()
  }
}

function printResult(file: string, result: UploadResult, alt: string | undefined, json: boolean): void {
  if (json) {
    process.stdout.write(
      `${JSON.stringify({ event: 'uploaded', file, ...resultView(result), ...(alt === undefined ? {} : { alt_text: alt }) })}\n`,
    )
    return
  }
  const resumed = result.resumed ? `, resumed: sent ${result.segmentsSent} of ${result.segmentsTotal} segments` : ''
  const state = result.processing === undefined ? '' : `, ${result.processing.state}`
  console.log(`${file}: media ${result.mediaId} (${result.mediaType}, ${result.mediaCategory}${state}${resumed})`)
}

/** The snake_case view of an upload result in JSON output. */
export function resultView(result: UploadResult): Record<string, unknown> {
  return {
    media_id: result.mediaId,
    media_key: result.mediaKey ?? null,
    media_type: result.mediaType,
    media_category: result.mediaCategory,
    size: result.sizeBytes,
    processing_state: result.processing?.state ?? null,
    resumed: result.resumed,
    segments_sent: result.segmentsSent,
    segments_total: result.segmentsTotal,
  }
}
