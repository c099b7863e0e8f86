/**
 * The code of the browser test's page, bundled by esbuild for the browser platform (so the bundle
 * fails to build if the SDK's core entry reaches for a Node module). It exposes `birdhouseTest`
 * on `window`; the test calls it with `page.evaluate`. Every upload goes through the SDK's core
 * entry (`@birdhouse/client`) to the page's own origin, which forwards API paths to birdhouse.
 */
import { bearer, createClient, type UploadProgress } from '@birdhouse/client'

/** What the page reports about one upload. */
export interface PageUpload {
  mediaId: string
  mediaType: string
  /** SHA-256 (hex) and size of the File the page uploaded. */
  sha256: string
  sizeBytes: number
  segmentsTotal: number
  processingState: string | undefined
  /** Progress events seen: the last `bytesSent` and how many events there were. */
  lastBytesSent: number
  progressEvents: number
}

/** What the page reports about a post made with `createPost`. */
export interface PagePost {
  id: string
  text: string
  mediaIds: string[]
  sha256: string
}

/** The page's API. */
export interface BirdhouseTestApi {
  /** Draws a PNG on a canvas and uploads it as a `File`. */
  uploadCanvasPng(token: string): Promise<PageUpload>
  /** Fetches `path` from the page's origin into a `File` and uploads it in `chunkBytes` segments, 4 in flight. */
  uploadFetchedFile(token: string, path: string, chunkBytes: number): Promise<PageUpload>
  /** Posts `text` with a canvas PNG and its alt text through `createPost`. */
  postCanvasPng(token: string, text: string, altText: string): Promise<PagePost>
}

async function sha256Hex(blob: Blob): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer())
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('')
}

/** A 320×200 PNG of gradients and text, as a File. */
async function canvasPng(label: string): Promise<File> {
  const canvas = document.createElement('canvas')
  canvas.width = 320
  canvas.height = 200
  const context = canvas.getContext('2d')
  if (context === null) throw new Error('no 2d context')
  const gradient = context.createLinearGradient(0, 0, 320, 200)
  gradient.addColorStop(0, '#1d9bf0')
  gradient.addColorStop(1, '#f4b400')
  context.fillStyle = gradient
  context.fillRect(0, 0, 320, 200)
  context.fillStyle = '#000'
  context.font = '24px sans-serif'
  context.fillText(label, 20, 100)
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'))
  if (blob === null) throw new Error('canvas.toBlob gave nothing')
  return new File([blob], 'canvas.png', { type: 'image/png', lastModified: Date.now() })
}

async function upload(token: string, file: File, chunkBytes?: number): Promise<PageUpload> {
  const client = createClient({ apiBaseUrl: location.origin, auth: bearer(token) })
  let lastBytesSent = 0
  let progressEvents = 0
  const onProgress = (progress: UploadProgress) => {
    progressEvents++
    lastBytesSent = progress.bytesSent
  }
  const result = await client.uploadMedia(file, {
    onProgress,
    parallel: 4,
    ...(chunkBytes === undefined ? {} : { chunkBytes }),
  })
  return {
    mediaId: result.mediaId,
    mediaType: result.mediaType,
    sha256: await sha256Hex(file),
    sizeBytes: file.size,
    segmentsTotal: result.segmentsTotal,
    processingState: result.processing?.state,
    lastBytesSent,
    progressEvents,
  }
}

const api: BirdhouseTestApi = {
  async uploadCanvasPng(token) {
    return await upload(token, await canvasPng('uploaded from Chromium'))
  },
  async uploadFetchedFile(token, path, chunkBytes) {
    const response = await fetch(path)
    if (!response.ok) throw new Error(`GET ${path}: ${response.status}`)
    const blob = await response.blob()
    const name = path.split('/').at(-1) ?? 'file'
    return await upload(token, new File([blob], name, { type: blob.type }), chunkBytes)
  },
  async postCanvasPng(token, text, altText) {
    const client = createClient({ apiBaseUrl: location.origin, auth: bearer(token) })
    const file = await canvasPng('posted from Chromium')
    const post = await client.createPost({ text, media: [{ source: file, altText }] })
    return { ...post, sha256: await sha256Hex(file) }
  },
}

;(window as unknown as { birdhouseTest: BirdhouseTestApi }).birdhouseTest = api
