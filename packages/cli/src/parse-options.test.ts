import { describe, expect, it } from 'vitest'
import { parseBytes, parseChoice, parseInteger } from './parse-options.js'

describe('flag parsers', () => {
  it.each([
    ['1048576', 1_048_576],
    ['512K', 524_288],
    ['4M', 4_194_304],
    ['4MiB', 4_194_304],
    ['2mb', 2_097_152],
  ])('reads the size %s as %i bytes', (raw, bytes) => {
    expect(parseBytes('--chunk-size', raw, 1, 5 * 1024 * 1024)).toBe(bytes)
  })

  it.each(['', 'four', '6M', '0', '1.5M'])('refuses the size %j as a usage error', (raw) => {
    expect(() => parseBytes('--chunk-size', raw, 1, 5 * 1024 * 1024)).toThrow(
      expect.objectContaining({ kind: 'usage' }),
    )
  })

  it('reads integers in range and choices, refusing anything else', () => {
    expect(parseInteger('--parallel', '8', 1, 32)).toBe(8)
    expect(() => parseInteger('--parallel', '33', 1, 32)).toThrow('--parallel "33": expected an integer from 1 to 32')
    expect(parseChoice('--wire', 'v1.1', ['v2', 'v1.1'])).toBe('v1.1')
    expect(() => parseChoice('--wire', 'v3', ['v2', 'v1.1'])).toThrow('expected one of v2, v1.1')
  })
})
