import { describe, expect, it } from 'vitest'
import { loadConfig } from './config.js'

describe('loadConfig: media tools', () => {
  it('reads explicit ffprobe and ffmpeg binaries, and leaves both to discovery when unset or empty', () => {
    const config = loadConfig({ BIRDHOUSE_FFPROBE_PATH: '/opt/ff/ffprobe', BIRDHOUSE_FFMPEG_PATH: '/opt/ff/ffmpeg' })
    expect([config.ffprobePath, config.ffmpegPath]).toEqual(['/opt/ff/ffprobe', '/opt/ff/ffmpeg'])
    const unset = loadConfig({ BIRDHOUSE_FFMPEG_PATH: '' })
    expect([unset.ffprobePath, unset.ffmpegPath]).toEqual([undefined, undefined])
  })

  it('takes BIRDHOUSE_WORKERS=0 (processing left to `birdhouse worker`)', () => {
    expect(loadConfig({ BIRDHOUSE_WORKERS: '0' }).workers).toBe(0)
  })
})
