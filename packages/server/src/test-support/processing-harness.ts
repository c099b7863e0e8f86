/**
 * Worker integration tests: SQLite on a temp file and the disk blob store in a temp dir, driven
 * through `UploadService` (INIT → APPEND × n → FINALIZE) as routes would, and processing workers on
 * the same stores. The stores are plain files, so a worker in a child process can open them too
 * (`processing-worker-child.ts`). Not used by the app.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import type { MediaCategory, MediaType } from '@birdhouse/protocol'
import { ensureUser } from '../auth/tokens.js'
import { systemClock } from '../clock.js'
import { resolveMediaTools } from '../processing/binaries.js'
import { DiskBlobStore } from '../stores/blob/disk.js'
import { MemoryBlobStore } from '../stores/blob/memory.js'
import type { BlobStore } from '../stores/blob-store.js'
import { MemoryMetadataStore } from '../stores/metadata/memory.js'
import { SqliteMetadataStore } from '../stores/metadata/sqlite.js'
import type { MediaRecord, MetadataStore, ProcessingChange } from '../stores/metadata-store.js'
import { ProcessingWorker, type ProcessingWorkerOptions } from '../uploads/processing-worker.js'
import { SnowflakeGenerator } from '../uploads/snowflake.js'
import { UploadService } from '../uploads/upload-service.js'

/** Where the harness keeps its stores. */
export interface ProcessingPaths {
  dbPath: string
  blobRoot: string
  workDir: string
}

/** Stores, an upload service and worker factories on temp files. */
export interface ProcessingHarness extends ProcessingPaths {
  store: MetadataStore
  blobs: BlobStore
  uploads: UploadService
  ownerId: string
  /** Every `updateProcessing` a worker from `worker()` made, by media id, in order. */
  changes: Map<string, ProcessingChange[]>
  /** INIT, APPEND in `segments` pieces and FINALIZE of the file at `path`; resolves to the finalized media. */
  upload(path: string, params: UploadParams): Promise<MediaRecord>
  /** A worker on the harness's stores (the store records progress into `changes`). */
  worker(options?: Partial<ProcessingWorkerOptions>): ProcessingWorker
  /** Runs `worker.runOnce()` until no job is claimable. */
  drain(worker: ProcessingWorker): Promise<void>
  close(): Promise<void>
}

/** What `upload` declares at INIT. */
export interface UploadParams {
  mediaType: MediaType
  category: MediaCategory
  /** APPEND segments; default 2. */
  segments?: number
}

/**
 * Opens SQLite and disk stores in a fresh temp dir (default), or the memory doubles (`memory`: the
 * paths then name nothing but the work dir, and the blob store has no local files).
 */
export async function openProcessingHarness(backend: 'disk' | 'memory' = 'disk'): Promise<ProcessingHarness> {
  const dir = await mkdtemp(join(tmpdir(), 'birdhouse-worker-test-'))
  const paths = { dbPath: join(dir, 'birdhouse.db'), blobRoot: join(dir, 'blobs'), workDir: join(dir, 'work') }
  const onDisk = backend === 'disk'
  const store = onDisk ? await SqliteMetadataStore.open({ path: paths.dbPath }) : await MemoryMetadataStore.open()
  const blobs = onDisk ? await DiskBlobStore.open({ root: paths.blobRoot }) : await MemoryBlobStore.open()
  const ids = new SnowflakeGenerator(systemClock, 7)
  const uploads = new UploadService({
    store,
    blobs,
    clock: systemClock,
    ids,
    limits: 'default',
    maxSegmentBytes: 5 * 1024 * 1024,
    uploadExpiresSecs: 3600,
    mediaExpiresSecs: 3600,
    workDir: paths.workDir,
  })
  const { user } = await ensureUser(store, ids, systemClock, 'processing')
  const changes = new Map<string, ProcessingChange[]>()
  const recording = recordChanges(store, changes)
  const harness: ProcessingHarness = {
    ...paths,
    store,
    blobs,
    uploads,
    ownerId: user.id,
    changes,
    upload: (path, params) => uploadFile(uploads, user.id, path, params),
    worker: (options = {}) =>
      new ProcessingWorker({
        store: recording,
        blobs,
        clock: systemClock,
        limits: 'default',
        mediaTools: () => resolveMediaTools(),
        workDir: paths.workDir,
        pollMs: 50,
        ...options,
      }),
    drain: async (worker) => {
      while (await worker.runOnce()) {}
    },
    close: async () => {
      await Promise.all([store.close(), blobs.close()])
      await rm(dir, { recursive: true, force: true })
    },
  }
  return harness
}

async function uploadFile(
  uploads: UploadService,
  ownerId: string,
  path: string,
  params: UploadParams,
): Promise<MediaRecord> {
  const bytes = await readFile(path)
  const media = await uploads.init(ownerId, {
    mediaType: params.mediaType,
    totalBytes: bytes.length,
    category: params.category,
    additionalOwners: [],
    shared: false,
  })
  const count = params.segments ?? 2
  const size = Math.ceil(bytes.length / count)
  for (let index = 0; index < count; index++) {
    const staged = await uploads.stage(Readable.from([bytes.subarray(index * size, (index + 1) * size)]), size)
    await uploads.append(ownerId, media.id, index, staged)
  }
  return await uploads.finalize(ownerId, media.id)
}

/** The store, with every `updateProcessing` also recorded into `changes`. */
function recordChanges(store: MetadataStore, changes: Map<string, ProcessingChange[]>): MetadataStore {
  return new Proxy(store, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target)
      if (property === 'updateProcessing') {
        return (id: string, change: ProcessingChange) => {
          changes.set(id, [...(changes.get(id) ?? []), change])
          return target.updateProcessing(id, change)
        }
      }
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}
