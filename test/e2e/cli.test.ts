/**
 * The built `birdhouse` CLI against started servers: uploads of every kind (checking the sha256 of
 * the segments the server stored, on a server with processing off so they stay on disk; a photo's
 * are deleted at FINALIZE, so its served file is checked instead), OAuth 1.0a
 * uploads over v1.1, resume after SIGKILL at half the APPENDs (counted by a proxy), status --wait,
 * post, login through PKCE with auto-approve, and the exit code of each failure class.
 */
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type CliMedia, generateCliMedia } from './cli-media.js'
import { type CliRun, cliEnv, events, runCli, startCli } from './cli-runner.js'
import { startCountingProxy } from './counting-proxy.js'
import { type BirdhouseServer, freePort, useBirdhouse } from './harness.js'
import { sha256File } from './media.js'
import { expectServedPhoto } from './seeds/expect-upload.js'
import { readStoredUpload } from './stored-bytes.js'

const ADMIN = 'e2e-admin-token-for-cli-tests'
let tmp: string
let media: CliMedia

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'birdhouse-cli-e2e-'))
  media = await generateCliMedia(tmp)
})
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true })
})

/** A fresh HOME for each run group, so token files and checkpoints never leak between tests. */
async function home(name: string): Promise<string> {
  const dir = join(tmp, `home-${name}`)
  await rm(dir, { recursive: true, force: true })
  return dir
}

function expectExit(run: CliRun, code: number): void {
  expect(run.code, `exit code; stderr:\n${run.stderr}\nstdout:\n${run.stdout}`).toBe(code)
}

/**
 * A photo's uploaded original is deleted once FINALIZE stored its served files: instead, its
 * segment files are gone and `/media/3_<id>.png` decodes to the source's width×height.
 */
async function expectServedPng(server: BirdhouseServer, mediaId: string, file: string): Promise<void> {
  await expectServedPhoto(server, mediaId, file, 'png')
}

async function expectStoredSource(dataDir: string, mediaId: string, file: string, segments: number): Promise<void> {
  const stored = await readStoredUpload(dataDir, mediaId)
  expect(stored.indexes).toEqual(Array.from({ length: segments }, (_, index) => index))
  expect(stored.sizeBytes).toBe((await stat(file)).size)
  expect(stored.sha256).toBe(await sha256File(file))
}

