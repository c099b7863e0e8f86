import { describe, expect, it } from 'vitest'
import type { Logger } from '../logger.js'
import { resolveMediaTools } from './binaries.js'

/** A logger that records `info` calls. */
function recordingLogger(): Logger & { infos: Array<{ obj: object; msg: string | undefined }> } {
  const infos: Array<{ obj: object; msg: string | undefined }> = []
  const noop = () => {}
  return { infos, debug: noop, warn: noop, error: noop, info: (obj, msg) => infos.push({ obj, msg }) }
}

const SYSTEM = { ffprobePath: 'ffprobe', source: 'system', ffmpegPath: 'ffmpeg', ffmpegSource: 'system' }

describe('resolveMediaTools', () => {
  it('prefers the system ffprobe and ffmpeg on PATH and logs each once per process', async () => {
    const logger = recordingLogger()
    const options = { systemCommand: 'ffprobe', logger }
    const first = await resolveMediaTools(options)
    const second = await resolveMediaTools(options)
    expect(first).toEqual(SYSTEM)
    expect(second).toBe(first)
    expect(logger.infos.map((entry) => entry.msg).sort()).toEqual(['using ffmpeg', 'using ffprobe'])
    const ffprobe = logger.infos.find((entry) => entry.msg === 'using ffprobe')?.obj
    expect(ffprobe).toMatchObject({ ffprobePath: 'ffprobe', source: 'system' })
    expect(ffprobe).toMatchObject({ version: expect.stringMatching(/^ffprobe version /) })
    const ffmpeg = logger.infos.find((entry) => entry.msg === 'using ffmpeg')?.obj
    expect(ffmpeg).toMatchObject({ ffmpegPath: 'ffmpeg', source: 'system' })
    expect(ffmpeg).toMatchObject({ version: expect.stringMatching(/^ffmpeg version /) })
  })

  it('falls back to the npm ffprobe when the system one is missing', async () => {
    const tools = await resolveMediaTools({ systemCommand: 'birdhouse-no-such-ffprobe' })
    expect(tools.source).toBe('npm')
    expect(tools.ffprobePath).toMatch(/node_modules\/@ffprobe-installer\/[a-z0-9-]+\/ffprobe$/)
    expect(tools.ffmpegSource).toBe('system')
  })

  it('falls back to the npm ffmpeg when the system one is missing', async () => {
    const tools = await resolveMediaTools({ ffmpegSystemCommand: 'birdhouse-no-such-ffmpeg' })
    expect(tools.ffmpegSource).toBe('npm')
    expect(tools.ffmpegPath).toMatch(/node_modules\/@ffmpeg-installer\/[a-z0-9-]+\/ffmpeg$/)
    expect(tools.source).toBe('system')
  })

  it('does not take ffprobe for ffmpeg', async () => {
    const tools = await resolveMediaTools({ ffmpegSystemCommand: 'ffprobe' })
    expect(tools.ffmpegSource).toBe('npm')
  })

  it('uses explicit paths first', async () => {
    expect(await resolveMediaTools({ ffprobePath: '/usr/bin/ffprobe', ffmpegPath: '/usr/bin/ffmpeg' })).toEqual({
      ffprobePath: '/usr/bin/ffprobe',
      source: 'config',
      ffmpegPath: '/usr/bin/ffmpeg',
      ffmpegSource: 'config',
    })
  })

  it('fails loudly when an explicit path does not run, rather than falling back', async () => {
    await expect(resolveMediaTools({ ffprobePath: '/nonexistent/ffprobe' })).rejects.toThrow(
      'ffprobe at BIRDHOUSE_FFPROBE_PATH does not run: /nonexistent/ffprobe',
    )
    await expect(resolveMediaTools({ ffmpegPath: '/nonexistent/ffmpeg' })).rejects.toThrow(
      'ffmpeg at BIRDHOUSE_FFMPEG_PATH does not run: /nonexistent/ffmpeg',
    )
  })
})
