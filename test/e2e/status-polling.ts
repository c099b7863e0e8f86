/**
 * STATUS polling the way X's docs tell clients to do it: repeat the same request, waiting
 * `check_after_secs` between polls, until `processing_info.state` is `succeeded` or `failed`.
 * The wait is bounded; on timeout the last response is returned so the test's assertion shows it.
 */
import type { ProcessingInfo } from '@birdhouse/protocol'
import { type CurlResponse, curl } from './curl.js'

const DEFAULT_MAX_WAIT_MS = 60_000
const MIN_POLL_MS = 200

/** `processing_info` of a v2 body (under `data`) or a v1.1 body (top level). */
export function processingInfoOf(body: unknown): ProcessingInfo | undefined {
  if (body === null || typeof body !== 'object') return undefined
  const object = body as { data?: { processing_info?: ProcessingInfo }; processing_info?: ProcessingInfo }
  return object.data?.processing_info ?? object.processing_info
}

/** Runs the STATUS `command` until processing ends, the answer is not 200, or `maxWaitMs` passes. */
export async function pollUntilProcessed(
  command: string | readonly string[],
  maxWaitMs = DEFAULT_MAX_WAIT_MS,
): Promise<CurlResponse> {
  const deadline = Date.now() + maxWaitMs
  for (;;) {
    const response = await curl(command)
    if (response.status !== 200) return response
    const info = processingInfoOf(response.json())
    if (info === undefined || info.state === 'succeeded' || info.state === 'failed') return response
    if (Date.now() >= deadline) return response
    await new Promise((resolve) => setTimeout(resolve, Math.max(MIN_POLL_MS, (info.check_after_secs ?? 1) * 1000)))
  }
}
