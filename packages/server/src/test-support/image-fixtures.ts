/**
 * Images for route tests that `route-harness.ts` does not make: noisy (high-colour) pictures, EXIF
 * with GPS, a decompression bomb and a BMP, all built on the spot.
 */
import { deflateSync } from 'node:zlib'
import sharp, { type Sharp } from 'sharp'

/** EXIF with a camera make and a GPS position (Paris). */
export const GPS_EXIF = {
  IFD0: { Make: 'Birdhouse' },
  IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 2400/100', GPSLongitudeRef: 'E', GPSLongitude: '2/1 17/1 0/1' },
}

/** Gaussian noise: thousands of colours, so PNGs of it are high-colour. */
export function noise(width: number, height: number): Sharp {
  return sharp({
    create: { width, height, channels: 3, background: '#000000', noise: { type: 'gaussian', mean: 128, sigma: 50 } },
  })
}

/** A 1-bit greyscale PNG of `size`² zeros: a few KB on disk, `size`² pixels once decoded (CRCs left zero). */
export function bombPng(size: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4)
    length.writeUInt32BE(data.length)
    return Buffer.concat([length, Buffer.from(type, 'latin1'), data, Buffer.alloc(4)])
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(size, 0)
  header.writeUInt32BE(size, 4)
  header.set([1, 0, 0, 0, 0], 8)
  const rows = deflateSync(Buffer.alloc((Math.ceil(size / 8) + 1) * size))
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', rows), chunk('IEND', Buffer.alloc(0))])
}

/** A grey 24-bit 2×2 BMP written by hand (sharp has no BMP encoder or loader). */
export function bmpBytes(): Buffer {
  const bytes = Buffer.alloc(54 + 16, 0x7f)
  bytes.write('BM', 0, 'latin1')
  bytes.writeUInt32LE(bytes.length, 2)
  bytes.writeUInt32LE(54, 10)
  bytes.writeUInt32LE(40, 14)
  bytes.writeInt32LE(2, 18)
  bytes.writeInt32LE(2, 22)
  bytes.writeUInt16LE(1, 26)
  bytes.writeUInt16LE(24, 28)
  bytes.fill(0, 30, 54)
  return bytes
}
