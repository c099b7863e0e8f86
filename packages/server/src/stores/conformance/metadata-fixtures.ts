/**
 * Records and helpers for the metadata-store conformance suite. Ids are 19-digit strings that JS
 * numbers cannot hold exactly, so a backend that round-trips them through a number fails.
 */
import type { ErrorCode, ErrorParams } from '@birdhouse/protocol'
import { expect } from 'vitest'
import { ApiError } from '../../errors.js'
import type {
  FinalizeChange,
  MediaRecord,
  MetadataStore,
  NewJob,
  SegmentRecord,
  TweetRecord,
  UserRecord,
} from '../metadata-store.js'

/** The suite's "now": 2026-01-01T00:00:00Z. */
export const T0 = Date.UTC(2026, 0, 1)

/** A generous per-upload byte limit for tests that do not probe limits. */
export const NO_LIMIT = Number.MAX_SAFE_INTEGER

let sequence = 0n

/** A fresh 19-digit snowflake-like id. */
export function nextId(): string {
  sequence += 1n
  return (1_880_028_106_020_515_840n + sequence * 7n).toString()
}

/** A user with a unique id and handle. */
export function newUser(overrides: Partial<UserRecord> = {}): UserRecord {
  const id = overrides.id ?? nextId()
  return { id, handle: `user_${id}`, name: 'Zoë 鳥の家 🐦', createdAtMs: T0, ...overrides }
}

/** An upload in state `uploading` with every optional field null and no files or subtitles. */
export function newMedia(overrides: Partial<MediaRecord> = {}): MediaRecord {
  const id = overrides.id ?? nextId()
  return {
    id,
    mediaKey: `7_${id}`,
    ownerId: '1880028106020515000',
    declaredType: 'video/mp4',
    mediaType: null,
    category: 'tweet_video',
    totalBytes: 2 ** 32 + 5,
    additionalOwners: [],
    shared: false,
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
    createdAtMs: T0,
    finalizedAtMs: null,
    expiresAtMs: T0 + 86_400_000,
    ...overrides,
  }
}

let blobSequence = 0

/** A segment with a unique blob key. */
export function segment(index: number, sizeBytes: number, blobKey?: string): SegmentRecord {
  blobSequence += 1
  return { index, sizeBytes, blobKey: blobKey ?? `uploads/${index}/${blobSequence}-ünïcode` }
}

/** A FINALIZE change of a video going to processing. */
export function finalizeChange(overrides: Partial<FinalizeChange> = {}): FinalizeChange {
  return {
    state: 'pending',
    processing: true,
    mediaType: 'video/mp4',
    sizeBytes: 2 ** 32 + 5,
    image: null,
    files: [],
    finalizedAtMs: T0 + 1000,
    expiresAtMs: T0 + 2 * 86_400_000,
    ...overrides,
  }
}

/** A processing job for `mediaId`. */
export function newJob(mediaId: string, runAtMs = T0 + 1000): NewJob {
  return { id: nextId(), kind: 'process-media', mediaId, runAtMs }
}

/** Creates an upload and appends segments of the given sizes at indexes 0, 1, 2, …; resolves to the stored record. */
export async function createUpload(
  store: MetadataStore,
  sizes: number[] = [],
  overrides: Partial<MediaRecord> = {},
): Promise<MediaRecord> {
  const media = newMedia(overrides)
  expect(await store.createMedia(media)).toBe(true)
  for (const [index, size] of sizes.entries()) await store.putSegment(media.id, segment(index, size), NO_LIMIT)
  return mustGet(store, media.id)
}

/** Creates and finalizes an upload (state `pending`), optionally with a processing job. */
export async function createFinalized(
  store: MetadataStore,
  options: { runAtMs?: number; job?: boolean; change?: Partial<FinalizeChange>; media?: Partial<MediaRecord> } = {},
): Promise<{ media: MediaRecord; job: NewJob | null }> {
  const media = await createUpload(store, [10], options.media)
  const job = options.job === false ? null : newJob(media.id, options.runAtMs)
  expect(await store.finalizeMedia(media.id, media.segmentsVersion, finalizeChange(options.change), job)).toBe(true)
  return { media: await mustGet(store, media.id), job }
}

/** Creates finalized, ready (`succeeded`) media that expires at `expiresAtMs`. */
export async function createReady(store: MetadataStore, expiresAtMs = T0 + 86_400_000): Promise<MediaRecord> {
  const change = { state: 'succeeded', processing: false, expiresAtMs } as const
  return (await createFinalized(store, { job: false, change })).media
}

/** A post by a fixed author with non-ASCII text and a tagged user. */
export function newTweet(mediaIds: string[], overrides: Partial<TweetRecord> = {}): TweetRecord {
  return {
    id: nextId(),
    authorId: '1880028106020515001',
    text: 'Zoë 鳥の家 🐦 — first post',
    mediaIds,
    taggedUserIds: ['1880028106020515002'],
    createdAtMs: T0 + 5000,
    ...overrides,
  }
}

/** Reads a media record that must exist. */
export async function mustGet(store: MetadataStore, id: string): Promise<MediaRecord> {
  const media = await store.getMedia(id)
  expect(media, `media ${id}`).toBeDefined()
  return media as MediaRecord
}

/** Asserts that `promise` rejects with an `ApiError` of `code` (and, when given, these params). */
export async function expectApiError(promise: Promise<unknown>, code: ErrorCode, params?: ErrorParams) {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  )
  expect(error, `expected an ApiError ${code}`).toBeInstanceOf(ApiError)
  expect((error as ApiError).code).toBe(code)
  if (params !== undefined) expect((error as ApiError).params).toMatchObject(params)
}
