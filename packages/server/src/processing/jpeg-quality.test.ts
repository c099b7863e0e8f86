import sharp from 'sharp'
import { beforeAll, describe, expect, it } from 'vitest'
import { estimateJpegQuality, ijgLumaTable } from './jpeg-quality.js'

let noise: Buffer

beforeAll(async () => {
  noise = await sharp({
    create: {
      width: 64,
      height: 48,
      channels: 3,
      background: '#000000',
      noise: { type: 'gaussian', mean: 128, sigma: 40 },
    },
  })
    .png()
    .toBuffer()
})

describe('estimateJpegQuality', () => {
  it.each([10, 50, 70, 85, 86, 95, 100])('reads quality %i back from a libjpeg-made JPEG', async (quality) => {
    expect(estimateJpegQuality(await sharp(noise).jpeg({ quality }).toBuffer())).toBe(quality)
  })

  it('reads a 4:4:4 progressive JPEG too', async () => {
    const jpeg = await sharp(noise).jpeg({ quality: 80, progressive: true, chromaSubsampling: '4:4:4' }).toBuffer()
    expect(estimateJpegQuality(jpeg)).toBe(80)
  })

  it('estimates a non-IJG table (mozjpeg’s) near its nominal quality', async () => {
    const estimate = estimateJpegQuality(await sharp(noise).jpeg({ quality: 90, mozjpeg: true }).toBuffer()) ?? 0
    expect(Math.abs(estimate - 90)).toBeLessThanOrEqual(10)
  })

  it('returns undefined for bytes without a quantisation table', async () => {
    expect(estimateJpegQuality(await sharp(noise).png().toBuffer())).toBeUndefined()
    expect(estimateJpegQuality(Buffer.from([0xff, 0xd8, 0xff, 0xda, 0, 2]))).toBeUndefined()
    expect(estimateJpegQuality(Buffer.alloc(0))).toBeUndefined()
  })
})

describe('ijgLumaTable', () => {
  it('is the Annex K table at quality 50 and all ones at 100', () => {
    expect(ijgLumaTable(50).slice(0, 8)).toEqual([16, 11, 12, 14, 12, 10, 16, 14])
    expect(ijgLumaTable(100)).toEqual(Array(64).fill(1))
  })
})
