/**
 * Fixtures for post route tests, on top of `route-harness.ts`: real media made by uploading through
 * the API (one-shot photos, chunked GIFs and videos polled to a terminal state with a bounded
 * loop), an animated GIF encoded by the system ffmpeg, request helpers for `POST /2/tweets` and
 * `statuses/update.json`, and fabricated media records for pure rule tests.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { LightMyRequestResponse } from 'fastify'
import type { MediaRecord } from '../stores/metadata-store.js'
import { form, json, multipart, processingState, type RouteHarness } from './route-harness.js'

/** Who uploads, and who else may use the media. */
export interface UploadAs {
  /** Bearer token of the uploader; default the harness's first user. */
  token?: string
  /** `additional_owners`; default none. */
  additionalOwners?: readonly string[]
  /** Largest APPEND segment of a chunked upload, bytes; default 64 KiB. */
  segmentBytes?: number
}

const dataOf = (response: LightMyRequestResponse) => {
  if (response.statusCode >= 300) throw new Error(`upload step failed: ${response.statusCode} ${response.body}`)
  return (response.json() as { data: { id: string } }).data
}

/** One-shot v2 upload of image (or subtitle) bytes with `category`; resolves to the media id. */
export async function uploadOneShot(
  h: RouteHarness,
  bytes: Buffer | string,
  category = 'tweet_image',
  as: UploadAs = {},
): Promise<string> {
  const owners = as.additionalOwners === undefined ? {} : { additional_owners: as.additionalOwners.join(',') }
  const body = multipart({ media_category: category, ...owners }, { name: 'media', bytes })
  return dataOf(await h.send('POST', '/2/media/upload', body, as.token)).id
}

/** Chunked upload through the v2 dedicated endpoints, in order; resolves to the id. */
export async function uploadChunked(
  h: RouteHarness,
  bytes: Buffer,
  mediaType: string,
  category: string | undefined,
  as: UploadAs = {},
): Promise<string> {
  const init = {
    media_type: mediaType,
    total_bytes: bytes.length,
    ...(category === undefined ? {} : { media_category: category }),
    ...(as.additionalOwners === undefined ? {} : { additional_owners: as.additionalOwners }),
  }
  const { id } = dataOf(await h.send('POST', '/2/media/upload/initialize', json(init), as.token))
  const segmentBytes = as.segmentBytes ?? 64 * 1024
  for (let offset = 0, index = 0; offset < bytes.length; offset += segmentBytes, index++) {
    const part = bytes.subarray(offset, offset + segmentBytes)
    const body = multipart({ segment_index: String(index) }, { name: 'media', bytes: part })
    dataOf(await h.send('POST', `/2/media/upload/${id}/append`, body, as.token))
  }
  dataOf(await h.send('POST', `/2/media/upload/${id}/finalize`, undefined, as.token))
  return id
}

/** Polls v2 STATUS (as `token`) until processing ends, at most `attempts` times; resolves to the final state. */
export async function awaitProcessing(h: RouteHarness, id: string, token = h.token, attempts = 400): Promise<string> {
  for (let i = 0; i < attempts; i++) {
    const state = processingState(await h.send('GET', `/2/media/upload?media_id=${id}`, undefined, token))
    if (state === 'succeeded' || state === 'failed' || state === 'none') return state
    // Yield to the worker, which runs on timers and child processes.
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error(`processing of ${id} did not end after ${attempts} polls`)
}

/** Uploads and processes (the harness must run a worker); rejects unless processing succeeded. */
export async function uploadProcessed(
  h: RouteHarness,
  bytes: Buffer,
  mediaType: string,
  category: string,
  as: UploadAs = {},
): Promise<string> {
  const id = await uploadChunked(h, bytes, mediaType, category, as)
  const state = await awaitProcessing(h, id, as.token)
  if (state !== 'succeeded') throw new Error(`processing of ${mediaType} ${category} ended ${state}`)
  return id
}

let animatedGif: Promise<Buffer> | undefined

/** A three-frame 16×16 animated GIF encoded by the system ffmpeg (made once per test file). */
export function animatedGifBytes(): Promise<Buffer> {
  animatedGif ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), 'birdhouse-gif-'))
    try {
      const out = join(dir, 'anim.gif')
      const input = ['-f', 'lavfi', '-i', 'testsrc=size=16x16:rate=3', '-t', '1']
      await promisify(execFile)('/usr/bin/ffmpeg', ['-v', 'error', '-y', ...input, out])
      return await readFile(out)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })()
  return animatedGif
}

/** `POST /2/tweets` with a JSON body, as the first user or `token` (`null`: no Authorization). */
export function createPost(h: RouteHarness, body: unknown, token?: string | null): Promise<LightMyRequestResponse> {
  return h.send('POST', '/2/tweets', json(body), token)
}

/** `POST /2/tweets` with `text` and `media_ids`; resolves to the 201 body's `data`. */
export async function postWithMedia(
  h: RouteHarness,
  text: string,
  mediaIds: readonly string[],
  token?: string,
): Promise<{ id: string; text: string; edit_history_tweet_ids: string[] }> {
  const response = await createPost(h, { text, media: { media_ids: mediaIds } }, token)
  if (response.statusCode !== 201) throw new Error(`POST /2/tweets answered ${response.statusCode} ${response.body}`)
  return (response.json() as { data: { id: string; text: string; edit_history_tweet_ids: string[] } }).data
}

/** v1.1 `POST /1.1/statuses/update.json` with an urlencoded body, as the first user or `token`. */
export function statusesUpdate(
  h: RouteHarness,
  fields: Readonly<Record<string, string>>,
  token?: string | null,
): Promise<LightMyRequestResponse> {
  return h.send('POST', '/1.1/statuses/update.json', form(fields), token)
}

/** X's `https://t.co/<10 chars>` media link, as a pattern anchored at the end of a text. */
export const MEDIA_LINK_AT_END = /https:\/\/t\.co\/[0-9A-Za-z]{10}$/

/** A succeeded, unexpired PNG owned by user `1`, with `overrides`, for pure rule tests. */
export function fabricatedMedia(overrides: Partial<MediaRecord> = {}): MediaRecord {
  const id = overrides.id ?? '1000000000000000001'
  return {
    id,
    mediaKey: `3_${id}`,
    ownerId: '1',
    declaredType: 'image/png',
    mediaType: 'image/png',
    category: 'tweet_image',
    totalBytes: 100,
    files: [],
    subtitles: [],
    additionalOwners: [],
    shared: false,
    state: 'succeeded',
    processing: false,
    sizeBytes: 100,
    image: { type: 'image/png', width: 4, height: 3 },
    progressPercent: null,
    error: null,
    altText: null,
    pinned: false,
    video: null,
    segmentsVersion: 1,
    createdAtMs: 0,
    finalizedAtMs: 0,
    expiresAtMs: 86_400_000,
    ...overrides,
  }
}

/** A fabricated processed `tweet_video` of `durationMs`. */
export function fabricatedVideo(durationMs: number, overrides: Partial<MediaRecord> = {}): MediaRecord {
  const id = overrides.id ?? '1000000000000000002'
  return fabricatedMedia({
    id,
    mediaKey: `7_${id}`,
    declaredType: 'video/mp4',
    mediaType: 'video/mp4',
    category: 'tweet_video',
    processing: true,
    image: null,
    video: { width: 64, height: 48, durationMs },
    ...overrides,
  })
}
