/**
 * The video rules that make X fail processing (spec §8.3–8.4), checked on an ffprobe result: duration,
 * size and aspect, which no faithful re-encode can fix, and a frame rate above 60, which X fails
 * rather than dropping frames. Dimensions above 1280×1024, codecs, profiles, pixel formats and
 * interlacing are left to the transcode stage (`video-plan.ts`), which normalises them.
 */
import type { CategoryLimits } from '@birdhouse/protocol'
import type { ProcessingFailure } from '../stores/metadata-store.js'
import type { MediaProbe, VideoStreamInfo } from './probe.js'
import { invalidMediaFailure, unsupportedMediaFailure } from './processing-error.js'

export { unsupportedMediaFailure } from './processing-error.js'

/** X's fixed video limits (spec §8.4, "advanced" requirements); size and duration limits come per category. */
export const VIDEO_LIMITS = {
  /** Smallest width and height, pixels. */
  minSidePx: 32,
  /** Highest frame rate, frames per second. */
  maxFps: 60,
  /** Widest aspect ratio, as the longer side over the shorter (1:3 … 3:1). */
  maxAspectRatio: 3,
} as const

/** A probe that has a video stream. */
type VideoProbe = MediaProbe & { video: VideoStreamInfo }

/** One rule: a message for X's UnsupportedMedia failure when the video breaks it. */
type VideoRule = (probe: VideoProbe, limits: CategoryLimits) => string | undefined

/**
 * The rule table, checked in order; the first broken rule decides the message. X's wording is only
 * known for the maximum duration (a captured STATUS, spec §3.5); the others follow its pattern.
 */
const VIDEO_RULES: readonly VideoRule[] = [
  ({ durationSecs }, { maxDurationSecs }) =>
    maxDurationSecs !== undefined && toMs(durationSecs) > toMs(maxDurationSecs)
      ? `Duration ${formatXDuration(durationSecs)} exceeds max duration of ${formatXDuration(maxDurationSecs)}`
      : undefined,
  ({ durationSecs }, { minDurationSecs }) =>
    minDurationSecs !== undefined && toMs(durationSecs) < toMs(minDurationSecs)
      ? `Duration ${formatXDuration(durationSecs)} is below min duration of ${formatXDuration(minDurationSecs)}`
      : undefined,
  ({ video: { width, height } }) =>
    width < VIDEO_LIMITS.minSidePx || height < VIDEO_LIMITS.minSidePx
      ? `Dimensions ${width}x${height} are below min dimensions of ${VIDEO_LIMITS.minSidePx}x${VIDEO_LIMITS.minSidePx}`
      : undefined,
  // Rounded to 1/100 so that a variable-rate 60 fps clip averaging 60.004 passes.
  ({ video: { fps } }) =>
    Math.round(fps * 100) / 100 > VIDEO_LIMITS.maxFps
      ? `Frame rate ${formatNumber(fps)} exceeds max frame rate of ${VIDEO_LIMITS.maxFps}`
      : undefined,
  ({ video: { width, height } }) =>
    Math.max(width, height) > VIDEO_LIMITS.maxAspectRatio * Math.min(width, height)
      ? `Aspect ratio of ${width}x${height} is outside 1:${VIDEO_LIMITS.maxAspectRatio} to ${VIDEO_LIMITS.maxAspectRatio}:1`
      : undefined,
]

/** Returns X's processing failure for a video that breaks a hard rule, or undefined when it may proceed. */
export function checkVideo(probe: MediaProbe, limits: CategoryLimits): ProcessingFailure | undefined {
  const { video } = probe
  if (video === undefined) return invalidMediaFailure
  for (const rule of VIDEO_RULES) {
    const message = rule({ ...probe, video }, limits)
    if (message !== undefined) return unsupportedMediaFailure(message)
  }
  return undefined
}

const DURATION_UNITS: readonly (readonly [string, number])[] = [
  ['days', 86_400_000],
  ['hours', 3_600_000],
  ['minutes', 60_000],
  ['seconds', 1000],
  ['milliseconds', 1],
]

/**
 * Formats seconds the way X's messages do (`2.minutes+29.seconds+350.milliseconds`), which is
 * Twitter util's `Duration.toString` (github.com/twitter/util, Duration.scala) at millisecond
 * precision: zero parts omitted, plural unit names, `0.seconds` for zero.
 */
export function formatXDuration(secs: number): string {
  let remainingMs = toMs(Math.max(0, secs))
  const parts: string[] = []
  for (const [unit, unitMs] of DURATION_UNITS) {
    const count = Math.floor(remainingMs / unitMs)
    remainingMs -= count * unitMs
    if (count > 0) parts.push(`${count}.${unit}`)
  }
  return parts.length === 0 ? '0.seconds' : parts.join('+')
}

function toMs(secs: number): number {
  return Math.round(secs * 1000)
}

function formatNumber(value: number): string {
  return String(Math.round(value * 100) / 100)
}
