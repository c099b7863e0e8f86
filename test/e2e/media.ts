/**
 * Real media for e2e tests, generated with the system ffmpeg into a temp dir (nothing committed):
 * an H.264/AAC MP4 of a few MB from `testsrc` + `sine` (noise keeps x264 from shrinking it to a
 * few KB), a JPEG and a PNG. MP4s of an exact size are made by appending a top-level `free` box,
 * which ISO BMFF readers skip (ISO/IEC 14496-12 §8.1.2), so the file stays a valid MP4.
 */

import { execFile } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'

const execFileAsync = promisify(execFile)
const FFMPEG = '/usr/bin/ffmpeg'
const FREE_BOX_HEADER_BYTES = 8

/** Generated files. */
export interface MediaFiles {
  /** MP4, 640×360, 6 s, about 2.4 MB. */
  mp4: string
  /** MP4 of exactly 1 048 576 bytes (SEED0's `total_bytes`), 3 s, padded with a `free` box. */
  mp4OneMiB: string
  /** JPEG, 800×450. */
  jpeg: string
  /** PNG, 1000×600 (the size in SEED4's example response). */
  png: string
}

/** Runs ffmpeg with `args` after the common quiet flags. */
async function ffmpeg(args: readonly string[]): Promise<void> {
  await execFileAsync(FFMPEG, ['-hide_banner', '-loglevel', 'error', '-y', ...args], { timeout: 120_000 })
}

/** Encodes an MP4 of `durationSecs` at about `videoKbps`. */
export async function encodeMp4(path: string, durationSecs: number, videoKbps: number): Promise<void> {
  await ffmpeg([
    ...['-f', 'lavfi', '-i', 'testsrc=size=640x360:rate=30'],
    ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100'],
    ...['-t', String(durationSecs), '-vf', 'noise=alls=30:allf=t'],
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p'],
    ...['-b:v', `${videoKbps}k`, '-maxrate', `${videoKbps}k`, '-bufsize', `${videoKbps / 2}k`],
    ...['-c:a', 'aac', '-b:a', '128k', '-movflags', '+faststart', path],
  ])
}

/** `mp4` followed by a `free` box so the result is exactly `totalBytes`; random or zero filler. */
export function padMp4(mp4: Buffer, totalBytes: number, filler: 'zero' | 'random' = 'zero'): Buffer {
  const padBytes = totalBytes - mp4.length
  if (padBytes < FREE_BOX_HEADER_BYTES) {
    throw new Error(`an MP4 of ${mp4.length} bytes cannot be padded to ${totalBytes} bytes`)
  }
  const header = Buffer.alloc(FREE_BOX_HEADER_BYTES)
  header.writeUInt32BE(padBytes, 0)
  header.write('free', 4, 'latin1')
  const body = filler === 'random' ? randomBytes(padBytes - 8) : Buffer.alloc(padBytes - 8)
  return Buffer.concat([mp4, header, body])
}

/** Generates every file of `MediaFiles` into `dir`. */
export async function generateMedia(dir: string): Promise<MediaFiles> {
  const files: MediaFiles = {
    mp4: join(dir, 'clip.mp4'),
    mp4OneMiB: join(dir, 'clip-1mib.mp4'),
    jpeg: join(dir, 'photo.jpg'),
    png: join(dir, 'photo.png'),
  }
  const short = join(dir, 'short.mp4')
  await Promise.all([
    encodeMp4(files.mp4, 6, 3000),
    encodeMp4(short, 3, 2000),
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=800x450:rate=1', '-frames:v', '1', '-q:v', '3', files.jpeg]),
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=1000x600:rate=1', '-frames:v', '1', files.png]),
  ])
  await writeFile(files.mp4OneMiB, padMp4(await readFile(short), 1_048_576))
  return files
}

/** Writes `file` as consecutive chunks of `chunkBytes` (the last one shorter) named by `name(i)`. */
export async function splitFile(
  file: string,
  chunkBytes: number,
  dir: string,
  name: (index: number) => string,
): Promise<string[]> {
  const bytes = await readFile(file)
  const paths: string[] = []
  for (let offset = 0, index = 0; offset < bytes.length; offset += chunkBytes, index++) {
    const path = join(dir, name(index))
    await writeFile(path, bytes.subarray(offset, offset + chunkBytes))
    paths.push(path)
  }
  return paths
}

/** Hex sha256 of a file. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}