describe('birdhouse upload, against a server that does not process (segments stay on disk)', () => {
  const server = useBirdhouse({ env: { BIRDHOUSE_WORKERS: '0' } })
  const env = async (name: string, extra: Record<string, string> = {}) =>
    cliEnv(await home(name), { BIRDHOUSE_BASE_URL: server().url, BIRDHOUSE_TOKEN: server().token, ...extra })

  it('uploads a PNG, a GIF and an MP4 with --json; the server stores exactly their bytes and serves the PNG', async () => {
    const run = await runCli(
      ['upload', media.png, media.gif, media.mp4, '--json', '--no-wait', '--chunk-size', '512K'],
      await env('kinds'),
    )
    expectExit(run, 0)
    const uploaded = events(run, 'uploaded')
    expect(uploaded.map((line) => [line.file, line.media_type, line.media_category])).toEqual([
      [media.png, 'image/png', 'tweet_image'],
      [media.gif, 'image/gif', 'tweet_gif'],
      [media.mp4, 'video/mp4', 'tweet_video'],
    ])
    expect(events(run, 'progress').length).toBeGreaterThanOrEqual(uploaded.length * 2)
    for (const line of uploaded) {
      if (line.media_type === 'image/png') {
        await expectServedPng(server(), line.media_id as string, line.file as string)
        continue
      }
      await expectStoredSource(
        server().dataDir,
        line.media_id as string,
        line.file as string,
        line.segments_total as number,
      )
    }
  })

  it('resumes after being killed at half the APPENDs, sending only the missing segments', async () => {
    const proxy = await startCountingProxy(server().url)
    try {
      const chunkBytes = 128 * 1024
      const total = Math.ceil((await stat(media.mp4)).size / chunkBytes)
      const half = Math.floor(total / 2)
      const runEnv = await env('resume', { BIRDHOUSE_BASE_URL: proxy.url })
      const args = ['upload', media.mp4, '--json', '--no-wait', '--chunk-size', '128K', '--parallel', '2']
      const first = startCli(args, runEnv)
      // Held APPENDs never complete, so the CLI has recorded exactly `half` acknowledgements.
      proxy.haltAfterAcks(half, () => setTimeout(() => first.child.kill('SIGKILL'), 500))
      expect((await first.done).signal).toBe('SIGKILL')
      const firstAcked = proxy.acked().map((record) => record.segmentIndex)
      expect(firstAcked).toHaveLength(half)
      const mediaId = proxy.acked()[0]?.mediaId

      proxy.reset()
      const second = await runCli(args, runEnv)
      expectExit(second, 0)
      const [result] = events(second, 'uploaded')
      expect(result).toMatchObject({
        media_id: mediaId,
        resumed: true,
        segments_sent: total - half,
        segments_total: total,
      })
      const resent = proxy.appends.map((record) => record.segmentIndex).sort((a, b) => a - b)
      const missing = Array.from({ length: total }, (_, index) => index).filter((index) => !firstAcked.includes(index))
      expect(resent).toEqual(missing)
      expect(proxy.appends.every((record) => record.status === 204 || record.status === 200)).toBe(true)
      await expectStoredSource(server().dataDir, mediaId as string, media.mp4, total)
    } finally {
      await proxy.close()
    }
  })

  it('exits 2 for a missing file and for bad flags, before sending anything', async () => {
    expectExit(await runCli(['upload', join(tmp, 'nope.png')], await env('usage')), 2)
    expectExit(await runCli(['upload', media.png, '--parallel', 'many'], await env('usage')), 2)
    expectExit(await runCli(['upload', media.png, '--no-such-flag'], await env('usage')), 2)
  })

  it('exits 4 with a bad token, or with no credentials at all', async () => {
    const bad = await runCli(['upload', media.png, '--token', 'bh_not-a-token', '--json'], await env('auth'))
    expectExit(bad, 4)
    expect(events(bad, 'error')[0]).toMatchObject({ exit_code: 4 })
    const none = await runCli(['upload', media.png], cliEnv(await home('none'), { BIRDHOUSE_BASE_URL: server().url }))
    expectExit(none, 4)
    expect(none.stderr).toMatch(/not logged in/)
  })

  it('exits 5 when the server refuses the request, or the preflight refuses the file', async () => {
    const longAlt = await runCli(['upload', media.png, '--alt', 'x'.repeat(1001)], await env('rejected'))
    expectExit(longAlt, 5)
    expect(longAlt.stderr).toMatch(/Invalid Request: .*1000 characters/)
    expectExit(await runCli(['upload', media.junk], await env('rejected')), 5)
  })
})

