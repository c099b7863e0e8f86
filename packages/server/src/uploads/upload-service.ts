/**
 * The upload lifecycle shared by all three wire styles: INIT → APPEND* → FINALIZE → STATUS, and the
 * one-shot upload built from the same steps. Bytes arrive already staged in the blob store (routes
 * stream request bodies there), so nothing here holds a segment in memory.
 *
 * Concurrency: APPENDs may race each other and FINALIZE. `putSegment` is atomic and refuses once the
 * upload left `uploading`; FINALIZE verifies the segments it read and commits only if no APPEND
 * happened in between (`segmentsVersion` compare-and-set), retrying otherwise.
 *
 * Photos are finished at FINALIZE, as X answers them: their served files are built and stored
 * before the commit (`image-finalize.ts`), and an attempt that does not commit removes its own.
 * Once those files (an `orig` among them) are committed, the uploaded original is deleted, as
 * processing does for videos; a photo without served files (BMP) keeps it and is served from it.
 */
import { randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import {
  buildMediaKey,
  CATEGORY_LIMITS,
  defaultCategoryForKind,
  isAsyncProcessed,
  kindOfMediaType,
  type LimitsProfile,
  MAX_TOTAL_BYTES,
  type MediaCategory,
  type MediaKind,
  type MediaType,
  SNIFF_BYTES,
  sniffMediaType,
} from '@birdhouse/protocol'
import type { Clock } from '../clock.js'
import { ApiError } from '../errors.js'
import { type Logger, silentLogger } from '../logger.js'
import type { BlobStore } from '../stores/blob-store.js'
import type { MediaRecord, MetadataStore } from '../stores/metadata-store.js'
import { hasServedFiles, type StoredImageFiles, storeImageFiles } from './image-finalize.js'
import { inspectUpload, isCompatible, type UploadInspection } from './inspect-upload.js'
import { assertSegmentsComplete, readHead } from './segments.js'
import type { SnowflakeGenerator } from './snowflake.js'

/** Seconds an `amplify_video` upload may take (X answers INIT with 1295999). */
const AMPLIFY_UPLOAD_SECS = 1_296_000
const FINALIZE_ATTEMPTS = 5

/** Dependencies and settings of the service. */
export interface UploadServiceOptions {
  store: MetadataStore
  blobs: BlobStore
  clock: Clock
  ids: SnowflakeGenerator
  limits: LimitsProfile
  maxSegmentBytes: number
  uploadExpiresSecs: number
  mediaExpiresSecs: number
  logger?: Logger
  /** Scratch space for files made at FINALIZE (image sizes); default `<os tmpdir>/birdhouse-work`. */
  workDir?: string
  /** Called after FINALIZE queued processing (wakes the local worker). */
  onJobQueued?: () => void
}

/** Parameters of INIT, already parsed and normalised. */
export interface InitParams {
  mediaType: MediaType
  totalBytes: number
  category: MediaCategory | null
  additionalOwners: string[]
  shared: boolean
}

/** Bytes a route streamed into the blob store, not yet part of an upload. */
export interface StagedBlob {
  key: string
  sizeBytes: number
}

/** Parameters of a one-shot upload. */
export interface UploadOnceParams {
  staged: StagedBlob
  category: MediaCategory | null
  mediaType: MediaType | null
  additionalOwners: string[]
  shared: boolean
  /** Kinds this endpoint takes (v1.1 simple upload: images only). */
  allowedKinds: readonly MediaKind[]
}

/** Runs uploads against a metadata store and a blob store. */
export class UploadService {
  readonly #o: Required<Omit<UploadServiceOptions, 'onJobQueued'>> & Pick<UploadServiceOptions, 'onJobQueued'>

  constructor(options: UploadServiceOptions) {
    this.#o = { logger: silentLogger, workDir: join(tmpdir(), 'birdhouse-work'), ...options }
  }

  /** Largest segment an APPEND may carry, bytes. */
  get maxSegmentBytes(): number {
    return this.#o.maxSegmentBytes
  }

  /** Largest file of a category (or of the default category of a type). */
  maxBytesFor(category: MediaCategory | null, mediaType: MediaType): number {
    const effective = category ?? defaultCategoryForKind(kindOfMediaType(mediaType))
    return CATEGORY_LIMITS[this.#o.limits][effective].maxBytes
  }

  /** Streams a request body into a fresh staging key; `BLOB_TOO_LARGE` past `maxBytes`. */
  async stage(body: Readable, maxBytes: number): Promise<StagedBlob> {
    const key = `staging/${this.#o.clock.now()}-${randomBytes(8).toString('hex')}`
    const { sizeBytes } = await this.#o.blobs.put(key, body, { maxBytes, durable: false })
    return { key, sizeBytes }
  }

  /** Deletes a staged blob that will not be used. */
  async discard(staged: StagedBlob | undefined): Promise<void> {
    if (staged !== undefined) await this.#o.blobs.remove(staged.key).catch(() => {})
  }

  /** INIT: creates an upload owned by `ownerId`. */
  async init(ownerId: string, params: InitParams): Promise<MediaRecord> {
    if (params.totalBytes > MAX_TOTAL_BYTES) {
      throw new ApiError('INVALID_PARAMETER', {
        params: { parameter: 'total_bytes', reason: `must be at most ${MAX_TOTAL_BYTES}` },
        parameters: { total_bytes: [String(params.totalBytes)] },
      })
    }
    const maxBytes = this.maxBytesFor(params.category, params.mediaType)
    if (params.totalBytes > maxBytes) {
      throw new ApiError('MEDIA_TOO_LARGE', {
        params: { maxBytes, category: params.category ?? defaultCategoryForKind(kindOfMediaType(params.mediaType)) },
        parameters: { total_bytes: [String(params.totalBytes)] },
      })
    }
    const now = this.#o.clock.now()
    const windowSecs = params.category === 'amplify_video' ? AMPLIFY_UPLOAD_SECS : this.#o.uploadExpiresSecs
    for (;;) {
      const id = this.#o.ids.next()
      const media: MediaRecord = {
        id,
        mediaKey: buildMediaKey(id, kindOfMediaType(params.mediaType), params.category ?? undefined),
        ownerId,
        declaredType: params.mediaType,
        mediaType: null,
        category: params.category,
        totalBytes: params.totalBytes,
        additionalOwners: params.additionalOwners,
        shared: params.shared,
        state: 'uploading',
        processing: false,
        sizeBytes: null,
        image: null,
        progressPercent: null,
        error: null,
        altText: null,
        pinned: false,
        video: null,
        files: [],
        subtitles: [],
        segmentsVersion: 0,
        createdAtMs: now,
        finalizedAtMs: null,
        expiresAtMs: now + windowSecs * 1000,
      }
      if (await this.#o.store.createMedia(media)) return media
    }
  }

  /** APPEND: makes a staged blob segment `index` of the upload (replacing an earlier one). */
  async append(ownerId: string, mediaId: string, index: number, staged: StagedBlob): Promise<MediaRecord> {
    try {
      const media = await this.getOwned(ownerId, mediaId)
      if (media.state !== 'uploading') throw new ApiError('UPLOAD_ALREADY_FINALIZED', { params: { mediaId } })
      if (staged.sizeBytes > this.#o.maxSegmentBytes) {
        throw new ApiError('SEGMENT_TOO_LARGE', { params: { maxBytes: this.#o.maxSegmentBytes } })
      }
      await this.#addSegment(media, index, staged)
      return media
    } finally {
      await this.discard(staged)
    }
  }

  async #addSegment(media: MediaRecord, index: number, staged: StagedBlob): Promise<void> {
    const blobKey = `uploads/${media.id}/${String(index).padStart(3, '0')}-${randomBytes(6).toString('hex')}`
    await this.#o.blobs.move(staged.key, blobKey)
    const maxTotal = this.maxBytesFor(media.category, media.declaredType)
    const result = await this.#o.store
      .putSegment(media.id, { index, sizeBytes: staged.sizeBytes, blobKey }, maxTotal)
      .catch(async (error: unknown) => {
        await this.#o.blobs.remove(blobKey)
        throw error
      })
    if (result.replacedBlobKey !== null) await this.#o.blobs.remove(result.replacedBlobKey)
  }

  /** FINALIZE: checks the segments form the declared file and makes it media; idempotent. */
  async finalize(ownerId: string, mediaId: string): Promise<MediaRecord> {
    for (let attempt = 0; attempt < FINALIZE_ATTEMPTS; attempt++) {
      const media = await this.getOwned(ownerId, mediaId)
      if (media.state !== 'uploading') return media
      const segments = await this.#o.store.listSegments(mediaId)
      assertSegmentsComplete(segments, media.totalBytes)
      const inspected = await inspectUpload(media, segments, this.#o.blobs).catch(async (error: unknown) => {
        // A concurrent APPEND may have replaced (and deleted) a segment being read: start over.
        if (await this.#changedSince(media)) return undefined
        throw error
      })
      if (inspected === undefined) continue
      const now = this.#o.clock.now()
      const processing = isAsyncProcessed(inspected.kind, media.category ?? undefined)
      const job = processing ? { id: this.#o.ids.next(), kind: 'process-media' as const, mediaId, runAtMs: now } : null
      const stored = processing ? null : await this.#storeServedFiles(mediaId, inspected)
      const change = {
        state: processing ? ('pending' as const) : ('succeeded' as const),
        processing,
        mediaType: inspected.type,
        sizeBytes: media.totalBytes,
        image: inspected.image,
        files: stored?.files ?? [],
        finalizedAtMs: now,
        expiresAtMs: now + this.#o.mediaExpiresSecs * 1000,
      }
      if (await this.#o.store.finalizeMedia(mediaId, media.segmentsVersion, change, job)) {
        if (job !== null) this.#o.onJobQueued?.()
        if (change.files.some((f) => f.role === 'orig')) await this.#releaseOriginal(mediaId)
        else
          await this.#sweepUnreferenced(
            mediaId,
            segments.map((s) => s.blobKey),
          )
        return { ...media, ...change }
      }
      // Not committed (a concurrent APPEND or FINALIZE won): this attempt's files are nobody's.
      if (stored !== null) await this.#o.blobs.removePrefix(stored.prefix)
    }
    throw new ApiError('SERVICE_UNAVAILABLE', { message: 'Upload is changing too fast to finalize; retry.' })
  }

  /** STATUS: the media, if it has processing to report. */
  async status(ownerId: string, mediaId: string): Promise<MediaRecord> {
    const media = await this.getOwned(ownerId, mediaId)
    if (!media.processing) throw new ApiError('STATUS_NOT_AVAILABLE', { params: { mediaId } })
    return media
  }

  /** One-shot upload: INIT + APPEND 0 + FINALIZE of one staged body; a refused body leaves nothing behind. */
  async uploadOnce(ownerId: string, params: UploadOnceParams): Promise<MediaRecord> {
    try {
      const staged = [{ index: 0, sizeBytes: params.staged.sizeBytes, blobKey: params.staged.key }]
      const sniffed = sniffMediaType(await readHead(this.#o.blobs, staged, SNIFF_BYTES))
      const kind = sniffed === undefined ? undefined : kindOfMediaType(sniffed)
      if (sniffed === undefined || kind === undefined || !params.allowedKinds.includes(kind)) {
        throw new ApiError('MEDIA_TYPE_UNRECOGNIZED')
      }
      const declared = params.mediaType ?? sniffed
      if (!isCompatible(kindOfMediaType(declared), kind, params.category)) throw new ApiError('MEDIA_TYPE_UNRECOGNIZED')
      const media = await this.init(ownerId, {
        mediaType: declared,
        totalBytes: params.staged.sizeBytes,
        category: params.category,
        additionalOwners: params.additionalOwners,
        shared: params.shared,
      })
      try {
        await this.#addSegment(media, 0, params.staged)
        return await this.finalize(ownerId, media.id)
      } catch (error) {
        // The client never learns this id: drop the bytes now rather than at expiry.
        await this.#o.blobs.removePrefix(`uploads/${media.id}/`)
        throw error
      }
    } finally {
      await this.discard(params.staged)
    }
  }

  /** The media if `ownerId` owns it and it has not expired; `MEDIA_NOT_FOUND` / `MEDIA_EXPIRED` otherwise. */
  async getOwned(ownerId: string, mediaId: string): Promise<MediaRecord> {
    const media = await this.#o.store.getMedia(mediaId)
    if (media === undefined || media.ownerId !== ownerId) {
      throw new ApiError('MEDIA_NOT_FOUND', { params: { mediaId }, parameters: { media_id: [mediaId] } })
    }
    if (media.state === 'expired' || (!media.pinned && media.expiresAtMs <= this.#o.clock.now())) {
      throw new ApiError('MEDIA_EXPIRED', { params: { mediaId }, parameters: { media_id: [mediaId] } })
    }
    return media
  }

  /** Builds and stores the served files of a synchronously finalized image (X's sizes, EXIF stripped). */
  async #storeServedFiles(mediaId: string, inspected: UploadInspection): Promise<StoredImageFiles | null> {
    if (inspected.imageBytes === null || !hasServedFiles(inspected.type)) return null
    return await storeImageFiles(mediaId, inspected.imageBytes, {
      blobs: this.#o.blobs,
      workDir: this.#o.workDir,
      logger: this.#o.logger,
    })
  }

  async #changedSince(media: MediaRecord): Promise<boolean> {
    const now = await this.#o.store.getMedia(media.id)
    return now === undefined || now.state !== media.state || now.segmentsVersion !== media.segmentsVersion
  }

  /**
   * Deletes the uploaded original of a photo whose served files (its `orig` among them) are
   * committed: the segment rows, then their bytes and anything else left under `uploads/<id>/`.
   */
  async #releaseOriginal(mediaId: string): Promise<void> {
    const keys = await this.#o.store.releaseSegments(mediaId)
    await Promise.all(keys.map((key) => this.#o.blobs.remove(key)))
    await this.#o.blobs.removePrefix(`uploads/${mediaId}/`)
  }

  async #sweepUnreferenced(mediaId: string, keep: readonly string[]): Promise<void> {
    const referenced = new Set(keep)
    for (const key of await this.#o.blobs.list(`uploads/${mediaId}/`)) {
      if (!referenced.has(key)) await this.#o.blobs.remove(key)
    }
  }
}
