import { describe, expect, it } from 'vitest'
import type { Logger } from '../logger.js'
import { resolveMediaTools } from './binaries.js'

/** A logger that records `info` calls. */
function recordingLogger(): Logger & { infos: Array<{ obj: object; msg: string | undefined }> } {
  const infos: Array<{ obj: object; msg: string | undefined }> = []
  const noop = () => {}
  return { infos, debug: noop, warn: noop, error: noop, info: (obj, msg) => infos.push({ obj, msg }) }
}

describe('resolveMediaTools', () => {
  it('prefers the system ffprobe on PATH and logs it once per process', async () => {
    const logger = recordingLogger()
    const options = { systemCommand: 'ffprobe', logger }
    const first = await resolveMediaTools(options)
    const second = await resolveMediaTools(options)
    expect(first).toEqual({ ffprobePath: 'ffprobe', source: 'system' })
    expect(second).toBe(first)
    expect(logger.infos).toHaveLength(1)
    expect(logger.infos[0]?.msg).toBe('using ffprobe')
    expect(logger.infos[0]?.obj).toMatchObject({ ffprobePath: 'ffprobe', source: 'system' })
    expect(logger.infos[0]?.obj).toMatchObject({ version: expect.stringMatching(/^ffprobe version /) })
  })

  it('falls back to the npm binary when the system one is missing', async () => {
    const tools = await resolveMediaTools({ systemCommand: 'birdhouse-no-such-ffprobe' })
    expect(tools.source).toBe('npm')
    expect(tools.ffprobePath).toMatch(/node_modules\/@ffprobe-installer\/[a-z0-9-]+\/ffprobe$/)
  })

  it('uses an explicit path first', async () => {
    expect(await resolveMediaTools({ ffprobePath: '/usr/bin/ffprobe' })).toEqual({
      ffprobePath: '/usr/bin/ffprobe',
      source: 'config',
    })
  })

  it('fails loudly when the explicit path does not run, rather than falling back', async () => {
    await expect(resolveMediaTools({ ffprobePath: '/nonexistent/ffprobe' })).rejects.toThrow(
      'ffprobe at BIRDHOUSE_FFPROBE_PATH does not run: /nonexistent/ffprobe',
    )
  })
})
