/**
 * The served files of a photo, made at FINALIZE (X answers images synchronously): X's re-encoding
 * rules, EXIF/GPS stripped and the named sizes (`processing/image-variants.ts`) are written to a
 * scratch directory, then stored as blobs under `media/<id>/<attempt>/<role>.<ext>`.
 *
 * Each FINALIZE attempt writes under its own nonce so that two racing FINALIZEs of one upload (or a
 * retry after a concurrent APPEND) never overwrite or delete each other's files: the attempt that
 * commits references its own keys, and a losing attempt removes only what it wrote.
 */
import { randomBytes } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { MediaType } from '@birdhouse/protocol'
import { ApiError } from '../errors.js'
import type { Logger } from '../logger.js'
import { buildImageVariants, type ImageVariantFile } from '../processing/image-variants.js'
import { isProcessingError } from '../processing/processing-error.js'
import type { BlobStore } from '../stores/blob-store.js'
import type { MediaFile } from '../stores/metadata-store.js'

/** Dependencies of `storeImageFiles`. */
export interface ImageFinalizeOptions {
  blobs: BlobStore
  /** Parent of the per-attempt scratch directories (created if missing). */
  workDir: string
  logger: Logger
}

/** Files stored for one FINALIZE attempt, and the key prefix that holds them all. */
export interface StoredImageFiles {
  files: MediaFile[]
  /** `media/<id>/<attempt>/`: remove it if the attempt does not commit. */
  prefix: string
}

/**
 * Types sharp's prebuilt libvips cannot decode (no BMP loader): accepted at FINALIZE as X's enum
 * allows, and served as uploaded.
 */
const SERVED_AS_UPLOADED: ReadonlySet<MediaType> = new Set(['image/bmp'])

const EXTENSIONS = { 'image/jpeg': 'jpg', 'image/png': 'png' } as const

/** Whether FINALIZE makes served files for an image of this (sniffed) type. */
export function hasServedFiles(type: MediaType): boolean {
  return !SERVED_AS_UPLOADED.has(type)
}

/**
 * Builds and stores the served files of the image `bytes` of media `mediaId`. Throws
 * `IMAGE_DIMENSIONS_INVALID` past the size limits (decompression bombs included) and
 * `MEDIA_TYPE_UNRECOGNIZED` for bytes that do not decode; stores nothing then.
 */
export async function storeImageFiles(
  mediaId: string,
  bytes: Buffer,
  options: ImageFinalizeOptions,
): Promise<StoredImageFiles> {
  const attempt = randomBytes(6).toString('hex')
  const prefix = `media/${mediaId}/${attempt}/`
  await mkdir(options.workDir, { recursive: true })
  const scratch = await mkdtemp(join(options.workDir, `image-${mediaId}-`))
  try {
    const built = await buildImageVariants(bytes, { outputDir: scratch, logger: options.logger }).catch(
      (error: unknown) => {
        throw toApiError(error)
      },
    )
    const files: MediaFile[] = []
    try {
      for (const file of built.files) files.push(await storeFile(options.blobs, prefix, file))
    } catch (error) {
      await options.blobs.removePrefix(prefix)
      throw error
    }
    return { files, prefix }
  } finally {
    await rm(scratch, { recursive: true, force: true })
  }
}

async function storeFile(blobs: BlobStore, prefix: string, file: ImageVariantFile): Promise<MediaFile> {
  const blobKey = `${prefix}${file.name}.${EXTENSIONS[file.contentType]}`
  const { sizeBytes } = await blobs.put(blobKey, createReadStream(file.path))
  return {
    role: file.name,
    contentType: file.contentType,
    width: file.width,
    height: file.height,
    bitRate: null,
    sizeBytes,
    blobKey,
  }
}

/** X's answer for an image processing refused; other failures (our disk) stay 500s. */
function toApiError(error: unknown): unknown {
  if (!isProcessingError(error)) return error
  if (error.reason === 'unsupported-media') return new ApiError('IMAGE_DIMENSIONS_INVALID', { cause: error })
  if (error.reason === 'invalid-media') return new ApiError('MEDIA_TYPE_UNRECOGNIZED', { cause: error })
  return error
}
