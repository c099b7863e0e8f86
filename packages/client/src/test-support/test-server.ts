/**
 * A real birdhouse app on memory stores, listening on 127.0.0.1 (the SDK speaks HTTP, so
 * `inject()` will not do), with a user and a development bearer token. `processing: false` starts
 * no worker, so the uploaded segments of videos and GIFs stay in the store to be hashed; with
 * `processing: true` one worker processes them (and then releases the segments). A photo's
 * segments are released at FINALIZE, once its served files are stored, so the store's FINALIZE
 * commit is tapped: the segments it commits are hashed just before, and `storedUpload` reports
 * that digest for a finalized upload.
 */
import { createHash } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  type AppStores,
  buildApp,
  ensureUser,
  issueToken,
  loadConfig,
  memoryStores,
  SnowflakeGenerator,
  systemClock,
} from '@birdhouse/server'

/** Options of `startTestServer`. */
export interface TestServerOptions {
  /** Run one processing worker; default false. */
  processing?: boolean
  /** Extra config env. */
  env?: Readonly<Record<string, string>>
}

/** Digest of an upload's segments in index order. */
export interface StoredDigest {
  sha256: string
  sizeBytes: number
  segments: number
}

/** A listening app. */
export interface TestServer {
  url: string
  token: string
  stores: AppStores
  /**
   * sha-256 (hex) and size of what the store holds for an upload: its segments in index order, as
   * FINALIZE committed them (read just before the commit), or as they are now if not finalized.
   */
  storedUpload(mediaId: string): Promise<StoredDigest>
  close(): Promise<void>
}

/** Starts an app on a free port. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'birdhouse-client-'))
  const processing = options.processing === true
  const config = loadConfig({
    BIRDHOUSE_DATA_DIR: dataDir,
    BIRDHOUSE_WORKERS: processing ? '1' : '0',
    BIRDHOUSE_RATE_LIMITS: 'off',
    ...options.env,
  })
  const stores = await memoryStores()
  const atFinalize = tapFinalize(stores)
  const app = await buildApp({ config, stores, background: processing, logger: false })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  const { user } = await ensureUser(stores.metadata, new SnowflakeGenerator(systemClock, 1), systemClock, 'alice')
  const token = await issueToken(stores.auth, systemClock, user.id)
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    stores,
    storedUpload: async (mediaId) => atFinalize.get(mediaId) ?? (await digestSegments(stores, mediaId)),
    async close() {
      await app.close()
      await Promise.all([stores.metadata.close(), stores.blobs.close()])
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}

/** Hex sha-256 of bytes. */
export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

/**
 * Wraps the metadata store's FINALIZE commit so the segments are hashed right before it; a commit
 * refused (an APPEND got in between) records nothing. Returns the digests of committed uploads.
 */
function tapFinalize(stores: AppStores): Map<string, StoredDigest> {
  const digests = new Map<string, StoredDigest>()
  const metadata = stores.metadata
  const commit = metadata.finalizeMedia.bind(metadata)
  metadata.finalizeMedia = async (mediaId, ...rest) => {
    // A segment replaced meanwhile fails the read, and the commit's version check with it.
    const digest = await digestSegments(stores, mediaId).catch(() => undefined)
    const committed = await commit(mediaId, ...rest)
    if (committed && digest !== undefined) digests.set(mediaId, digest)
    return committed
  }
  return digests
}

async function digestSegments(stores: AppStores, mediaId: string): Promise<StoredDigest> {
  const segments = await stores.metadata.listSegments(mediaId)
  const hash = createHash('sha256')
  let sizeBytes = 0
  for (const segment of [...segments].sort((a, b) => a.index - b.index)) {
    for await (const chunk of await stores.blobs.read(segment.blobKey)) {
      hash.update(chunk as Buffer)
      sizeBytes += (chunk as Buffer).length
    }
  }
  return { sha256: hash.digest('hex'), sizeBytes, segments: segments.length }
}
