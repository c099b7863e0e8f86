/**
 * Media for the CLI e2e tests, generated with the system ffmpeg into a temp dir: a PNG, an
 * animated GIF, an MP4 of about 2.4 MB (so 128 KiB segments make a resume test of ~19 APPENDs), a
 * corrupt MP4 (a real MP4's first 64 bytes, so it sniffs as video/mp4, then random bytes), and
 * random bytes of no known type.
 */
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { encodeMp4 } from './media.js'

const execFileAsync = promisify(execFile)

/** Generated files. */
export interface CliMedia {
  png: string
  gif: string
  mp4: string
  corruptMp4: string
  junk: string
}

async function ffmpeg(args: readonly string[]): Promise<void> {
  await execFileAsync('/usr/bin/ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { timeout: 120_000 })
}

/** Writes every file of `CliMedia` into `dir`. */
export async function generateCliMedia(dir: string): Promise<CliMedia> {
  const files: CliMedia = {
    png: join(dir, 'pattern.png'),
    gif: join(dir, 'pattern.gif'),
    mp4: join(dir, 'clip.mp4'),
    corruptMp4: join(dir, 'corrupt.mp4'),
    junk: join(dir, 'junk.bin'),
  }
  await Promise.all([
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=640x360:rate=1', '-frames:v', '1', files.png]),
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10', '-t', '1', files.gif]),
    encodeMp4(files.mp4, 6, 3000),
    writeFile(files.junk, randomBytes(5000)),
  ])
  const head = (await readFile(files.mp4)).subarray(0, 64)
  await writeFile(files.corruptMp4, Buffer.concat([head, randomBytes(200_000)]))
  return files
}
