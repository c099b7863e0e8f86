/**
 * The built `birdhouse` CLI against the built server behind a TLS terminator whose private CA is
 * not in Node's roots. With `BIRDHOUSE_CA_FILE` naming the CA, an upload and `birdhouse login`
 * (its token exchange, then the refresh a later upload makes) go through; without it the first
 * request, upload or token request, fails as unavailable naming the certificate problem; an
 * unreadable `BIRDHOUSE_CA_FILE` is a usage error.
 */
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { get } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTlsTerminator, type TlsTerminator } from '../../packages/client/src/test-support/tls-terminator.js'
import { type CliMedia, generateCliMedia } from './cli-media.js'
import { type CliRun, cliEnv, events, runCli, startCli } from './cli-runner.js'
import { freePort, useBirdhouse } from './harness.js'

const ADMIN = 'e2e-admin-token-for-cli-tls-tests'
/**
 * OpenSSL's reason when no trusted root vouches for the terminator's certificate (it sends only its
 * leaf, so the chain stops at the first certificate).
 */
const UNTRUSTED = 'unable to verify the first certificate'
let tmp: string
let media: CliMedia

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'birdhouse-cli-tls-e2e-'))
  media = await generateCliMedia(tmp)
})
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true })
})

function expectExit(run: CliRun, code: number): void {
  expect(run.code, `exit code; stderr:\n${run.stderr}\nstdout:\n${run.stdout}`).toBe(code)
}

/** The "browser": GETs the authorization URL trusting `ca`, then follows auto-approve's redirect to the CLI. */
async function approve(authorizeUrl: string, ca: Buffer): Promise<void> {
  const location = await new Promise<string>((resolve, reject) => {
    get(authorizeUrl, { ca }, (response) => {
      response.resume()
      const target = response.headers.location
      if (target === undefined) reject(new Error(`the authorization URL answered ${response.statusCode}, no redirect`))
      else resolve(target)
    }).on('error', reject)
  })
  await fetch(new URL(location, authorizeUrl))
}

