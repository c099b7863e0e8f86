/** `Coalesce`: the bytes come out unchanged, in blocks of at least the threshold (the last one shorter). */
import { randomBytes } from 'node:crypto'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { describe, expect, it } from 'vitest'
import { Coalesce } from './coalesce.js'

/** The blocks as pushed ('data' events: async iteration would join whatever is buffered). */
async function blocksOf(chunks: Buffer[], minBytes: number): Promise<Buffer[]> {
  const blocks: Buffer[] = []
  const coalesce = new Coalesce(minBytes)
  coalesce.on('data', (block: Buffer) => blocks.push(block))
  await pipeline(Readable.from(chunks), coalesce)
  return blocks
}

describe('Coalesce', () => {
  it('gathers small chunks into blocks of at least minBytes and keeps every byte in order', async () => {
    const chunks = Array.from({ length: 37 }, (_, i) => randomBytes(100 + i * 7))
    const blocks = await blocksOf(chunks, 1000)
    expect(Buffer.concat(blocks)).toEqual(Buffer.concat(chunks))
    for (const block of blocks.slice(0, -1)) expect(block.length).toBeGreaterThanOrEqual(1000)
    expect(blocks.length).toBeLessThanOrEqual(Math.floor(Buffer.concat(chunks).length / 1000) + 1)
  })

  it('passes a chunk as large as a block straight through, and flushes a short tail', async () => {
    const big = randomBytes(4096)
    const tail = randomBytes(10)
    const blocks = await blocksOf([big, tail], 1024)
    expect(blocks).toHaveLength(2)
    expect(blocks[0]).toBe(big)
    expect(blocks[1]).toEqual(tail)
  })

  it('emits nothing for an empty stream', async () => {
    expect(await blocksOf([], 1024)).toEqual([])
  })
})
