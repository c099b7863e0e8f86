/**
 * v2 dedicated APPEND (`POST /2/media/upload/{id}/append`) sent with Node's fetch (undici) and a
 * streamed multipart body: the body is a ReadableStream emitted in small pieces with chunked
 * transfer encoding, the way an SDK streams a file. A gated append stops after half of its media
 * bytes until its gate opens, which holds the request mid-body on the server for as long as a
 * test needs (e.g. to kill the server under it).
 */
import { randomBytes } from 'node:crypto'

const PIECE_BYTES = 16 * 1024

/** One APPEND. */
export interface AppendRequest {
  baseUrl: string
  token: string
  mediaId: string
  segmentIndex: number
  chunk: Uint8Array
  /** When set, the body pauses after half of `chunk` until this resolves. */
  gate?: Promise<void>
  signal?: AbortSignal
}

/** An APPEND in flight. */
export interface StreamedAppend {
  /** The response; rejects on network errors (a killed server). */
  response: Promise<Response>
  /** Resolves once the first half of the chunk has been pulled by the connection (gated appends). */
  halfSent: Promise<void>
}

function multipartParts(index: number, chunk: Uint8Array, boundary: string): Uint8Array[] {
  const head =
    `--${boundary}\r\nContent-Disposition: form-data; name="segment_index"\r\n\r\n${index}\r\n` +
    `--${boundary}\r\nContent-Disposition: form-data; name="media"; filename="chunk-${index}.bin"\r\n` +
    'Content-Type: application/octet-stream\r\n\r\n'
  const pieces: Uint8Array[] = [Buffer.from(head)]
  for (let offset = 0; offset < chunk.length; offset += PIECE_BYTES) {
    pieces.push(chunk.subarray(offset, offset + PIECE_BYTES))
  }
  pieces.push(Buffer.from(`\r\n--${boundary}--\r\n`))
  return pieces
}

/** Starts an APPEND whose multipart body streams in pieces. */
export function appendStreamed(request: AppendRequest): StreamedAppend {
  const boundary = `----birdhouse-e2e-${randomBytes(12).toString('hex')}`
  const pieces = multipartParts(request.segmentIndex, request.chunk, boundary)
  // Pieces before the pause: the head, then media pieces up to half of the chunk.
  const pauseAt = 1 + Math.ceil(request.chunk.length / PIECE_BYTES / 2)
  let markHalfSent: () => void = () => {}
  const halfSent = new Promise<void>((resolve) => {
    markHalfSent = resolve
  })
  let next = 0
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (next === pauseAt && request.gate !== undefined) {
        markHalfSent()
        await request.gate
      }
      const piece = pieces[next++]
      if (piece === undefined) controller.close()
      else controller.enqueue(piece)
    },
  })
  const init = {
    method: 'POST',
    headers: {
      authorization: `Bearer ${request.token}`,
      'content-type': `multipart/form-data; boundary=${boundary}`,
    },
    body,
    duplex: 'half',
    signal: request.signal ?? null,
  }
  const url = `${request.baseUrl}/2/media/upload/${request.mediaId}/append`
  return { response: fetch(url, init as RequestInit), halfSent }
}
