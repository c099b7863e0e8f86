/**
 * Reads what the server stored for an upload straight off its data dir: the disk blob store keeps
 * each segment of media `<id>` as `blobs/uploads/<id>/<index padded to 3>-<nonce>`, and the file
 * is their concatenation in name order. Used to prove that stored bytes equal the source.
 */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'

/** The segment files of one upload and the digest of their concatenation. */
export interface StoredUpload {
  /** Segment file names, sorted. */
  files: string[]
  /** Segment indexes parsed from the file names, in file order. */
  indexes: number[]
  sizeBytes: number
  sha256: string
}

/** Lists and hashes the segment files of `mediaId` under `dataDir`. */
export async function readStoredUpload(dataDir: string, mediaId: string): Promise<StoredUpload> {
  const dir = join(dataDir, 'blobs', 'uploads', mediaId)
  const files = (await readdir(dir)).sort()
  const hash = createHash('sha256')
  let sizeBytes = 0
  for (const file of files) {
    for await (const chunk of createReadStream(join(dir, file))) {
      hash.update(chunk as Buffer)
      sizeBytes += (chunk as Buffer).length
    }
  }
  const indexes = files.map((file) => Number(/^(\d{3,})-/.exec(file)?.[1] ?? Number.NaN))
  return { files, indexes, sizeBytes, sha256: hash.digest('hex') }
}

/** Files directly under `<dataDir>/blobs/<sub>` (empty when the folder does not exist). */
export async function listBlobFolder(dataDir: string, sub: string): Promise<string[]> {
  try {
    return (await readdir(join(dataDir, 'blobs', sub))).sort()
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
}
