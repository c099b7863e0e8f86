/**
 * `birdhouse status <media_id>`: one STATUS read, or with `--wait` polls (honouring
 * `check_after_secs`) until processing succeeded (exit 0) or failed (exit 6).
 *
 * @example
 * npx birdhouse status 1880028106020515840 --wait --json
 */
import type { ProcessingStatus, UploadedMedia, WireStyle } from '@birdhouse/client/node'
import { WIRE_STYLES } from '@birdhouse/client/node'
import type { Command } from 'commander'
import { openApiClient } from './api-client.js'
import { abortOnSignals, failApi } from './api-failure.js'
import { type ApiOptions, withApiFlags } from './api-options.js'
import { CliError } from './cli-error.js'
import { EXIT } from './exit-codes.js'
import { parseChoice, parseInteger } from './parse-options.js'

interface StatusFlags extends ApiOptions {
  wait?: boolean
  timeout?: string
  wire?: string
}

/** Adds `birdhouse status`. */
export function registerStatusCommand(program: Command): void {
  withApiFlags(
    program
      .command('status <media_id>')
      .description("print an upload's processing state; --wait polls until it succeeded (0) or failed (6)")
      .option('--wait', 'poll until processing succeeded or failed')
      .option('--timeout <secs>', 'give up waiting after this many seconds (default 1800)')
      .option('--wire <style>', `STATUS endpoint: ${WIRE_STYLES.join(', ')} (default v2)`),
  ).action((mediaId: string, options: StatusFlags) =>
    status(mediaId, options).catch((error: unknown) => failApi(error, options.json === true)),
  )
}

async function status(mediaId: string, options: StatusFlags): Promise<void> {
  if (!/^\d{1,20}$/.test(mediaId)) throw new CliError('usage', `media id ${JSON.stringify(mediaId)}: expected digits`)
  const wireStyle = options.wire === undefined ? undefined : parseChoice<WireStyle>('--wire', options.wire, WIRE_STYLES)
  const timeoutMs =
    options.timeout === undefined ? undefined : parseInteger('--timeout', options.timeout, 1, 86_400) * 1000
  const client = await openApiClient(options)
  const signal = abortOnSignals()
  const json = options.json === true
  const common = { signal, ...(wireStyle === undefined ? {} : { wireStyle }) }
  const media =
    options.wait === true
      ? await client.waitForProcessing(mediaId, {
          ...common,
          ...(timeoutMs === undefined ? {} : { timeoutMs }),
          onStatus: (processing) => (json ? printJson({ event: 'status', ...processingView(processing) }) : undefined),
        })
      : await client.getUploadStatus(mediaId, common)
  if (json) printJson({ event: 'media', ...mediaView(media) })
  else
    console.log(
      `media ${media.mediaId}: ${media.processing === undefined ? 'ready (no processing)' : describe(media.processing)}`,
    )
  if (media.processing?.state === 'failed' || media.processing?.error !== undefined)
    process.exitCode = EXIT.processingFailed
}

function describe(processing: ProcessingStatus): string {
  const percent = processing.progressPercent === undefined ? '' : ` ${processing.progressPercent}%`
  const error = processing.error === undefined ? '' : ` (${processing.error.name}: ${processing.error.message})`
  return `${processing.state}${percent}${error}`
}

function processingView(processing: ProcessingStatus): Record<string, unknown> {
  return {
    state: processing.state,
    ...(processing.progressPercent === undefined ? {} : { progress_percent: processing.progressPercent }),
    ...(processing.checkAfterSecs === undefined ? {} : { check_after_secs: processing.checkAfterSecs }),
    ...(processing.error === undefined ? {} : { error: processing.error }),
  }
}

function mediaView(media: UploadedMedia): Record<string, unknown> {
  return {
    media_id: media.mediaId,
    media_key: media.mediaKey ?? null,
    ...(media.sizeBytes === undefined ? {} : { size: media.sizeBytes }),
    ...(media.expiresAfterSecs === undefined ? {} : { expires_after_secs: media.expiresAfterSecs }),
    processing: media.processing === undefined ? null : processingView(media.processing),
  }
}

function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`)
}
