/**
 * Refresh-token rotation across processes, against a real birdhouse (built in-process, listening on
 * a loopback port, auto-approving as alice). Two child processes load the built SDK, share one
 * token file and refresh at the same moment; the token endpoint is slowed so the two really
 * overlap. With `FileTokenStore` no refresh token is lost and the grant survives; the control case
 * (each process keeping its own copy) shows what the lock prevents: a spent refresh token is
 * presented, and birdhouse (like X) revokes the whole grant.
 */
import { fork } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildApp, loadConfig, memoryStores } from '@birdhouse/server'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { buildAuthorizeUrl, createPkcePair } from '../auth/pkce.js'
import { exchangeCode, refreshToken } from '../auth/token-request.js'
import { FileTokenStore } from './token-store.js'

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url))
const ADMIN = 'admin-token-for-rotation-tests'
const REDIRECT_URI = 'http://127.0.0.1:9/callback'
const TOKEN_DELAY_MS = 300

/** The child: loads the built SDK, reads the file, waits for "go", refreshes, reports. */
const CHILD = `
const { FileTokenStore } = await import(process.env.DIST + 'node/token-store.js')
const { MemoryTokenStore } = await import(process.env.DIST + 'auth/token-store.js')
const { oauth2User } = await import(process.env.DIST + 'auth/oauth2-user.js')
const file = new FileTokenStore(process.env.TOKEN_FILE)
const mode = process.env.MODE
const store = mode === 'private-copy' ? new MemoryTokenStore(await file.read()) : file
let refreshes = 0
const auth = oauth2User({ store, clientId: process.env.CLIENT_ID, clientSecret: process.env.CLIENT_SECRET,
  tokenUrl: process.env.TOKEN_URL, onRefresh: () => refreshes++ })
const before = await auth.tokens()
process.send({ ready: true })
process.once('message', async () => {
  try {
    const after = await (mode === 'force' ? auth.refresh() : auth.refresh({ replacing: before.accessToken }))
    process.send({ refreshes, accessToken: after.accessToken })
  } catch (error) {
    process.send({ refreshes, error: error.code ?? String(error) })
  }
  process.disconnect()
})
`

let dir: string
let server: Awaited<ReturnType<typeof buildApp>>
let base: string
let client: { clientId: string; clientSecret: string; tokenUrl: string }
let tokenRequests = 0

async function admin(path: string, body: unknown): Promise<Record<string, string>> {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  expect(response.status, await response.clone().text()).toBe(201)
  return ((await response.json()) as { data: Record<string, string> }).data
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'birdhouse-rotation-'))
  const config = loadConfig({
    BIRDHOUSE_DATA_DIR: dir,
    BIRDHOUSE_ADMIN_TOKEN: ADMIN,
    BIRDHOUSE_AUTO_APPROVE: 'alice',
    HOST: '127.0.0.1',
  })
  server = await buildApp({ config, stores: await memoryStores(), background: false, logger: false })
  server.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/2/oauth2/token')) return
    tokenRequests++
    await new Promise((resolve) => setTimeout(resolve, TOKEN_DELAY_MS))
  })
  base = await server.listen({ host: '127.0.0.1', port: 0 })
  await admin('/admin/users', { handle: 'alice' })
  const app = await admin('/admin/apps', { name: 'rotation', redirect_uris: [REDIRECT_URI], owner: 'alice' })
  client = {
    clientId: app.client_id as string,
    clientSecret: app.client_secret as string,
    tokenUrl: `${base}/2/oauth2/token`,
  }
})
afterAll(async () => {
  await server?.close()
  await rm(dir, { recursive: true, force: true })
})

let tokenFile: string

