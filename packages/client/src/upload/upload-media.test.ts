/**
 * Uploads of every kind through every wire style and both transports against a real birdhouse
 * app, each checked by hashing what the server stored. No worker runs, so GIFs and videos stay as
 * uploaded (their processing is `processing-wait.test.ts`'s business).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bearer } from '../bearer.js'
import { createClient } from '../client.js'
import { type MediaFixtures, mediaFixtures } from '../test-support/media-fixtures.js'
import { sha256, startTestServer, type TestServer } from '../test-support/test-server.js'
import { TRANSPORTS } from '../test-support/transports.js'
import { WIRE_STYLES } from '../wire/upload-wire.js'
import type { UploadProgress } from './upload-options.js'

let server: TestServer
let media: MediaFixtures

beforeAll(async () => {
  ;[server, media] = await Promise.all([startTestServer(), mediaFixtures()])
})
afterAll(() => server.close())

const CHUNK_BYTES = 64 * 1024

/** Small segments, so that every kind spans several. */
const KINDS = [
  { kind: 'png', type: 'image/png', category: 'tweet_image', keyPrefix: '3_', chunkBytes: 1024 },
  { kind: 'gif', type: 'image/gif', category: 'tweet_gif', keyPrefix: '16_', chunkBytes: 1024 },
  { kind: 'mp4', type: 'video/mp4', category: 'tweet_video', keyPrefix: '7_', chunkBytes: CHUNK_BYTES },
] as const

/** Every wire style over every transport: the `node` one writes segments from the caller's buffers. */
const WIRE_CASES = TRANSPORTS.flatMap(([transportName, makeTransport]) =>
  WIRE_STYLES.map((wireStyle) => [wireStyle, transportName, makeTransport] as const),
)

describe.each(WIRE_CASES)('uploadMedia on the %s wire over %s', (wireStyle, _transportName, makeTransport) => {
  const transport = makeTransport()

  it.each(KINDS)(
    'uploads a $kind whose stored bytes equal the source',
    async ({ kind, type, category, keyPrefix, chunkBytes }) => {
      const client = createClient({ apiBaseUrl: server.url, auth: bearer(server.token), transport })
      const bytes = media[kind]
      const events: UploadProgress[] = []
      const result = await client.uploadMedia(bytes, {
        wireStyle,
        chunkBytes,
        waitForProcessing: false,
        onProgress: (event) => events.push(event),
      })
      const segmentsTotal = Math.ceil(bytes.length / chunkBytes)
      expect(segmentsTotal).toBeGreaterThan(2)
      expect(result).toMatchObject({
        mediaType: type,
        mediaCategory: category,
        sizeBytes: bytes.length,
        resumed: false,
        segmentsSent: segmentsTotal,
        segmentsTotal,
      })
      expect(result.mediaKey).toBe(`${keyPrefix}${result.mediaId}`)
      const stored = await server.storedUpload(result.mediaId)
      expect(stored).toEqual({ sha256: sha256(bytes), sizeBytes: bytes.length, segments: segmentsTotal })
      const last = events.filter((event) => event.phase === 'upload').at(-1)
      expect(last).toEqual({
        phase: 'upload',
        mediaId: result.mediaId,
        bytesSent: bytes.length,
        totalBytes: bytes.length,
        segmentsAcked: segmentsTotal,
        segmentsTotal,
      })
    },
  )
})

describe('uploadMedia results', () => {
  it('reports image facts of a synchronously finalized PNG and no processing', async () => {
    const client = createClient({ apiBaseUrl: server.url, auth: bearer(server.token) })
    const result = await client.uploadMedia(media.png)
    expect(result.image).toEqual({ imageType: 'image/png', width: 320, height: 240 })
    expect(result.processing).toBeUndefined()
  })

  it('reports the pending processing of a video when told not to wait', async () => {
    const client = createClient({ apiBaseUrl: server.url, auth: bearer(server.token) })
    const result = await client.uploadMedia(media.mp4, { waitForProcessing: false })
    expect(result.processing?.state).toBe('pending')
    expect(result.processing?.checkAfterSecs).toBeGreaterThan(0)
  })

  it('uploads as DM media when told', async () => {
    const client = createClient({ apiBaseUrl: server.url, auth: bearer(server.token) })
    const result = await client.uploadMedia(media.png, { dm: true })
    expect(result.mediaCategory).toBe('dm_image')
    expect((await server.stores.metadata.getMedia(result.mediaId))?.category).toBe('dm_image')
  })
})

describe('upload sources', () => {
  const upload = (source: Parameters<ReturnType<typeof createClient>['uploadMedia']>[0]) =>
    createClient({ apiBaseUrl: server.url, auth: bearer(server.token) }).uploadMedia(source, {
      chunkBytes: CHUNK_BYTES,
      waitForProcessing: false,
    })

  it('reads a Blob a slice at a time', async () => {
    const result = await upload(new Blob([media.mp4]))
    expect((await server.storedUpload(result.mediaId)).sha256).toBe(sha256(media.mp4))
  })

  it('reads a File', async () => {
    const result = await upload(new File([media.gif], 'anim.gif', { lastModified: 1 }))
    expect((await server.storedUpload(result.mediaId)).sha256).toBe(sha256(media.gif))
  })

  it('reads a ReadableStream of odd-sized chunks', async () => {
    const bytes = media.mp4
    const stream = () =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (let at = 0; at < bytes.length; at += 10_007) controller.enqueue(bytes.subarray(at, at + 10_007))
          controller.close()
        },
      })
    const result = await upload({ stream, size: bytes.length })
    expect((await server.storedUpload(result.mediaId)).sha256).toBe(sha256(bytes))
  })

  it('reads an async iterable', async () => {
    const bytes = media.png
    async function* chunks() {
      for (let at = 0; at < bytes.length; at += 777) yield bytes.subarray(at, at + 777)
    }
    const result = await upload({ stream: chunks, size: bytes.length })
    expect((await server.storedUpload(result.mediaId)).sha256).toBe(sha256(bytes))
  })
})
