/**
 * An HTTP pass-through between a real client and the server that reads what the server stored
 * for an upload at the moment its FINALIZE arrives, before forwarding it. A video's segments are
 * deleted once processing succeeds, and the clients only return after processing, so this is the
 * one point where a test can hash the stored bytes of an unchanged client's upload.
 *
 * Every request is buffered (test files are a few MB), inspected and forwarded unchanged, Host
 * header included (OAuth 1.0a signatures cover it). FINALIZE is recognised in all the shapes the
 * clients send: v1.1 `command=FINALIZE` in a multipart or urlencoded body or the query, v2
 * `/2/media/upload/{id}/finalize`, and the v2 command style. APPENDs are counted per media id.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { readStoredUpload, type StoredUpload } from '../stored-bytes.js'

/** A running tap. */
export interface FinalizeTap {
  /** Port on 127.0.0.1 to point the client at. */
  readonly port: number
  /** Stored segments of each media id, read when its first FINALIZE arrived. */
  readonly storedAtFinalize: Map<string, StoredUpload>
  /** APPEND requests seen per media id. */
  readonly appendCounts: Map<string, number>
  close(): Promise<void>
}

/** Upload parameters of a request, from its path, query and body. */
interface UploadCommand {
  command: string
  mediaId: string
}

const UPLOAD_PATHS = ['/1.1/media/upload.json', '/2/media/upload']

function multipartField(body: string, name: string): string | undefined {
  const match = new RegExp(`name="${name}"\\r\\n(?:[^\\r\\n]+\\r\\n)*\\r\\n([^\\r\\n]*)\\r\\n`).exec(body)
  return match?.[1]
}

/** The command and media id a request carries, if it is an upload command. */
function uploadCommandOf(method: string, rawUrl: string, contentType: string, body: Buffer): UploadCommand | undefined {
  const url = new URL(rawUrl, 'http://tap')
  const step = /^\/2\/media\/upload\/(\d+)\/(append|finalize)$/.exec(url.pathname)
  if (method === 'POST' && step !== null)
    return { command: (step[2] as string).toUpperCase(), mediaId: step[1] as string }
  if (method !== 'POST' || !UPLOAD_PATHS.includes(url.pathname)) return undefined
  const text = body.toString('latin1')
  const form = contentType.startsWith('application/x-www-form-urlencoded') ? new URLSearchParams(text) : undefined
  const field = (name: string) =>
    url.searchParams.get(name) ?? form?.get(name) ?? (form === undefined ? multipartField(text, name) : undefined)
  const command = field('command')
  const mediaId = field('media_id')
  return command === undefined || command === null || mediaId === undefined || mediaId === null
    ? undefined
    : { command: command.toUpperCase(), mediaId }
}

/** Starts a tap forwarding to `127.0.0.1:targetPort`, reading stored segments under `dataDir`. */
export async function openFinalizeTap(targetPort: number, dataDir: string): Promise<FinalizeTap> {
  const storedAtFinalize = new Map<string, StoredUpload>()
  const appendCounts = new Map<string, number>()
  const observe = async (upload: UploadCommand | undefined) => {
    if (upload?.command === 'APPEND') appendCounts.set(upload.mediaId, (appendCounts.get(upload.mediaId) ?? 0) + 1)
    if (upload?.command === 'FINALIZE' && !storedAtFinalize.has(upload.mediaId)) {
      storedAtFinalize.set(upload.mediaId, await readStoredUpload(dataDir, upload.mediaId))
    }
  }
  const server = http.createServer(async (request, response) => {
    const chunks: Buffer[] = []
    for await (const chunk of request) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks)
    const method = request.method ?? 'GET'
    await observe(uploadCommandOf(method, request.url ?? '/', request.headers['content-type'] ?? '', body)).catch(
      () => {},
    )
    const upstream = http.request(
      { host: '127.0.0.1', port: targetPort, method, path: request.url, headers: request.headers },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.rawHeaders)
        answer.pipe(response)
      },
    )
    upstream.on('error', () => response.destroy())
    upstream.end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    port,
    storedAtFinalize,
    appendCounts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
