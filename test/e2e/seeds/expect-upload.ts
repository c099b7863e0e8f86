/** Assertions shared by the seed suites: X's id shapes, problem bodies, stored bytes and served photos. */
import { execFile } from 'node:child_process'
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { expect } from 'vitest'
import type { CurlResponse } from '../curl.js'
import type { BirdhouseServer } from '../harness.js'
import { sha256File } from '../media.js'
import { listBlobFolder, readStoredUpload } from '../stored-bytes.js'

const execFileAsync = promisify(execFile)

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

/** `<width>x<height>` of the first video stream of an image or video file, by ffprobe. */
export async function probeSize(file: string): Promise<string> {
  const { stdout } = await execFileAsync(
    '/usr/bin/ffprobe',
    ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'csv=p=0:s=x', file],
    { timeout: 30_000 },
  )
  return stdout.trim()
}

/**
 * Asserts what a photo upload left behind once FINALIZE answered: its uploaded original is
 * deleted (no segment file under `uploads/<id>/`), and the served `/media/3_<id>.<ext>` is an
 * image of type `image/<ext>` that decodes, by ffprobe, to the width×height of `sourceFile`.
 */
export async function expectServedPhoto(
  server: BirdhouseServer,
  mediaId: string,
  sourceFile: string,
  ext: 'png' | 'jpg',
): Promise<void> {
  expect(await listBlobFolder(server.dataDir, `uploads/${mediaId}`)).toEqual([])
  const response = await fetch(`${server.url}/media/3_${mediaId}.${ext}`)
  expect(response.status).toBe(200)
  expect(response.headers.get('content-type')).toBe(ext === 'png' ? 'image/png' : 'image/jpeg')
  const dir = await mkdtemp(join(tmpdir(), 'birdhouse-served-'))
  try {
    const served = join(dir, `served.${ext}`)
    await writeFile(served, Buffer.from(await response.arrayBuffer()))
    const expected = await probeSize(sourceFile)
    expect(expected).toMatch(/^\d+x\d+$/)
    expect(await probeSize(served)).toBe(expected)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
