/**
 * The animated GIF rules that make X fail processing (spec §8.5): at most 1280×1080, 350 frames,
 * 300,000,000 pixels over all frames, and 15 MB.
 */
import { CATEGORY_LIMITS } from '@birdhouse/protocol'
import type { ProcessingFailure } from '../stores/metadata-store.js'
import { unsupportedMediaFailure } from './video-rules.js'

/** X's animated GIF limits (spec §8.5). */
export const GIF_LIMITS = {
  /** Widest frame, pixels. */
  maxWidth: 1280,
  /** Tallest frame, pixels. */
  maxHeight: 1080,
  /** Most frames. */
  maxFrames: 350,
  /** Most pixels over all frames (width × height × frames). */
  maxTotalPixels: 300_000_000,
  /** Largest file, bytes (15 MiB, as `CATEGORY_LIMITS` for `tweet_gif`). */
  maxBytes: CATEGORY_LIMITS.default.tweet_gif.maxBytes,
} as const

/** What the GIF rules look at, from `inspectImage` and the upload's size. */
export interface GifFacts {
  width: number
  height: number
  /** Frames. */
  pages: number
  sizeBytes: number
}

/** Returns X's code 3 failure for a GIF over a limit, or undefined when it may proceed. */
export function checkGif({ width, height, pages, sizeBytes }: GifFacts): ProcessingFailure | undefined {
  if (width > GIF_LIMITS.maxWidth || height > GIF_LIMITS.maxHeight) {
    const max = `${GIF_LIMITS.maxWidth}x${GIF_LIMITS.maxHeight}`
    return unsupportedMediaFailure(`GIF dimensions ${width}x${height} exceed max dimensions of ${max}`)
  }
  if (pages > GIF_LIMITS.maxFrames) {
    return unsupportedMediaFailure(`GIF frame count ${pages} exceeds max frame count of ${GIF_LIMITS.maxFrames}`)
  }
  const totalPixels = width * height * pages
  if (totalPixels > GIF_LIMITS.maxTotalPixels) {
    return unsupportedMediaFailure(
      `GIF pixel count ${width}x${height}x${pages} = ${totalPixels} exceeds max pixel count of ${GIF_LIMITS.maxTotalPixels}`,
    )
  }
  if (sizeBytes > GIF_LIMITS.maxBytes) {
    return unsupportedMediaFailure(`GIF size ${sizeBytes} bytes exceeds max size of ${GIF_LIMITS.maxBytes} bytes`)
  }
  return undefined
}
