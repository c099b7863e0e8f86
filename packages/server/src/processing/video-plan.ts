/**
 * Decides what a video becomes once it has passed `checkVideo`: a **remux** (streams copied into MP4
 * with `+faststart`, no re-encode) when it already meets every rule in `REMUX_RULES`, otherwise a
 * **transcode** to H.264 High + AAC-LC MP4 at the rungs of X's recommended ladder (spec §8.4).
 *
 * Ladders are chosen on the display size (sample aspect ratio and rotation applied): 16:9, 9:16 and
 * 1:1 (±2 %) take X's rungs as they are; any other aspect is fitted, aspect kept and dimensions even,
 * inside each rung's box of the landscape or portrait ladder. Rungs larger than the source are
 * dropped, since upscaling adds bytes and no detail; when that leaves the source well above the top
 * kept rung (1.5× its pixels, or no rung at all), one rung at the source's own size is added, with the
 * bitrates of the smallest dropped rung, so an 854×480 upload is not served at 640×360 at best.
 */
import type { MediaProbe, VideoStreamInfo } from './probe.js'
import { VIDEO_LIMITS } from './video-rules.js'

/** One output of a transcode: its size and bitrates (spec §8.4). */
export interface VideoRung {
  width: number
  height: number
  videoKbps: number
  /** Used only when the source has audio. */
  audioKbps: number
}

/** A deviation from X's delivery format that forces a transcode. */
export type TranscodeReason =
  | 'container'
  | 'video-codec'
  | 'video-profile'
  | 'pixel-format'
  | 'interlaced'
  | 'pixel-aspect'
  | 'dimensions'
  | 'audio-codec'
  | 'audio-profile'
  | 'audio-channels'

/** A probe with a video stream. */
type VideoProbe = MediaProbe & { video: VideoStreamInfo }

/** One row of the remux rule table. */
export interface RemuxRule {
  reason: TranscodeReason
  /** What a compliant video has. */
  requirement: string
  isMet(probe: VideoProbe): boolean
}

/** The largest display size streamed as is: 1280×1024 (spec §8.4), either way round, since X's own 720×1280 is allowed. */
export const REMUX_MAX_SIZE = { longSidePx: 1280, shortSidePx: 1024 } as const

const REMUX_PROFILES = new Set(['High', 'Main', 'Baseline', 'Constrained Baseline'])

/**
 * Every deviation that forces a transcode (spec §8.4). Not here: fps above 60, duration and aspect
 * (`checkVideo` fails them, as X does), open GOPs (not visible to ffprobe; copied as they are).
 */
export const REMUX_RULES: readonly RemuxRule[] = [
  { reason: 'container', requirement: 'MP4 or MOV', isMet: (probe) => probe.formatNames.includes('mov') },
  { reason: 'video-codec', requirement: 'H.264 video', isMet: ({ video }) => video.codec === 'h264' },
  {
    reason: 'video-profile',
    requirement: 'H.264 High, Main or Baseline profile',
    isMet: ({ video }) => video.profile !== undefined && REMUX_PROFILES.has(video.profile),
  },
  { reason: 'pixel-format', requirement: 'YUV 4:2:0, limited range', isMet: ({ video }) => video.pixFmt === 'yuv420p' },
  {
    reason: 'interlaced',
    // H.264 signals interlacing in the stream, so an unreported field order is progressive.
    requirement: 'progressive scan',
    isMet: ({ video: { fieldOrder } }) => fieldOrder === undefined || ['progressive', 'unknown'].includes(fieldOrder),
  },
  {
    reason: 'pixel-aspect',
    requirement: 'square pixels (1:1 PAR)',
    isMet: ({ video: { sampleAspectRatio: sar } }) => sar === undefined || Math.abs(sar - 1) < 0.01,
  },
  {
    reason: 'dimensions',
    requirement: `display size within ${REMUX_MAX_SIZE.longSidePx}×${REMUX_MAX_SIZE.shortSidePx}, either way round`,
    isMet: ({ video }) => {
      const { width, height } = displaySize(video)
      const long = Math.max(width, height)
      return long <= REMUX_MAX_SIZE.longSidePx && Math.min(width, height) <= REMUX_MAX_SIZE.shortSidePx
    },
  },
  { reason: 'audio-codec', requirement: 'AAC audio, or none', isMet: ({ audio }) => !audio || audio.codec === 'aac' },
  {
    reason: 'audio-profile',
    requirement: 'AAC-LC (not HE-AAC)',
    isMet: ({ audio }) => audio?.codec !== 'aac' || audio.profile === 'LC',
  },
  {
    reason: 'audio-channels',
    requirement: 'mono or stereo',
    isMet: ({ audio }) => !audio || audio.channels === 1 || audio.channels === 2,
  },
]

/** Which ladder a transcode used. */
export type VideoLadderName = '16:9' | '9:16' | '1:1' | 'landscape' | 'portrait'

