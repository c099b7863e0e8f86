/**
 * Presents an upload stored as several segment files to ffmpeg/ffprobe as one input, without copying
 * them together: ffmpeg's `concat:` protocol reads the files as one seekable byte stream, so an MP4
 * whose moov atom sits at the end still demuxes (the mov demuxer seeks to it across segments).
 *
 * The tool runs with `cwd` at the files' common directory and relative names, so 1000 segments fit
 * in one argument (Linux caps a single argument at 128 KiB); names that still do not fit, or that
 * contain the `|` separator, are replaced by short symlinks in a temp dir. The concat protocol keeps
 * every segment open at once, so the process needs more file descriptors than segments (Node raises
 * its soft limit to the hard limit at start, and children inherit it).
 */
import { mkdtemp, rm, stat, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, dirname, join, relative, resolve, sep } from 'node:path'
import { ProcessingError } from './processing-error.js'

/** An input ready for ffmpeg: run the tool in `cwd` with `url` after `-i`, then call `cleanup`. */
export interface ConcatInput {
  cwd: string
  /** `file:name` for one file, `concat:file:a|file:b|…` for several. */
  url: string
  /** Removes the symlinks, when any were made. */
  cleanup?: () => Promise<void>
}

/** Options of `prepareConcatInput`. */
export interface PrepareConcatInputOptions {
  /** Directory for the symlink fallback's temp dir; default the OS temp dir. */
  tempDir?: string
}

/** Hardening flags for an input: only local files and concatenation, so a playlist cannot read elsewhere. */
export const INPUT_PROTOCOL_ARGS: readonly string[] = ['-protocol_whitelist', 'file,concat']

const MAX_URL_CHARS = 120_000

/**
 * Checks that every path is a file and builds the input URL for their byte-concatenation (in order);
 * throws `ProcessingError('failed')` for a missing file, which is the server's fault, not the uploader's.
 */
export async function prepareConcatInput(
  inputPaths: readonly string[],
  options: PrepareConcatInputOptions = {},
): Promise<ConcatInput> {
  const paths = inputPaths.map((path) => resolve(path))
  const first = paths[0]
  if (first === undefined) throw new ProcessingError('failed', 'at least one input file is needed')
  await Promise.all(paths.map(assertFile))
  // `file:` keeps a `:` in a name from being read as a protocol.
  if (paths.length === 1) return { cwd: dirname(first), url: `file:${basename(first)}` }
  const cwd = commonDir(paths)
  const names = paths.map((path) => relative(cwd, path))
  const url = concatUrl(names)
  if (url.length <= MAX_URL_CHARS && !names.some((name) => name.includes('|'))) return { cwd, url }
  return linkInputs(paths, options.tempDir ?? tmpdir())
}

async function assertFile(path: string): Promise<void> {
  const info = await stat(path).catch((error: unknown) => {
    throw new ProcessingError('failed', `input file missing: ${path}`, { cause: error })
  })
  if (!info.isFile()) throw new ProcessingError('failed', `input is not a file: ${path}`)
}

function concatUrl(names: readonly string[]): string {
  return `concat:${names.map((name) => `file:${name}`).join('|')}`
}

function commonDir(paths: readonly string[]): string {
  const split = paths.map((path) => dirname(path).split(sep))
  const first = split[0] ?? []
  let length = first.length
  for (const parts of split) {
    let i = 0
    while (i < length && parts[i] === first[i]) i++
    length = i
  }
  return first.slice(0, length).join(sep) || sep
}

/** Symlinks the inputs as `0`, `1`, … in a temp dir, for names too long or unsafe for `concat:`. */
async function linkInputs(paths: readonly string[], tempDir: string): Promise<ConcatInput> {
  const dir = await mkdtemp(join(tempDir, 'birdhouse-input-'))
  const cleanup = () => rm(dir, { recursive: true, force: true })
  try {
    await Promise.all(paths.map((path, i) => symlink(path, join(dir, String(i)))))
  } catch (error) {
    await cleanup()
    throw new ProcessingError('failed', 'could not link inputs', { cause: error })
  }
  return { cwd: dir, url: concatUrl(paths.map((_, i) => String(i))), cleanup }
}
