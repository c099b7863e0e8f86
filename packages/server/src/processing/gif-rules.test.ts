import { describe, expect, it } from 'vitest'
import { checkGif, GIF_LIMITS } from './gif-rules.js'

const OK = { width: 480, height: 270, pages: 60, sizeBytes: 2_000_000 }

describe('checkGif', () => {
  it('states X’s limits (spec §8.5)', () => {
    expect(GIF_LIMITS).toEqual({
      maxWidth: 1280,
      maxHeight: 1080,
      maxFrames: 350,
      maxTotalPixels: 300_000_000,
      maxBytes: 15 * 1024 * 1024,
    })
  })

  it('passes a typical GIF', () => {
    expect(checkGif(OK)).toBeUndefined()
  })

  it('passes 1280x1080 and fails one pixel wider or taller', () => {
    expect(checkGif({ ...OK, width: 1280, height: 1080, pages: 10 })).toBeUndefined()
    expect(checkGif({ ...OK, width: 1281, height: 1080, pages: 10 })).toEqual({
      code: 3,
      name: 'UnsupportedMedia',
      message: 'GIF dimensions 1281x1080 exceed max dimensions of 1280x1080',
    })
    expect(checkGif({ ...OK, width: 1280, height: 1081, pages: 10 })?.message).toBe(
      'GIF dimensions 1280x1081 exceed max dimensions of 1280x1080',
    )
  })

  it('passes 350 frames and fails 351', () => {
    expect(checkGif({ ...OK, width: 100, height: 100, pages: 350 })).toBeUndefined()
    expect(checkGif({ ...OK, width: 100, height: 100, pages: 351 })).toEqual({
      code: 3,
      name: 'UnsupportedMedia',
      message: 'GIF frame count 351 exceeds max frame count of 350',
    })
  })

  it('passes exactly 300,000,000 pixels over all frames and fails more', () => {
    expect(checkGif({ ...OK, width: 1000, height: 1000, pages: 300 })).toBeUndefined()
    expect(checkGif({ ...OK, width: 1000, height: 1000, pages: 301 })?.message).toBe(
      'GIF pixel count 1000x1000x301 = 301000000 exceeds max pixel count of 300000000',
    )
    expect(checkGif({ ...OK, width: 1280, height: 1080, pages: 217 })).toBeUndefined()
    expect(checkGif({ ...OK, width: 1280, height: 1080, pages: 218 })?.code).toBe(3)
  })

  it('passes 15 MiB and fails one byte more', () => {
    expect(checkGif({ ...OK, sizeBytes: 15_728_640 })).toBeUndefined()
    expect(checkGif({ ...OK, sizeBytes: 15_728_641 })).toEqual({
      code: 3,
      name: 'UnsupportedMedia',
      message: 'GIF size 15728641 bytes exceeds max size of 15728640 bytes',
    })
  })
})
