/**
 * The SDK's core entry in a real browser: `page-entry.ts` is bundled with esbuild for the browser
 * platform, served with a page from `same-origin-server.ts` (which forwards the API paths to
 * birdhouse through `FinalizeTap`, so the SDK's requests are same-origin), and driven in Debian's
 * headless Chromium through playwright-core. The page builds `File`s (a canvas PNG; an MP4 fetched
 * into a Blob) and uploads them with `createClient(…).uploadMedia` and `createPost`; the test
 * checks the bytes the server stored at FINALIZE against the page's own SHA-256 of the File.
 *
 * Without /usr/bin/chromium the suite is skipped with the reason printed; in CI (`CI` set) that is
 * a failure, since .ci/run installs the package.
 */
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { type Browser, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useBirdhouse } from '../harness.js'
import { generateMedia, type MediaFiles, sha256File } from '../media.js'
import { type FinalizeTap, openFinalizeTap } from '../real-clients/finalize-tap.js'
import { portOf } from '../real-clients/loopback-agent.js'
import type { BirdhouseTestApi } from './page-entry.js'
import { openSameOriginServer, type SameOriginServer, type StaticAsset } from './same-origin-server.js'

const CHROMIUM = '/usr/bin/chromium'
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]
const PAGE_ENTRY = fileURLToPath(new URL('./page-entry.ts', import.meta.url))
const PAGE_HTML =
  '<!doctype html><meta charset="utf-8"><title>birdhouse SDK</title><link rel="icon" href="data:,"><script type="module" src="/page.js"></script>'
const MiB = 1024 * 1024

/** Bundles the page's code for browsers; fails if anything reaches for a Node built-in. */
async function bundlePage(): Promise<string> {
  const result = await build({
    entryPoints: [PAGE_ENTRY],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    write: false,
    logLevel: 'silent',
  })
  const output = result.outputFiles[0]
  if (output === undefined) throw new Error('esbuild wrote no bundle')
  return output.text
}

const unavailable = existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is missing (apt-get install -y chromium)`

describe("the SDK's core entry in headless Chromium", () => {
  if (unavailable !== undefined) {
    if (process.env.CI) {
      it('needs chromium, which .ci/run installs', () => {
        throw new Error(unavailable)
      })
    } else {
      console.warn(`[e2e] skipping the browser suite: ${unavailable}`)
      it.skip(`every test (skipped: ${unavailable})`, () => {})
    }
    return
  }

  const server = useBirdhouse()
  let workDir = ''
  let media: MediaFiles
  let tap: FinalizeTap
  let origin: SameOriginServer
  let browser: Browser
  let page: Page
  const pageErrors: string[] = []

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'birdhouse-browser-'))
    media = await generateMedia(workDir)
    const assets = new Map<string, StaticAsset>([
      ['/', { contentType: 'text/html; charset=utf-8', body: PAGE_HTML }],
      ['/page.js', { contentType: 'text/javascript; charset=utf-8', body: await bundlePage() }],
      ['/clip.mp4', { contentType: 'video/mp4', body: await readFile(media.mp4) }],
    ])
    tap = await openFinalizeTap(portOf(server().url), server().dataDir)
    origin = await openSameOriginServer(assets, tap.port)
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
    page = await browser.newPage()
    page.on('pageerror', (error) => pageErrors.push(error.message))
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text())
    })
    await page.goto(`${origin.url}/`)
    await page.waitForFunction(() => 'birdhouseTest' in window)
  })
  afterAll(async () => {
    await browser?.close()
    await origin?.close()
    await tap?.close()
    if (workDir !== '') await rm(workDir, { recursive: true, force: true })
  })

  it('uploads a canvas PNG File, and the server stores its exact bytes', async () => {
    const result = await page.evaluate(
      ([t]) => (window as unknown as { birdhouseTest: BirdhouseTestApi }).birdhouseTest.uploadCanvasPng(t),
      [server().token] as const,
    )
    expect(result.mediaType).toBe('image/png')
    expect(result.lastBytesSent).toBe(result.sizeBytes)
    const stored = tap.storedAtFinalize.get(result.mediaId)
    expect(stored?.sizeBytes).toBe(result.sizeBytes)
    expect(stored?.sha256).toBe(result.sha256)
    expect(pageErrors).toEqual([])
  })

  it('uploads an MP4 File in 1 MiB segments, 4 in flight, and waits for processing', async () => {
    const result = await page.evaluate(
      ([t, chunkBytes]) =>
        (window as unknown as { birdhouseTest: BirdhouseTestApi }).birdhouseTest.uploadFetchedFile(
          t,
          '/clip.mp4',
          chunkBytes,
        ),
      [server().token, MiB] as const,
    )
    expect(result.mediaType).toBe('video/mp4')
    expect(result.processingState).toBe('succeeded')
    expect(result.sha256).toBe(await sha256File(media.mp4))
    const segments = Math.ceil(result.sizeBytes / MiB)
    expect(result.segmentsTotal).toBe(segments)
    expect(tap.appendCounts.get(result.mediaId)).toBe(segments)
    const stored = tap.storedAtFinalize.get(result.mediaId)
    expect(stored?.indexes).toEqual(Array.from({ length: segments }, (_, index) => index))
    expect(stored?.sha256).toBe(result.sha256)
    expect(pageErrors).toEqual([])
  })

  it('posts a canvas PNG with alt text through createPost', async () => {
    const post = await page.evaluate(
      ([t]) =>
        (window as unknown as { birdhouseTest: BirdhouseTestApi }).birdhouseTest.postCanvasPng(
          t,
          'Posted from Chromium',
          'A gradient with a caption',
        ),
      [server().token] as const,
    )
    expect(post.mediaIds).toHaveLength(1)
    const response = await fetch(
      `${server().url}/2/tweets/${post.id}?expansions=attachments.media_keys&media.fields=alt_text,url,type`,
      { headers: { authorization: `Bearer ${server().token}` } },
    )
    const body = (await response.json()) as {
      data: { text: string; attachments?: { media_keys: string[] } }
      includes?: { media: { media_key: string; type: string; alt_text?: string; url?: string }[] }
    }
    expect(body.data.text).toMatch(/^Posted from Chromium https:\/\/t\.co\/\w{10}$/)
    expect(body.data.attachments?.media_keys).toEqual([`3_${post.mediaIds[0]}`])
    expect(body.includes?.media).toMatchObject([{ type: 'photo', alt_text: 'A gradient with a caption' }])
    expect(tap.storedAtFinalize.get(post.mediaIds[0] ?? '')?.sha256).toBe(post.sha256)
    expect(pageErrors).toEqual([])
  })
})
