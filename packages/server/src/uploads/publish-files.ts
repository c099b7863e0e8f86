/**
 * Moves what processing wrote into the blob store, where serving finds it: each file goes under
 * `media/<media id>/<attempt>/<name>` through `BlobStore.put`, which publishes it atomically (temp
 * object, fsync, rename on disk), so a key never holds half a file. The attempt nonce (the layout
 * image FINALIZE uses too) keeps a retried job from overwriting files an earlier attempt may have
 * committed; `removeUnreferenced` drops what earlier attempts left once one commits.
 */
import { randomBytes } from 'node:crypto'
import { createReadStream } from 'node:fs'
import type { BlobStore } from '../stores/blob-store.js'
import type { MediaFile } from '../stores/metadata-store.js'
import type { ProcessedFile } from './process-media.js'

/** Blob key prefix of all processed files of a media. */
export function processedPrefix(mediaId: string): string {
  return `media/${mediaId}/`
}

/** A fresh prefix for one attempt's files: `media/<id>/<nonce>/`. */
export function attemptPrefix(mediaId: string): string {
  return `${processedPrefix(mediaId)}${randomBytes(6).toString('hex')}/`
}

/** Puts every file under `prefix` at once; resolves, once all are stored, to their records (in `files` order). */
export async function publishFiles(
  blobs: BlobStore,
  prefix: string,
  files: readonly ProcessedFile[],
): Promise<MediaFile[]> {
  // allSettled, so a failure is reported only once no put is still writing under `prefix`.
  const settled = await Promise.allSettled(files.map((file) => publishFile(blobs, prefix, file)))
  const failed = settled.find((result) => result.status === 'rejected')
  if (failed !== undefined) throw failed.reason
  return settled.map((result) => (result as PromiseFulfilledResult<MediaFile>).value)
}

async function publishFile(blobs: BlobStore, prefix: string, file: ProcessedFile): Promise<MediaFile> {
  const blobKey = `${prefix}${file.name}`
  const { sizeBytes } = await blobs.put(blobKey, createReadStream(file.path))
  const { role, contentType, width, height, bitRate } = file
  return { role, contentType, width, height, bitRate, sizeBytes, blobKey }
}

/** Deletes every processed file of a media that `keep` does not list (whole attempt prefixes where it can). */
export async function removeUnreferenced(blobs: BlobStore, mediaId: string, keep: readonly MediaFile[]): Promise<void> {
  const referenced = new Set(keep.map((file) => file.blobKey))
  const base = processedPrefix(mediaId)
  const byPrefix = new Map<string, string[]>()
  for (const key of await blobs.list(base)) {
    const slash = key.indexOf('/', base.length)
    const prefix = slash === -1 ? key : key.slice(0, slash + 1)
    byPrefix.set(prefix, [...(byPrefix.get(prefix) ?? []), key])
  }
  for (const [prefix, keys] of byPrefix) {
    const unused = keys.filter((key) => !referenced.has(key))
    if (unused.length === keys.length && prefix.endsWith('/')) await blobs.removePrefix(prefix)
    else for (const key of unused) await blobs.remove(key)
  }
}
