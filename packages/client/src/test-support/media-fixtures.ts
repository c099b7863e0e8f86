/**
 * Real media made on the spot with the system ffmpeg (nothing committed): a PNG, an animated GIF,
 * an H.264 MP4 of a few hundred KB (noise keeps x264 from shrinking it, so it spans several small
 * segments), and a "corrupt MP4" whose head sniffs as MP4 but whose body is no video. Each is made
 * once per test file.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

const execFileAsync = promisify(execFile)
const FFMPEG = '/usr/bin/ffmpeg'

/** Bytes on an ArrayBuffer (what `Blob` and `File` take). */
export type Bytes = Uint8Array<ArrayBuffer>

/** The generated files' bytes. */
export interface MediaFixtures {
  png: Bytes
  gif: Bytes
  mp4: Bytes
  corruptMp4: Bytes
}

async function ffmpeg(dir: string, name: string, args: readonly string[]): Promise<Bytes> {
  const out = join(dir, name)
  await execFileAsync(FFMPEG, ['-hide_banner', '-loglevel', 'error', '-y', ...args, out], { timeout: 120_000 })
  return new Uint8Array(await readFile(out))
}

let made: Promise<MediaFixtures> | undefined

async function make(): Promise<MediaFixtures> {
  const dir = await mkdtemp(join(tmpdir(), 'birdhouse-client-media-'))
  try {
    const [png, gif, mp4] = await Promise.all([
      ffmpeg(dir, 'photo.png', ['-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=1', '-frames:v', '1']),
      ffmpeg(dir, 'anim.gif', ['-f', 'lavfi', '-i', 'testsrc=size=96x64:rate=5', '-t', '1']),
      ffmpeg(dir, 'clip.mp4', [
        ...['-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=15', '-t', '2', '-vf', 'noise=alls=40:allf=t'],
        ...[
          '-c:v',
          'libx264',
          '-preset',
          'ultrafast',
          '-pix_fmt',
          'yuv420p',
          '-b:v',
          '1200k',
          '-movflags',
          '+faststart',
        ],
      ]),
    ])
    // An ISO BMFF `ftyp` box (so it sniffs as video/mp4), then bytes no decoder takes.
    const ftyp = Buffer.from('000000186674797069736f6d0000020069736f6d6d703432', 'hex')
    const corruptMp4 = new Uint8Array(Buffer.concat([ftyp, Buffer.alloc(4096, 0xa5)]))
    return { png, gif, mp4, corruptMp4 }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** The fixtures (made on first use). */
export function mediaFixtures(): Promise<MediaFixtures> {
  made ??= make()
  return made
}
