/**
 * Validates an SRT or WebVTT subtitle upload by parsing it (spec §9.2: X answers an invalid
 * subtitle file with an error), so a broken file fails with a message naming the line at fault.
 *
 * SRT: blocks separated by blank lines, each a cue number, a `00:00:01,000 --> 00:00:02,500` line
 * and text; numbers must increase (gaps are fine) and a `.` before the milliseconds is accepted, as
 * most players do. WebVTT: the `WEBVTT` header, then cues (optional identifier, a
 * `[hh:]mm:ss.ttt --> [hh:]mm:ss.ttt [settings]` line, text) and `NOTE`, `STYLE` and `REGION` blocks.
 * Both: UTF-8 (a BOM is allowed), at least one cue, no cue ending before it starts, and no cue
 * starting before the previous one does (overlaps are allowed: two speakers at once).
 */
import { ProcessingError } from './processing-error.js'

/** A subtitle format. */
export type SubtitleFormat = 'srt' | 'vtt'

/** What a valid subtitle file holds. */
export interface SubtitleSummary {
  format: SubtitleFormat
  cueCount: number
  /** End of the last-ending cue, seconds. */
  durationSecs: number
}

/** Options of `parseSubtitles`. */
export interface ParseSubtitlesOptions {
  /** The declared format (from the media type); default: WebVTT when the file starts with `WEBVTT`, else SRT. */
  format?: SubtitleFormat
}

/** The subtitle format of a media type (`text/srt`, `application/x-subrip`, `text/vtt`), if it is one. */
export function subtitleFormatOf(mediaType: string): SubtitleFormat | undefined {
  const type = mediaType.split(';')[0]?.trim().toLowerCase()
  if (type === 'text/srt' || type === 'application/x-subrip' || type === 'application/srt') return 'srt'
  return type === 'text/vtt' ? 'vtt' : undefined
}

interface Line {
  text: string
  /** 1-based, for messages. */
  number: number
}

interface Cue {
  startSecs: number
  endSecs: number
  line: number
}

const SRT_TIME = String.raw`(\d+):([0-5]\d):([0-5]\d)[,.](\d{1,3})`
const SRT_TIMING = new RegExp(String.raw`^${SRT_TIME}\s*-->\s*${SRT_TIME}(?:\s+.*)?$`)
const VTT_TIME = String.raw`(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})`
const VTT_TIMING = new RegExp(String.raw`^${VTT_TIME}[ \t]+-->[ \t]+${VTT_TIME}(?:[ \t]+.*)?$`)
const VTT_HEADER = /^WEBVTT(?:[ \t].*)?$/
const VTT_SKIPPED_BLOCK = /^(?:NOTE|STYLE|REGION)(?:[ \t].*)?$/

/**
 * Parses `input` and summarises it; throws `ProcessingError('invalid-media')` whose failure message
 * says what is wrong and where (`Invalid subtitle file: line 7: …`).
 */
export function parseSubtitles(input: Buffer | string, options: ParseSubtitlesOptions = {}): SubtitleSummary {
  const text = typeof input === 'string' ? input : decodeUtf8(input)
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\r|\n/)
    .map((line, i) => ({ text: line, number: i + 1 }))
  const looksVtt = VTT_HEADER.test(lines[0]?.text ?? '')
  const format = options.format ?? (looksVtt ? 'vtt' : 'srt')
  if (format === 'vtt' && !looksVtt) invalid('line 1: a WebVTT file must start with "WEBVTT"')
  const cues = format === 'vtt' ? parseVttCues(blocksOf(lines.slice(1))) : parseSrtCues(blocksOf(lines))
  if (cues.length === 0) invalid('no cues')
  checkOrder(cues)
  return { format, cueCount: cues.length, durationSecs: Math.max(...cues.map((cue) => cue.endSecs)) }
}

function parseSrtCues(blocks: readonly Line[][]): Cue[] {
  let previousNumber = 0
  return blocks.map(([numberLine, timingLine]) => {
    if (numberLine === undefined) return invalid('empty cue')
    const number = numberLine.text.trim()
    if (!/^\d+$/.test(number)) invalid(`line ${numberLine.number}: expected a cue number, found "${clip(number)}"`)
    if (Number(number) <= previousNumber) {
      invalid(`line ${numberLine.number}: cue number ${number} does not follow ${previousNumber}`)
    }
    previousNumber = Number(number)
    if (timingLine === undefined) return invalid(`line ${numberLine.number}: cue ${number} has no timing line`)
    return timingOf(timingLine, SRT_TIMING, 'SRT')
  })
}

function parseVttCues(blocks: readonly Line[][]): Cue[] {
  const cues: Cue[] = []
  // The header block runs from line 1 to the first blank line; `blocksOf` made it blocks[0] unless
  // line 2 was blank, so a first block that holds no timing line is header metadata.
  blocks.forEach((block, i) => {
    const [first, second] = block
    if (first === undefined || VTT_SKIPPED_BLOCK.test(first.text)) return
    const timing = [first, second].find((line) => line?.text.includes('-->'))
    if (timing !== undefined) cues.push(timingOf(timing, VTT_TIMING, 'WebVTT'))
    else if (i > 0 || first.number !== 2) {
      invalid(`line ${first.number}: expected a cue timing line, found "${clip(first.text)}"`)
    }
  })
  return cues
}

function timingOf(line: Line, pattern: RegExp, format: string): Cue {
  const match = pattern.exec(line.text.trim())
  if (match === null) invalid(`line ${line.number}: malformed ${format} cue timing "${clip(line.text)}"`)
  const parts = match.slice(1).map((part) => Number(part ?? 0))
  const secs = (h = 0, m = 0, s = 0, ms = 0, digits = 3) => h * 3600 + m * 60 + s + ms / 10 ** digits
  const msDigits = (index: number) => (match[index] ?? '').length
  return {
    startSecs: secs(parts[0], parts[1], parts[2], parts[3], msDigits(4)),
    endSecs: secs(parts[4], parts[5], parts[6], parts[7], msDigits(8)),
    line: line.number,
  }
}

function checkOrder(cues: readonly Cue[]): void {
  let previousStart = 0
  for (const cue of cues) {
    if (cue.endSecs < cue.startSecs) {
      invalid(
        `line ${cue.line}: cue ends at ${formatSecs(cue.endSecs)}, before it starts at ${formatSecs(cue.startSecs)}`,
      )
    }
    if (cue.startSecs < previousStart) {
      invalid(
        `line ${cue.line}: cue starts at ${formatSecs(cue.startSecs)}, before the previous cue at ${formatSecs(previousStart)}`,
      )
    }
    previousStart = cue.startSecs
  }
}

/** Splits lines into blocks at blank (or whitespace-only) lines. */
function blocksOf(lines: readonly Line[]): Line[][] {
  const blocks: Line[][] = []
  let current: Line[] = []
  for (const line of lines) {
    if (line.text.trim() !== '') {
      current.push(line)
    } else if (current.length > 0) {
      blocks.push(current)
      current = []
    }
  }
  if (current.length > 0) blocks.push(current)
  return blocks
}

function decodeUtf8(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch (error) {
    return invalid('not UTF-8 text', error)
  }
}

function invalid(detail: string, cause?: unknown): never {
  const message = `Invalid subtitle file: ${detail}`
  throw new ProcessingError('invalid-media', message, {
    failure: { code: 1, name: 'InvalidMedia', message },
    ...(cause === undefined ? {} : { cause }),
  })
}

function formatSecs(secs: number): string {
  return `${Math.round(secs * 1000) / 1000} s`
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text
}
