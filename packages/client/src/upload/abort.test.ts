/**
 * AbortSignal everywhere: before anything is sent, while APPENDs are in flight (held at the proxy
 * so the abort surely lands mid-request), and while polling STATUS, over both transports. The
 * checkpoint survives.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bearer } from '../bearer.js'
import { MemoryCheckpointStore } from '../checkpoints/memory.js'
import { createClient } from '../client.js'
import { type FaultProxy, startFaultProxy } from '../test-support/fault-proxy.js'
import { type MediaFixtures, mediaFixtures } from '../test-support/media-fixtures.js'
import { startTestServer, type TestServer } from '../test-support/test-server.js'
import { TRANSPORTS } from '../test-support/transports.js'

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

describe.each(TRANSPORTS)('abort over %s', (_transportName, makeTransport) => {
  const transport = makeTransport()
  const client = () => createClient({ apiBaseUrl: proxy.url, auth: bearer(server.token), transport })

  it('sends nothing when the signal is already aborted', async () => {
    const from = proxy.requests.length
    const reason = new Error('never mind')
    await expect(client().uploadMedia(media.png, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason)
    expect(proxy.requests.length).toBe(from)
  })

  it('aborts APPENDs in flight, sends no FINALIZE, and keeps the checkpoint', async () => {
    const controller = new AbortController()
    const held = new Promise(() => {})
    proxy.rule = (request) => {
      if (request.command !== 'APPEND') return undefined
      controller.abort(new DOMException('user cancelled', 'AbortError'))
      return { kind: 'hold', until: held }
    }
    const store = new MemoryCheckpointStore()
    const from = proxy.requests.length
    const failure = await client()
      .uploadMedia(media.mp4, { chunkBytes: 64 * 1024, signal: controller.signal, resume: { store, key: 'k' } })
      .catch((error: unknown) => error)
    proxy.rule = () => undefined
    expect(failure).toMatchObject({ name: 'AbortError', message: 'user cancelled' })
    expect(proxy.requests.slice(from).filter((r) => r.command === 'FINALIZE')).toHaveLength(0)
    expect(await store.load('k')).toMatchObject({ ackedSegments: [] })
  })

  it('stops polling STATUS when aborted during processing', async () => {
    const controller = new AbortController()
    const from = proxy.requests.length
    const failure = await client()
      .uploadMedia(media.mp4, {
        signal: controller.signal,
        onProgress: (progress) => progress.phase === 'processing' && controller.abort(new Error('enough')),
      })
      .catch((error: unknown) => error)
    expect(failure).toMatchObject({ message: 'enough' })
    // No worker runs: the media stays pending, and no STATUS went out after the abort.
    expect(proxy.requests.slice(from).filter((r) => r.command === 'STATUS')).toHaveLength(0)
  })
})
