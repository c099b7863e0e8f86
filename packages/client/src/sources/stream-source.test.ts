import { describe, expect, it } from 'vitest'
import { isSourceError } from '../errors.js'
import { streamSource } from './stream-source.js'

const bytes = Uint8Array.from({ length: 100 }, (_, i) => i)

function chunked(data: Uint8Array, size: number) {
  return async function* () {
    for (let at = 0; at < data.length; at += size) yield data.subarray(at, at + size)
  }
}

describe('streamSource', () => {
  it('serves the head without consuming it, then ascending segments across chunk edges', async () => {
    const source = streamSource({ stream: chunked(bytes, 7), size: 100 })
    expect([...(await source.head(10))]).toEqual([...bytes.subarray(0, 10)])
    expect([...(await source.read(0, 30))]).toEqual([...bytes.subarray(0, 30)])
    expect([...(await source.read(30, 60))]).toEqual([...bytes.subarray(30, 60)])
    expect([...(await source.read(90, 100))]).toEqual([...bytes.subarray(90, 100)])
    await expect(source.read(0, 10)).rejects.toThrow(RangeError)
  })

  it('rejects a stream shorter or longer than its declared size', async () => {
    const short = streamSource({ stream: chunked(bytes, 30), size: 120 })
    expect(isSourceError(await short.read(0, 120).catch((e: unknown) => e))).toBe(true)
    const long = streamSource({ stream: chunked(bytes, 30), size: 80 })
    expect(isSourceError(await long.read(0, 80).catch((e: unknown) => e))).toBe(true)
  })

  it('starts over from byte 0 after restart, opening the stream again', async () => {
    let opened = 0
    const source = streamSource({
      stream: () => {
        opened += 1
        return chunked(bytes, 25)()
      },
      size: 100,
    })
    await source.read(0, 50)
    await source.restart()
    expect([...(await source.read(0, 10))]).toEqual([...bytes.subarray(0, 10)])
    expect(opened).toBe(2)
  })

  it('reads a WHATWG ReadableStream and has only the caller fingerprint', async () => {
    const stream = () =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(bytes.subarray(0, 60))
          controller.enqueue(bytes.subarray(60))
          controller.close()
        },
      })
    expect(await streamSource({ stream, size: 100 }).fingerprint()).toBeUndefined()
    const source = streamSource({ stream, size: 100, fingerprint: 'mine' })
    expect(await source.fingerprint()).toBe('mine')
    expect([...(await source.read(50, 100))]).toEqual([...bytes.subarray(50)])
  })
})
