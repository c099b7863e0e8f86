/**
 * What FINALIZE learns from an upload's bytes: the type sniffed from its head (which must agree
 * with the declared type and the category), and for small synchronous kinds the whole file: an
 * image's facts (its bytes are kept for the served files), or a subtitle file parsed to validate it.
 * Videos and GIFs are only sniffed here; processing reads them later.
 */
import { Readable } from 'node:stream'
import {
  kindOfCategory,
  kindOfMediaType,
  type MediaCategory,
  type MediaKind,
  type MediaType,
  SNIFF_BYTES,
  sniffMediaType,
} from '@birdhouse/protocol'
import { ApiError, isApiError } from '../errors.js'
import { inspectImage } from '../processing/image.js'
import type { BlobStore } from '../stores/blob-store.js'
import type { ImageFacts, MediaRecord, SegmentRecord } from '../stores/metadata-store.js'
import { readHead, readSegmentsWhole } from './segments.js'
import { assertValidSubtitles } from './subtitle-finalize.js'

/** The upload as FINALIZE sees it. */
export interface UploadInspection {
  type: MediaType
  kind: MediaKind
  image: ImageFacts | null
  /** The whole file of an image or GIF (for its served files); null for other kinds. */
  imageBytes: Buffer | null
}

/**
 * Sniffs and checks the bytes of `media`; throws `MEDIA_TYPE_UNRECOGNIZED` for bytes of another
 * kind than declared or than the category takes, or no image at all, and `SUBTITLES_INVALID` for a
 * subtitle file that does not parse.
 */
export async function inspectUpload(
  media: MediaRecord,
  segments: readonly SegmentRecord[],
  blobs: BlobStore,
): Promise<UploadInspection> {
  const sniffed = sniffMediaType(await readHead(blobs, segments, SNIFF_BYTES))
  if (
    sniffed === undefined ||
    !isCompatible(kindOfMediaType(media.declaredType), kindOfMediaType(sniffed), media.category)
  ) {
    throw new ApiError('MEDIA_TYPE_UNRECOGNIZED')
  }
  const kind = kindOfMediaType(sniffed)
  if (kind === 'subtitles') {
    assertValidSubtitles(await readSegmentsWhole(blobs, segments), sniffed)
    return { type: sniffed, kind, image: null, imageBytes: null }
  }
  if (kind !== 'image' && kind !== 'gif') return { type: sniffed, kind, image: null, imageBytes: null }
  try {
    const bytes = await readSegmentsWhole(blobs, segments)
    const facts = await inspectImage(Readable.from([bytes]), sniffed)
    const image = { type: facts.type, width: facts.width, height: facts.height }
    return { type: facts.type, kind, image, imageBytes: bytes }
  } catch (error) {
    if (isApiError(error)) throw error
    throw new ApiError('MEDIA_TYPE_UNRECOGNIZED', { cause: error })
  }
}

/** Whether bytes of `sniffed` kind may complete an upload declared as `declared` in `category`. */
export function isCompatible(declared: MediaKind, sniffed: MediaKind, category: MediaCategory | null): boolean {
  const imageLike = (kind: MediaKind) => kind === 'image' || kind === 'gif'
  const kindsAgree = declared === sniffed || (imageLike(declared) && imageLike(sniffed))
  if (!kindsAgree) return false
  if (category === null) return true
  const wanted = kindOfCategory(category)
  return wanted === 'image' ? imageLike(sniffed) : wanted === sniffed
}