describe('birdhouse CLI over https through a private CA', () => {
  const server = useBirdhouse({ env: { BIRDHOUSE_AUTO_APPROVE: 'birdhouse', BIRDHOUSE_ADMIN_TOKEN: ADMIN } })
  let tls: TlsTerminator
  beforeAll(async () => {
    tls = await startTlsTerminator(server().url)
  })
  afterAll(async () => {
    await tls?.close()
  })

  /** A fresh HOME and no `BIRDHOUSE_*` settings but `extra`. */
  async function env(name: string, extra: Record<string, string> = {}): Promise<NodeJS.ProcessEnv> {
    const home = join(tmp, `home-${name}`)
    await rm(home, { recursive: true, force: true })
    return cliEnv(home, extra)
  }

  /** `birdhouse upload <file> --base-url <https URL> --json`, plus `extra` flags. */
  function upload(file: string, runEnv: NodeJS.ProcessEnv, extra: readonly string[] = []): Promise<CliRun> {
    return runCli(['upload', file, '--base-url', tls.url, '--json', ...extra], runEnv)
  }

  /** Logs in with `birdhouse login --json` under `runEnv`, the "browser" trusting the CA; returns the run. */
  async function login(runEnv: NodeJS.ProcessEnv): Promise<CliRun> {
    const port = await freePort()
    const app = await createApp(`http://127.0.0.1:${port}/callback`)
    const ca = await readFile(tls.caPath)
    const args = ['login', '--base-url', tls.url, '--client-id', app.client_id as string]
    const flags = ['--client-secret', app.client_secret as string, '--port', String(port), '--no-browser']
    // A short --timeout, so a "browser" that failed ends the run well within the test's timeout.
    const run = startCli([...args, ...flags, '--timeout', '60', '--json'], runEnv)
    let approved: Promise<void> = Promise.resolve()
    run.onJsonLine((line) => {
      if (line.event === 'authorize') approved = approve(line.authorize_url as string, ca)
    })
    const done = await run.done
    await approved
    expect(events(done, 'authorize')[0]?.authorize_url).toMatch(new RegExp(`^${tls.url}/i/oauth2/authorize\\?`))
    return done
  }

  async function createApp(redirectUri: string): Promise<Record<string, string>> {
    const response = await fetch(`${server().url}/admin/apps`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: `cli-tls-${Date.now()}`, redirect_uris: [redirectUri] }),
    })
    expect(response.status).toBe(201)
    return ((await response.json()) as { data: Record<string, string> }).data
  }

  it('uploads an MP4 and waits for its processing with BIRDHOUSE_CA_FILE; the server reports it succeeded', async () => {
    const runEnv = await env('ca', { BIRDHOUSE_CA_FILE: tls.caPath })
    const run = await upload(media.mp4, runEnv, ['--token', server().token, '--chunk-size', '512K'])
    expectExit(run, 0)
    const [uploaded] = events(run, 'uploaded')
    expect(uploaded).toMatchObject({ media_type: 'video/mp4', processing_state: 'succeeded' })
    expect(uploaded?.segments_total).toBeGreaterThan(1)
    // Asked of the server directly over plain http, not through the terminator or the CLI.
    const status = await fetch(`${server().url}/2/media/upload?command=STATUS&media_id=${uploaded?.media_id}`, {
      headers: { authorization: `Bearer ${server().token}` },
    })
    expect(status.status).toBe(200)
    const body = (await status.json()) as { data?: { id?: string; processing_info?: { state?: string } } }
    expect(body.data).toMatchObject({ id: uploaded?.media_id, processing_info: { state: 'succeeded' } })
  })

  it('exits 3 (unavailable) naming the certificate problem without BIRDHOUSE_CA_FILE', async () => {
    const run = await upload(media.png, await env('no-ca'), ['--token', server().token])
    expectExit(run, 3)
    const message = `POST ${tls.url}/2/media/upload/initialize failed: ${UNTRUSTED}`
    expect(events(run, 'error')).toEqual([{ event: 'error', exit_code: 3, code: 'NETWORK_ERROR', message }])
    expect(run.stderr).toContain(`birdhouse: ${message}\n`)
    expect(events(run, 'uploaded')).toEqual([])
  })

  it('exits 2 (usage) naming BIRDHOUSE_CA_FILE when the file holds no certificate', async () => {
    const notPem = join(tmp, 'not-a-certificate.pem')
    await writeFile(notPem, 'not a certificate\n')
    const runEnv = await env('not-pem-ca', { BIRDHOUSE_CA_FILE: notPem })
    const run = await upload(media.png, runEnv, ['--token', server().token])
    expectExit(run, 2)
    const message = `BIRDHOUSE_CA_FILE ${notPem}: ca: no PEM certificate`
    expect(events(run, 'error')).toEqual([{ event: 'error', exit_code: 2, message: expect.stringContaining(message) }])
  })

  it('exits 2 (usage) naming BIRDHOUSE_CA_FILE and its path when the file does not exist', async () => {
    const missing = join(tmp, 'no-such-ca.pem')
    const runEnv = await env('missing-ca', { BIRDHOUSE_CA_FILE: missing })
    const run = await upload(media.png, runEnv, ['--token', server().token])
    expectExit(run, 2)
    const message = `BIRDHOUSE_CA_FILE ${missing}: ENOENT`
    expect(events(run, 'error')).toEqual([{ event: 'error', exit_code: 2, message: expect.stringContaining(message) }])
    expect(run.stderr).toContain(`birdhouse: ${message}`)
  })

  it('logs in over https with BIRDHOUSE_CA_FILE, and a later upload refreshes the saved tokens through it', async () => {
    const runEnv = await env('login', { BIRDHOUSE_CA_FILE: tls.caPath })
    const done = await login(runEnv)
    expectExit(done, 0)
    const tokenFile = events(done, 'logged_in')[0]?.token_file as string
    const saved = JSON.parse(await readFile(tokenFile, 'utf8'))
    expect(saved.client.tokenUrl).toBe(`${tls.url}/2/oauth2/token`)

    // Make the access token due: the next upload refreshes it first, at the https token URL.
    await writeFile(tokenFile, JSON.stringify({ ...saved, tokens: { ...saved.tokens, expiresAtMs: Date.now() } }))
    await chmod(tokenFile, 0o600)
    const { BIRDHOUSE_CA_FILE: _, ...withoutCa } = runEnv
    const untrusted = await upload(media.png, withoutCa)
    expectExit(untrusted, 3)
    expect(events(untrusted, 'error')[0]?.message).toBe(`POST ${tls.url}/2/oauth2/token failed: ${UNTRUSTED}`)
    const refreshed = await upload(media.png, runEnv)
    expectExit(refreshed, 0)
    expect(events(refreshed, 'uploaded')).toHaveLength(1)
    const rotated = JSON.parse(await readFile(tokenFile, 'utf8'))
    expect(rotated.tokens.refreshToken).not.toBe(saved.tokens.refreshToken)
  })

  it('exits 3 from login without BIRDHOUSE_CA_FILE: the token exchange does not trust the CA', async () => {
    const runEnv = await env('login-no-ca')
    const done = await login(runEnv)
    expectExit(done, 3)
    const message = `POST ${tls.url}/2/oauth2/token failed: ${UNTRUSTED}`
    expect(events(done, 'error')).toEqual([{ event: 'error', exit_code: 3, code: 'NETWORK_ERROR', message }])
    expect(events(done, 'logged_in')).toEqual([])
  })
})