/** A fresh grant through PKCE (auto-approved), saved to a new token file. */
beforeEach(async () => {
  const pkce = await createPkcePair()
  const authorizeUrl = buildAuthorizeUrl({
    authorizeBaseUrl: `${base}/i/oauth2/authorize`,
    clientId: client.clientId,
    redirectUri: REDIRECT_URI,
    state: 'rotation',
    codeChallenge: pkce.challenge,
  })
  const redirect = await fetch(authorizeUrl, { redirect: 'manual' })
  const code = new URL(redirect.headers.get('location') ?? '').searchParams.get('code') ?? ''
  const tokens = await exchangeCode({ ...client, code, redirectUri: REDIRECT_URI, codeVerifier: pkce.verifier })
  tokenFile = join(dir, `tokens-${Date.now()}.json`)
  await new FileTokenStore(tokenFile).save(tokens, client)
})

interface ChildReport {
  refreshes: number
  accessToken?: string
  error?: string
}

/** Starts two children in `mode`, releases them together once both have read the file, and collects their reports. */
async function refreshInTwoProcesses(mode: 'replace-dead' | 'force' | 'private-copy'): Promise<ChildReport[]> {
  const script = join(dir, 'refresh-child.mjs')
  await writeFile(script, CHILD)
  const env = { ...process.env, DIST, MODE: mode, TOKEN_FILE: tokenFile, CLIENT_ID: client.clientId }
  const children = [0, 1].map(() =>
    fork(script, [], { env: { ...env, CLIENT_SECRET: client.clientSecret, TOKEN_URL: client.tokenUrl } }),
  )
  const reports = children.map(
    (child) =>
      new Promise<ChildReport>((resolve, reject) => {
        child.on('message', (message: ChildReport & { ready?: boolean }) => {
          if (message.ready !== true) resolve(message)
        })
        child.once('exit', (code) => reject(new Error(`refresh child exited with ${code} before reporting`)))
      }),
  )
  await Promise.all(children.map((child) => new Promise((resolve) => child.once('message', resolve))))
  tokenRequests = 0
  for (const child of children) child.send('go')
  return await Promise.all(reports)
}

async function whoAmI(accessToken: string): Promise<number> {
  return (await fetch(`${base}/2/users/me`, { headers: { authorization: `Bearer ${accessToken}` } })).status
}

describe('FileTokenStore shared by two processes', () => {
  it('refreshes a dead access token once: the second process takes the first one’s new pair', async () => {
    const reports = await refreshInTwoProcesses('replace-dead')
    expect(reports.map((r) => r.refreshes).sort()).toEqual([0, 1])
    expect(tokenRequests).toBe(1)
    const stored = await new FileTokenStore(tokenFile).read()
    expect(reports.map((r) => r.accessToken)).toEqual([stored?.accessToken, stored?.accessToken])
    expect(await whoAmI(stored?.accessToken ?? '')).toBe(200)
    const next = await refreshToken({ ...client, refreshToken: stored?.refreshToken ?? '' })
    expect(await whoAmI(next.accessToken)).toBe(200)
  })

  it('rotates twice in turn when both force a refresh, and the stored refresh token still works', async () => {
    const reports = await refreshInTwoProcesses('force')
    expect(reports.map((r) => r.refreshes)).toEqual([1, 1])
    expect(tokenRequests).toBe(2)
    const stored = await new FileTokenStore(tokenFile).read()
    expect(reports.map((r) => r.accessToken)).toContain(stored?.accessToken)
    const next = await refreshToken({ ...client, refreshToken: stored?.refreshToken ?? '' })
    expect(await whoAmI(next.accessToken)).toBe(200)
  })

  it('control: processes with private copies spend a rotated refresh token and the grant is revoked', async () => {
    const reports = await refreshInTwoProcesses('private-copy')
    expect(reports.map((r) => r.error ?? 'ok').sort()).toEqual(['REAUTHORIZE_REQUIRED', 'ok'])
    const winner = reports.find((r) => r.accessToken !== undefined)
    expect(await whoAmI(winner?.accessToken ?? '')).toBe(401)
  })
})
