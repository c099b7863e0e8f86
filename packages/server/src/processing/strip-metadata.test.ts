import { crc32 } from 'node:zlib'
import sharp, { type Sharp } from 'sharp'
import { beforeAll, describe, expect, it } from 'vitest'
import { stripJpegMetadata, stripPngMetadata } from './strip-metadata.js'

const GPS_EXIF = {
  IFD0: { Make: 'Birdhouse', Model: 'Test' },
  IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 2400/100', GPSLongitudeRef: 'E', GPSLongitude: '2/1 17/1 0/1' },
}
const XMP =
  '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></x:xmpmeta>'

let picture: Sharp

beforeAll(() => {
  picture = sharp({
    create: {
      width: 48,
      height: 32,
      channels: 3,
      background: '#000000',
      noise: { type: 'gaussian', mean: 120, sigma: 50 },
    },
  })
})

async function pixels(bytes: Buffer): Promise<Buffer> {
  return sharp(bytes).raw().toBuffer()
}

/** JPEG marker bytes of each segment before the first scan. */
function jpegMarkers(bytes: Buffer): number[] {
  const markers: number[] = []
  for (let offset = 2; offset + 4 <= bytes.length; offset += 2 + bytes.readUInt16BE(offset + 2)) {
    markers.push(bytes[offset + 1] as number)
    if (bytes[offset + 1] === 0xda) break
  }
  return markers
}

/** A PNG chunk of `type` with `data`, CRC included. */
function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8)
  head.writeUInt32BE(data.length)
  head.write(type, 4, 'latin1')
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])))
  return Buffer.concat([head, data, crc])
}

describe('stripJpegMetadata', () => {
  it('drops EXIF with GPS, XMP and trailing bytes, keeping the scans and pixels', async () => {
    const source = await picture.clone().withExif(GPS_EXIF).withXmp(XMP).jpeg({ quality: 80 }).toBuffer()
    const withTrailer = Buffer.concat([source, Buffer.from('vendor trailer with a location')])
    const before = await sharp(source).metadata()
    expect(before.exif).toBeDefined()
    expect(before.xmp).toBeDefined()
    const stripped = stripJpegMetadata(withTrailer) as Buffer
    const after = await sharp(stripped).metadata()
    expect(after.exif).toBeUndefined()
    expect(after.xmp).toBeUndefined()
    expect(jpegMarkers(stripped)).not.toContain(0xe1)
    expect(stripped.subarray(-2)).toEqual(Buffer.from([0xff, 0xd9]))
    const scanStart = source.indexOf(Buffer.from([0xff, 0xda]))
    expect(stripped.subarray(stripped.indexOf(Buffer.from([0xff, 0xda])))).toEqual(source.subarray(scanStart))
    expect(await pixels(stripped)).toEqual(await pixels(source))
  })

  it('keeps an ICC profile and copies every scan of a progressive JPEG', async () => {
    const source = await picture.clone().withIccProfile('p3').jpeg({ quality: 80, progressive: true }).toBuffer()
    const stripped = stripJpegMetadata(source) as Buffer
    expect((await sharp(stripped).metadata()).icc).toEqual((await sharp(source).metadata()).icc)
    expect(await pixels(stripped)).toEqual(await pixels(source))
  })

  it('refuses bytes that are not a whole JPEG', async () => {
    const source = await picture.clone().jpeg().toBuffer()
    expect(stripJpegMetadata(Buffer.from('not a jpeg'))).toBeUndefined()
    expect(stripJpegMetadata(source.subarray(0, 200))).toBeUndefined()
    expect(stripJpegMetadata(source.subarray(0, source.length - 2))).toBeUndefined()
  })
})

describe('stripPngMetadata', () => {
  it('drops eXIf, text and time chunks, keeping IDAT and the palette as they are', async () => {
    const source = await picture.clone().withExif(GPS_EXIF).png({ palette: true, colours: 16 }).toBuffer()
    const afterIhdr = 8 + 25
    const text = pngChunk('tEXt', Buffer.from('Comment\0taken at home', 'latin1'))
    const time = pngChunk('tIME', Buffer.from([7, 233, 1, 2, 3, 4, 5]))
    const withText = Buffer.concat([source.subarray(0, afterIhdr), text, time, source.subarray(afterIhdr)])
    const before = await sharp(withText).metadata()
    expect(before.exif).toBeDefined()
    expect(before.comments).toEqual([{ keyword: 'Comment', text: 'taken at home' }])
    const stripped = stripPngMetadata(withText) as Buffer
    const after = await sharp(stripped).metadata()
    expect(after.exif).toBeUndefined()
    expect(after.comments).toBeUndefined()
    expect(after.isPalette).toBe(true)
    expect(stripped.toString('latin1')).not.toMatch(/eXIf|tEXt|tIME/)
    expect(await pixels(stripped)).toEqual(await pixels(source))
  })

  it('refuses bytes that are not a whole PNG', async () => {
    const source = await picture.clone().png().toBuffer()
    expect(stripPngMetadata(Buffer.from('not a png'))).toBeUndefined()
    expect(stripPngMetadata(source.subarray(0, source.length - 12))).toBeUndefined()
  })
})
