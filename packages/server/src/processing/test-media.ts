/**
 * Test helpers for processing: fixtures encoded at test time with the system ffmpeg (Debian's in CI)
 * into a temp dir, stream hashes, and a look at this process's ffmpeg children. Not used by the app.
 */
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** The system ffmpeg the fixtures are made with. */
export const SYSTEM_FFMPEG = '/usr/bin/ffmpeg'

/** Two seconds of a 320×240 test card at 30 fps with a sine tone. */
export const TEST_AV: readonly string[] = [
  '-f',
  'lavfi',
  '-i',
  'testsrc=size=320x240:rate=30',
  '-f',
  'lavfi',
  '-i',
  'sine=sample_rate=48000',
  '-t',
  '2',
]

/** Encodes `args` (inputs and codec options) into `dir/name` with the system ffmpeg; returns the path. */
export async function encodeFixture(dir: string, name: string, args: readonly string[]): Promise<string> {
  const out = join(dir, name)
  await run(SYSTEM_FFMPEG, ['-v', 'error', '-y', ...args, out])
  return out
}

/** SHA-256 of a file's first video stream as an H.264 Annex B elementary stream, copied without decoding. */
export async function hashVideoStream(path: string): Promise<string> {
  const args = ['-v', 'error', '-i', path, '-map', '0:v:0', '-c', 'copy', '-f', 'h264', '-']
  const { stdout } = await run(SYSTEM_FFMPEG, args, { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 })
  return createHash('sha256').update(stdout).digest('hex')
}

/** Writes `bytes` as `count` slices into `dir` (`seg-0`, `seg-1`, …); returns their paths in order. */
export async function splitInto(bytes: Buffer, count: number, dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true })
  const size = Math.ceil(bytes.length / count)
  const paths: string[] = []
  for (let i = 0; i < count; i++) {
    const path = join(dir, `seg-${i}`)
    await writeFile(path, bytes.subarray(i * size, (i + 1) * size))
    paths.push(path)
  }
  return paths
}

/** Pids of live child processes of this process whose command name is `name` (Linux `/proc`). */
export async function childProcesses(name: string): Promise<number[]> {
  const pids: number[] = []
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const stat = await readFile(join('/proc', entry, 'stat'), 'utf8').catch(() => '')
    // Format: `pid (comm) state ppid …`; comm may contain spaces, so split after the last `)`.
    const close = stat.lastIndexOf(')')
    const comm = stat.slice(stat.indexOf('(') + 1, close)
    const [state, ppid] = stat.slice(close + 2).split(' ')
    if (comm === name && Number(ppid) === process.pid && state !== 'Z') pids.push(Number(entry))
  }
  return pids
}

/** Top-level ISO BMFF box types, in file order. */
export function topLevelBoxes(bytes: Buffer): string[] {
  const types: string[] = []
  for (let offset = 0; offset + 8 <= bytes.length; ) {
    const size = bytes.readUInt32BE(offset)
    types.push(bytes.toString('latin1', offset + 4, offset + 8))
    if (size < 8) break
    offset += size
  }
  return types
}
