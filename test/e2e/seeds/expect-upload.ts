/** Assertions shared by the seed suites: X's id shapes, problem bodies, and stored bytes. */
import { stat } from 'node:fs/promises'
import { expect } from 'vitest'
import type { CurlResponse } from '../curl.js'
import type { BirdhouseServer } from '../harness.js'
import { sha256File } from '../media.js'
import { readStoredUpload } from '../stored-bytes.js'

/** X ids: 1–19 digits (OAS `^[0-9]{1,19}$`). */
export const MEDIA_ID = /^[0-9]{1,19}$/

/** Seconds in X's usual 24 h expiry, allowing for a slow second between the server's clock reads. */
export const ABOUT_A_DAY_SECS = [86_390, 86_400] as const

/** Asserts a v2 problem body (spec §7.2): status, problem+json, `type` ending in `/2/problems/<problem>`. */
export function expectV2Problem(response: CurlResponse, status: number, problem: string): void {
  expect(response.status, response.body).toBe(status)
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/)
  const body = response.json() as { type?: string; title?: string; errors?: unknown[] }
  expect(body.type).toMatch(new RegExp(`/2/problems/${problem}$`))
  expect(body.title).toEqual(expect.any(String))
}

/** Asserts the v1.1 `media_id` is a bare JSON number with exactly the digits of `media_id_string` (spec §3.7). */
export function expectExactV1MediaId(body: string): string {
  const raw = /"media_id":(\d+)[,}]/.exec(body)?.[1]
  const text = /"media_id_string":"(\d+)"/.exec(body)?.[1]
  expect(raw, body).toMatch(MEDIA_ID)
  expect(raw).toBe(text)
  return raw as string
}

/**
 * Asserts that the segment files stored for `mediaId` are segments 0…n-1 and that their
 * concatenation has the size and sha256 of `sourceFile`.
 */
export async function expectStoredBytes(
  server: BirdhouseServer,
  mediaId: string,
  sourceFile: string,
  segmentCount: number,
): Promise<void> {
  const stored = await readStoredUpload(server.dataDir, mediaId)
  expect(stored.indexes).toEqual(Array.from({ length: segmentCount }, (_, index) => index))
  expect(stored.sizeBytes).toBe((await stat(sourceFile)).size)
  expect(stored.sha256).toBe(await sha256File(sourceFile))
}
