/**
 * An HTTP pass-through in front of the server that times each upload's transfer phase, from the
 * arrival of its INIT to the end of its FINALIZE answer, whatever the client: v1.1 commands in a
 * multipart or urlencoded body or the query, v2 `initialize` / `{id}/finalize`, v2 `command=`.
 * Small bodies (≤ 64 KiB: INIT, FINALIZE, STATUS) are read before forwarding, to find the command;
 * larger ones (APPENDs) are streamed through untouched. The INIT answer is read for the media id.
 */
import http from 'node:http'

const SMALL_BODY_BYTES = 64 * 1024
const UPLOAD_PATHS = ['/1.1/media/upload.json', '/2/media/upload']

function multipartField(body, name) {
  return new RegExp(`name="${name}"\\r\\n(?:[^\\r\\n]+\\r\\n)*\\r\\n([^\\r\\n]*)\\r\\n`).exec(body)?.[1]
}

/** `{ command, mediaId }` of an upload request (mediaId undefined for INIT), or undefined. */
function commandOf(method, rawUrl, contentType, body) {
  if (method !== 'POST') return undefined
  const url = new URL(rawUrl, 'http://timer')
  if (url.pathname === '/2/media/upload/initialize') return { command: 'INIT' }
  const step = /^\/2\/media\/upload\/(\d+)\/finalize$/.exec(url.pathname)
  if (step !== null) return { command: 'FINALIZE', mediaId: step[1] }
  if (!UPLOAD_PATHS.includes(url.pathname) || body === undefined) return undefined
  const text = body.toString('latin1')
  const form = contentType?.startsWith('application/x-www-form-urlencoded') ? new URLSearchParams(text) : undefined
  const field = (name) => url.searchParams.get(name) ?? (form ? form.get(name) : multipartField(text, name))
  const command = field('command')?.toUpperCase()
  return command === 'INIT' || command === 'FINALIZE' ? { command, mediaId: field('media_id') ?? undefined } : undefined
}

async function readAll(stream) {
  const chunks = []
  for await (const chunk of stream) chunks.push(chunk)
  return Buffer.concat(chunks)
}

/**
 * Starts the timer on 127.0.0.1 forwarding to `127.0.0.1:targetPort`.
 * @returns {Promise<{ port: number, uploadSecs(mediaId: string): number | undefined, close(): Promise<void> }>}
 */
export async function openUploadTimer(targetPort) {
  const initAt = new Map()
  const finalizedAt = new Map()
  const server = http.createServer(async (request, response) => {
    const arrived = performance.now()
    const length = Number(request.headers['content-length'] ?? Number.NaN)
    const small = request.method === 'POST' && length <= SMALL_BODY_BYTES
    const body = small ? await readAll(request) : undefined
    const upload = commandOf(request.method, request.url, request.headers['content-type'], body)
    const upstream = http.request(
      { host: '127.0.0.1', port: targetPort, method: request.method, path: request.url, headers: request.headers },
      async (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.rawHeaders)
        if (upload?.command !== 'INIT') {
          answer.pipe(response)
          if (upload?.command === 'FINALIZE') answer.on('end', () => finalizedAt.set(upload.mediaId, performance.now()))
          return
        }
        const text = (await readAll(answer)).toString('utf8')
        response.end(text)
        try {
          const json = JSON.parse(text)
          const id = json.data?.id ?? json.media_id_string
          if (id !== undefined) initAt.set(String(id), arrived)
        } catch {}
      },
    )
    upstream.on('error', () => response.destroy())
    if (body === undefined) request.pipe(upstream)
    else upstream.end(body)
  })
  server.keepAliveTimeout = 60_000
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: server.address().port,
    uploadSecs(mediaId) {
      const start = initAt.get(mediaId)
      const end = finalizedAt.get(mediaId)
      return start === undefined || end === undefined ? undefined : (end - start) / 1000
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
