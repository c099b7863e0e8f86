/**
 * https in front of a plain-http test server: a private CA and a server certificate for
 * 127.0.0.1 made on the spot with the `openssl` CLI, and a TLS listener that pipes each decrypted
 * connection to the upstream port. The CA is not in Node's roots, so only a client told to trust
 * `caPath` gets through.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServer, type TLSSocket } from 'node:tls'
import { promisify } from 'node:util'

const execFileAsync = promisify(execFile)

const CA_CONFIG = `[req]
distinguished_name = dn
prompt = no
[dn]
CN = birdhouse test CA
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
`

const SERVER_CONFIG = `[req]
distinguished_name = dn
prompt = no
[dn]
CN = 127.0.0.1
[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1
`

/** A running TLS terminator. */
export interface TlsTerminator {
  /** `https://127.0.0.1:<port>`. */
  url: string
  /** PEM file of the CA that signed the server certificate. */
  caPath: string
  /** TCP connections accepted so far, handshakes that failed included. */
  readonly connections: number
  close(): Promise<void>
}

/** Makes `ca.pem` and a CA-signed `server.pem` / `server.key` (P-256, SAN IP:127.0.0.1) in `dir`. */
async function makeCertificates(dir: string): Promise<void> {
  const openssl = (...args: string[]) => execFileAsync('openssl', args, { cwd: dir, timeout: 30_000 })
  const p256 = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-noenc']
  await Promise.all([writeFile(join(dir, 'ca.cnf'), CA_CONFIG), writeFile(join(dir, 'server.cnf'), SERVER_CONFIG)])
  await openssl(
    ...['req', '-x509', '-config', 'ca.cnf', '-extensions', 'ca', ...p256],
    ...['-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2'],
  )
  await openssl('req', '-new', '-config', 'server.cnf', ...p256, '-keyout', 'server.key', '-out', 'server.csr')
  await openssl(
    ...['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', '1', '-days', '2'],
    ...['-extfile', 'server.cnf', '-extensions', 'server', '-out', 'server.pem'],
  )
}

/** Starts https on a free port of 127.0.0.1, forwarding to `upstreamUrl` (an http://127.0.0.1:port URL). */
export async function startTlsTerminator(upstreamUrl: string): Promise<TlsTerminator> {
  const dir = await mkdtemp(join(tmpdir(), 'birdhouse-tls-'))
  await makeCertificates(dir)
  const [key, cert] = await Promise.all([readFile(join(dir, 'server.key')), readFile(join(dir, 'server.pem'))])
  const upstream = new URL(upstreamUrl)
  const sockets = new Set<Socket>()
  const track = (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  }
  const server = createServer({ key, cert }, (secure: TLSSocket) => {
    const plain = connect(Number(upstream.port), upstream.hostname)
    track(secure)
    track(plain)
    secure.on('error', () => plain.destroy())
    plain.on('error', () => secure.destroy())
    secure.pipe(plain).pipe(secure)
  })
  // A client that does not trust the CA aborts the handshake: that is the point, not a failure here.
  server.on('tlsClientError', () => {})
  let connections = 0
  server.on('connection', () => {
    connections += 1
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  return {
    url: `https://127.0.0.1:${port}`,
    caPath: join(dir, 'ca.pem'),
    get connections() {
      return connections
    },
    async close() {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await rm(dir, { recursive: true, force: true })
    },
  }
}
