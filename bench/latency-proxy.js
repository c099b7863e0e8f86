/**
 * A TCP proxy that adds latency: every chunk is forwarded `delayMs` after it arrived, in both
 * directions, so a request/response exchange costs 2 × `delayMs` more round-trip time, as over a
 * long link. Order is kept (timers of equal delay fire in order). Each direction buffers at most
 * `windowBytes` before it pauses its source, which bounds memory the way a TCP window bounds
 * bytes in flight; 8 MiB per 25 ms allows ~335 MB/s per connection, more than the server takes.
 */
import net from 'node:net'

/**
 * Starts the proxy on 127.0.0.1 (a free port) forwarding to `127.0.0.1:targetPort`.
 * @param {{ targetPort: number, delayMs?: number, windowBytes?: number }} options
 * @returns {Promise<{ port: number, close(): Promise<void> }>}
 */
export async function openLatencyProxy({ targetPort, delayMs = 25, windowBytes = 8 * 1024 * 1024 }) {
  const sockets = new Set()
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1')
    for (const socket of [client, upstream]) {
      sockets.add(socket)
      socket.setNoDelay(true)
      socket.on('close', () => sockets.delete(socket))
      socket.on('error', () => {
        client.destroy()
        upstream.destroy()
      })
    }
    delayPipe(client, upstream, delayMs, windowBytes)
    delayPipe(upstream, client, delayMs, windowBytes)
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: server.address().port,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

/** Forwards `from` to `to`, each chunk and the end `delayMs` late, pausing `from` over `windowBytes`. */
function delayPipe(from, to, delayMs, windowBytes) {
  let queuedBytes = 0
  let awaitingDrain = false
  const maybeResume = () => {
    if (!awaitingDrain && queuedBytes <= windowBytes && from.isPaused()) from.resume()
  }
  from.on('data', (chunk) => {
    queuedBytes += chunk.length
    if (queuedBytes > windowBytes) from.pause()
    setTimeout(() => {
      queuedBytes -= chunk.length
      if (to.destroyed) return
      if (to.write(chunk) || awaitingDrain) return maybeResume()
      awaitingDrain = true
      from.pause()
      to.once('drain', () => {
        awaitingDrain = false
        maybeResume()
      })
    }, delayMs)
  })
  from.on('end', () => setTimeout(() => to.end(), delayMs))
}