/** X's recommended ladders, largest rung first (spec §8.4). */
export const VIDEO_LADDERS: Readonly<Record<'16:9' | '9:16' | '1:1', readonly VideoRung[]>> = {
  '16:9': [rung(1280, 720, 2048, 128), rung(640, 360, 768, 64), rung(320, 180, 256, 64)],
  '9:16': [rung(720, 1280, 2048, 128), rung(360, 640, 768, 64), rung(180, 320, 256, 64)],
  '1:1': [rung(720, 720, 2048, 128), rung(480, 480, 768, 64), rung(240, 240, 256, 32)],
}

interface PlanBase {
  durationSecs: number
  /** Display size of the source (pixel aspect and rotation applied). */
  sourceWidth: number
  sourceHeight: number
  hasAudio: boolean
}

/** Copy the streams into MP4 with `+faststart`. */
export interface RemuxPlan extends PlanBase {
  kind: 'remux'
}

/** Re-encode to H.264 High + AAC-LC MP4, one file per rung. */
export interface TranscodePlan extends PlanBase {
  kind: 'transcode'
  /** Every rule the source breaks, in `REMUX_RULES` order. */
  reasons: readonly TranscodeReason[]
  ladder: VideoLadderName
  /** Largest first. */
  rungs: readonly VideoRung[]
  /** Output channels: the source's, at most stereo (spec §8.4). */
  audioChannels: 1 | 2
}

/** What processing does with a video. */
export type VideoPlan = RemuxPlan | TranscodePlan

/**
 * Plans the processing of a probed video. The probe must have passed `checkVideo`: a probe without
 * a video stream or above 60 fps throws a `RangeError`, because that is a caller's bug, not media.
 */
export function buildVideoPlan(probe: MediaProbe): VideoPlan {
  const { video, audio } = probe
  if (video === undefined) throw new RangeError('buildVideoPlan needs a video stream; run checkVideo first')
  if (Math.round(video.fps * 100) / 100 > VIDEO_LIMITS.maxFps) {
    throw new RangeError(`buildVideoPlan got ${video.fps} fps; checkVideo fails videos above ${VIDEO_LIMITS.maxFps}`)
  }
  const reasons = REMUX_RULES.filter((rule) => !rule.isMet({ ...probe, video })).map((rule) => rule.reason)
  const { width, height } = displaySize(video)
  const base = { durationSecs: probe.durationSecs, sourceWidth: width, sourceHeight: height, hasAudio: !!audio }
  if (reasons.length === 0) return { kind: 'remux', ...base }
  const audioChannels = audio !== undefined && audio.channels === 1 ? 1 : 2
  return { kind: 'transcode', ...base, reasons, ...buildLadder(width, height), audioChannels }
}

const ASPECT_TOLERANCE = 0.02
const SOURCE_RUNG_MIN_GAIN = 1.5

/** Chooses the ladder for a display size and drops (or clamps) rungs larger than it. */
export function buildLadder(width: number, height: number): { ladder: VideoLadderName; rungs: VideoRung[] } {
  const aspect = width / height
  const named = (['16:9', '9:16', '1:1'] as const).find((name) => {
    const top = VIDEO_LADDERS[name][0] as VideoRung
    return Math.abs(aspect / (top.width / top.height) - 1) <= ASPECT_TOLERANCE
  })
  const ladder: VideoLadderName = named ?? (aspect > 1 ? 'landscape' : 'portrait')
  const boxes = VIDEO_LADDERS[named ?? (aspect > 1 ? '16:9' : '9:16')]
  const fitted = named === undefined ? boxes.map((box) => ({ ...box, ...fitInside(width, height, box) })) : boxes
  const kept = fitted.filter((r) => r.width <= width && r.height <= height)
  const smallestDropped = fitted.filter((r) => !kept.includes(r)).at(-1)
  const top = kept[0]
  const gain = top === undefined ? Number.POSITIVE_INFINITY : (width * height) / (top.width * top.height)
  if (smallestDropped === undefined || gain < SOURCE_RUNG_MIN_GAIN) return { ladder, rungs: kept }
  return { ladder, rungs: [{ ...smallestDropped, width: even(width), height: even(height) }, ...kept] }
}

/** Display size: the coded size with non-square pixels widened (or heightened) and quarter turns applied. */
export function displaySize(video: VideoStreamInfo): { width: number; height: number } {
  const sar = video.sampleAspectRatio ?? 1
  const width = sar > 1 ? video.width * sar : video.width
  const height = sar < 1 ? video.height / sar : video.height
  const turned = video.rotation === 90 || video.rotation === 270
  return turned
    ? { width: Math.round(height), height: Math.round(width) }
    : { width: Math.round(width), height: Math.round(height) }
}

/** The largest even size of `width`:`height` inside `box`. */
function fitInside(width: number, height: number, box: { width: number; height: number }) {
  const scale = Math.min(box.width / width, box.height / height)
  return { width: even(width * scale), height: even(height * scale) }
}

/** Rounds down to an even number of pixels (H.264 4:2:0 needs even sizes), at least 2. */
function even(pixels: number): number {
  return Math.max(2, Math.floor(pixels / 2 + 1e-9) * 2)
}

function rung(width: number, height: number, videoKbps: number, audioKbps: number): VideoRung {
  return { width, height, videoKbps, audioKbps }
}