describe('birdhouse CLI against a processing server', () => {
  const server = useBirdhouse({ env: { BIRDHOUSE_AUTO_APPROVE: 'birdhouse', BIRDHOUSE_ADMIN_TOKEN: ADMIN } })
  const env = async (name: string, extra: Record<string, string> = {}) =>
    cliEnv(await home(name), { BIRDHOUSE_BASE_URL: server().url, BIRDHOUSE_TOKEN: server().token, ...extra })

  async function createApp(redirectUri: string): Promise<Record<string, string>> {
    const response = await fetch(`${server().url}/admin/apps`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: `cli-${Date.now()}`, redirect_uris: [redirectUri] }),
    })
    expect(response.status).toBe(201)
    return ((await response.json()) as { data: Record<string, string> }).data
  }

  it('uploads an MP4, and status --wait follows its processing to succeeded', async () => {
    const upload = await runCli(['upload', media.mp4, '--json', '--no-wait'], await env('status'))
    expectExit(upload, 0)
    const mediaId = events(upload, 'uploaded')[0]?.media_id as string
    const status = await runCli(['status', mediaId, '--wait', '--json'], await env('status'))
    expectExit(status, 0)
    expect(events(status, 'media').at(-1)).toMatchObject({ media_id: mediaId, processing: { state: 'succeeded' } })
  })

  it('exits 6 when a corrupt MP4 fails processing', async () => {
    const run = await runCli(['upload', media.corruptMp4, '--json'], await env('corrupt'))
    expectExit(run, 6)
    expect(events(run, 'error')[0]?.message).toMatch(/^Processing failed for media \d+: InvalidMedia: /)
  })

  it('posts text with a PNG and its alt text', async () => {
    const run = await runCli(
      ['post', 'Hello from the CLI', '--media', media.png, '--alt', 'a test pattern', '--json'],
      await env('post'),
    )
    expectExit(run, 0)
    const [posted] = events(run, 'posted')
    expect(posted).toMatchObject({ id: expect.stringMatching(/^\d+$/), media_ids: [expect.stringMatching(/^\d+$/)] })
    const lookup = await fetch(
      `${server().url}/2/tweets?ids=${posted?.id}&expansions=attachments.media_keys&media.fields=alt_text`,
      { headers: { authorization: `Bearer ${server().token}` } },
    )
    const body = (await lookup.json()) as { includes?: { media?: { alt_text?: string }[] } }
    expect(body.includes?.media?.[0]?.alt_text).toBe('a test pattern')
  })

  it('uploads over v1.1 with OAuth 1.0a credentials from the environment', async () => {
    const app = await createApp('http://127.0.0.1:1/unused')
    const run = await runCli(
      ['upload', media.png, '--wire', 'v1.1', '--json'],
      cliEnv(await home('oauth1'), {
        BIRDHOUSE_BASE_URL: server().url,
        BIRDHOUSE_CONSUMER_KEY: app.consumer_key as string,
        BIRDHOUSE_CONSUMER_SECRET: app.consumer_secret as string,
        BIRDHOUSE_ACCESS_TOKEN: app.access_token as string,
        BIRDHOUSE_ACCESS_TOKEN_SECRET: app.access_token_secret as string,
      }),
    )
    expectExit(run, 0)
    const [uploaded] = events(run, 'uploaded')
    expect(uploaded?.segments_total).toBe(1)
    await expectServedPng(server(), uploaded?.media_id as string, media.png)
  })

  it('logs in with PKCE through the loopback redirect, then uploads with the saved tokens, refreshing them when due', async () => {
    const port = await freePort()
    const app = await createApp(`http://127.0.0.1:${port}/callback`)
    const loginHome = await home('login')
    const loginEnv = cliEnv(loginHome, { BIRDHOUSE_BASE_URL: server().url })
    const login = startCli(
      ['login', '--client-id', app.client_id as string, '--client-secret', app.client_secret as string].concat([
        '--port',
        String(port),
        '--no-browser',
        '--json',
      ]),
      loginEnv,
    )
    // The "browser": auto-approve answers the authorization URL with a redirect to the CLI.
    login.onJsonLine((line) => {
      if (line.event === 'authorize') void fetch(line.authorize_url as string).catch(() => {})
    })
    const done = await login.done
    expectExit(done, 0)
    const tokenFile = join(loginHome, '.config', 'birdhouse', 'tokens.json')
    expect(events(done, 'logged_in')[0]).toMatchObject({
      token_file: tokenFile,
      scope: expect.stringContaining('media.write'),
    })
    expect((await stat(tokenFile)).mode & 0o777).toBe(0o600)

    expectExit(await runCli(['upload', media.png, '--json'], loginEnv), 0)
    // Make the access token due: the next run refreshes it first and stores the rotated pair.
    const saved = JSON.parse(await readFile(tokenFile, 'utf8'))
    await writeFile(tokenFile, JSON.stringify({ ...saved, tokens: { ...saved.tokens, expiresAtMs: Date.now() } }))
    await chmod(tokenFile, 0o600)
    expectExit(await runCli(['upload', media.png, '--json'], loginEnv), 0)
    const rotated = JSON.parse(await readFile(tokenFile, 'utf8'))
    expect(rotated.tokens.refreshToken).not.toBe(saved.tokens.refreshToken)
    expect(rotated.tokens.expiresAtMs).toBeGreaterThan(Date.now() + 60_000)
  })
})
