/**
 * FINALIZE of a `subtitles` upload: the file is parsed (`processing/subtitles.ts`), so a broken
 * SRT or WebVTT file is refused at once with the parser's account of what is wrong and where,
 * rather than when a player meets it (spec §9.2: X answers an invalid subtitle file with a 400).
 */
import type { MediaType } from '@birdhouse/protocol'
import { ApiError } from '../errors.js'
import { isProcessingError } from '../processing/processing-error.js'
import { parseSubtitles, subtitleFormatOf } from '../processing/subtitles.js'

const PREFIX = /^Invalid subtitle file: /

/** Throws `SUBTITLES_INVALID` unless `bytes` are a valid subtitle file of the sniffed `type`. */
export function assertValidSubtitles(bytes: Buffer, type: MediaType): void {
  const format = subtitleFormatOf(type)
  try {
    parseSubtitles(bytes, format === undefined ? {} : { format })
  } catch (error) {
    if (!isProcessingError(error)) throw error
    throw new ApiError('SUBTITLES_INVALID', { params: { reason: error.message.replace(PREFIX, '') }, cause: error })
  }
}
