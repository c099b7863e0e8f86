/** `createPost` against a real app: media uploaded at once, alt text set, the post created, and partial failures reported. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bearer } from './bearer.js'
import { createClient } from './client.js'
import { isCreatePostError } from './create-post.js'
import { isPreflightError, isXApiError } from './errors.js'
import { type FaultProxy, startFaultProxy } from './test-support/fault-proxy.js'
import { type MediaFixtures, mediaFixtures } from './test-support/media-fixtures.js'
import { startTestServer, type TestServer } from './test-support/test-server.js'

let server: TestServer
let proxy: FaultProxy
let media: MediaFixtures

beforeAll(async () => {
  ;[server, media] = await Promise.all([startTestServer(), mediaFixtures()])
  proxy = await startFaultProxy(server.url)
})
afterAll(async () => {
  await Promise.all([server.close(), proxy.close()])
})

const client = () => createClient({ apiBaseUrl: proxy.url, auth: bearer(server.token), retry: { baseDelayMs: 1 } })

describe('createPost', () => {
  it('uploads the media concurrently, sets alt text and posts them', async () => {
    const from = proxy.requests.length
    // The first INIT is held until the second arrives: only concurrent uploads get past it in time.
    let bothInitsArrived = false
    let timedOut = false
    let release: (value?: unknown) => void = () => {}
    const barrier = new Promise((resolve) => {
      release = resolve
      setTimeout(() => {
        timedOut = true
        resolve(undefined)
      }, 10_000).unref()
    })
    let inits = 0
    proxy.rule = (request) => {
      if (request.command !== 'INIT') return undefined
      inits += 1
      if (inits === 1) return { kind: 'hold', until: barrier }
      bothInitsArrived = !timedOut
      release()
      return undefined
    }
    const post = await client().createPost({
      text: 'two photos',
      media: [
        { source: media.png, altText: 'a test card' },
        { source: new Blob([media.png]), chunkBytes: 1024 },
      ],
    })
    proxy.rule = () => undefined
    expect(post.mediaIds).toHaveLength(2)
    expect(post.text).toMatch(/^two photos https:\/\/t\.co\//)
    expect(bothInitsArrived).toBe(true)
    expect(proxy.requests.slice(from).filter((r) => r.path === '/2/media/metadata')).toHaveLength(1)
    const [first, second] = post.mediaIds
    expect((await server.stores.metadata.getMedia(first ?? ''))?.altText).toBe('a test card')
    expect((await server.stores.metadata.getMedia(second ?? ''))?.altText).toBeNull()
    const read = await fetch(`${server.url}/2/tweets/${post.id}?expansions=attachments.media_keys`, {
      headers: { authorization: `Bearer ${server.token}` },
    })
    const body = (await read.json()) as { data: { attachments: { media_keys: string[] } } }
    expect(body.data.attachments.media_keys).toHaveLength(2)
  })

  it('reports which media failed and which ids are ready, and posts nothing', async () => {
    const from = proxy.requests.length
    const failure = await client()
      .createPost({
        text: 'one good, one not',
        media: [{ source: media.png }, { source: new TextEncoder().encode('not media at all') }],
      })
      .catch((error: unknown) => error)
    expect(isCreatePostError(failure)).toBe(true)
    if (!isCreatePostError(failure)) return
    expect(failure.code).toBe('POST_MEDIA_FAILED')
    expect(failure.failed.map((item) => item.index)).toEqual([1])
    expect(isPreflightError(failure.failed[0]?.error, 'MEDIA_TYPE_UNRECOGNIZED')).toBe(true)
    expect(failure.mediaIds).toHaveLength(1)
    expect(proxy.requests.slice(from).filter((r) => r.path === '/2/tweets')).toHaveLength(0)
  })

  it('reports a refused post with the media ids it uploaded', async () => {
    const failure = await client()
      .createPost({ text: 'x'.repeat(300), media: [{ source: media.png }] })
      .catch((error: unknown) => error)
    expect(isCreatePostError(failure) && failure.code).toBe('POST_FAILED')
    if (!isCreatePostError(failure)) return
    expect(isXApiError(failure.cause, 'POST_TEXT_TOO_LONG')).toBe(true)
    expect(failure.mediaIds).toHaveLength(1)
  })

  it('retries a post refused with 503 but not one whose answer was lost', async () => {
    let refused = false
    proxy.rule = (request) => {
      if (request.path !== '/2/tweets' || refused) return undefined
      refused = true
      return { kind: 'status', status: 503 }
    }
    const from = proxy.requests.length
    const post = await client().createPost({ text: 'after a 503' })
    expect(post.id).toMatch(/^\d+$/)
    expect(proxy.requests.slice(from).filter((r) => r.path === '/2/tweets')).toHaveLength(2)

    proxy.rule = (request) => (request.path === '/2/tweets' ? { kind: 'reset-after' } : undefined)
    const lost = await client()
      .createPost({ text: 'answer lost' })
      .catch((error: unknown) => error)
    proxy.rule = () => undefined
    expect(isCreatePostError(lost) && lost.code).toBe('POST_FAILED')
    expect(proxy.requests.filter((r) => r.path === '/2/tweets' && r.fault === 'reset-after')).toHaveLength(1)
  })

  it('refuses more than four media before uploading any', async () => {
    const from = proxy.requests.length
    const five = Array.from({ length: 5 }, () => ({ source: media.png }))
    await expect(client().createPost({ text: 'too many', media: five })).rejects.toMatchObject({
      code: 'POST_MEDIA_TOO_MANY',
    })
    expect(proxy.requests.length).toBe(from)
  })
})
