/**
 * `birdhouse users create`, `apps create` and `apps token` against a real SQLite data directory,
 * run in-process; then a server built on the same directory accepts the printed credentials, which
 * proves the CLI sealed them with the key the server loads (`<dataDir>/secret.key`).
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildApp, loadConfig, openStores } from '@birdhouse/server'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { buildProgram } from './program.js'

let dataDir: string
let output: string[]
let errors: string[]

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'birdhouse-cli-'))
  output = []
  errors = []
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    output.push(String(chunk))
    return true
  })
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void output.push(`${args.join(' ')}\n`))
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void errors.push(args.join(' ')))
  vi.spyOn(process, 'exit').mockImplementation((code) => {
    throw new Error(`exit ${code}`)
  })
})
afterEach(async () => {
  vi.restoreAllMocks()
  await rm(dataDir, { recursive: true, force: true })
})

async function run(...args: string[]): Promise<string> {
  output = []
  await buildProgram().parseAsync([...args, '--data-dir', dataDir], { from: 'user' })
  return output.join('')
}

const runJson = async (...args: string[]) => JSON.parse(await run(...args, '--json'))

describe('birdhouse users create', () => {
  it('prints a generated password when none is given, and creates the secret key file', async () => {
    const text = await run('users', 'create', 'alice')
    expect(text).toMatch(/^Created user @alice \(id \d+\)\.\nGenerated password \(shown once\): \S{24}\n$/)
    expect((await stat(join(dataDir, 'secret.key'))).mode & 0o777).toBe(0o600)
  })

  it('prints JSON without a password when one was given', async () => {
    expect(await runJson('users', 'create', 'bob', '--password', 'bobs password', '--name', 'Bob B.')).toEqual({
      id: expect.stringMatching(/^\d+$/),
      handle: 'bob',
      name: 'Bob B.',
    })
  })

  it('exits 2 with title: detail when the handle is taken', async () => {
    await run('users', 'create', 'carol', '--password', 'carols password')
    await expect(run('users', 'create', 'carol', '--password', 'carols password')).rejects.toThrow('exit 2')
    expect(errors).toEqual(['Invalid Request: The `handle` parameter is invalid: @carol already exists.'])
  })
})

describe('birdhouse apps', () => {
  it('creates an app whose printed credentials a server on the same data directory accepts', async () => {
    await run('users', 'create', 'alice', '--password', 'alices password')
    const app = await runJson(
      'apps',
      'create',
      '--name',
      'CLI app',
      '--redirect-uri',
      'http://127.0.0.1:3000/cb',
      '--redirect-uri',
      'http://localhost:3000/cb',
      '--owner',
      'alice',
    )
    expect(app).toMatchObject({ name: 'CLI app', client_type: 'confidential', permission: 'read-write' })
    expect(app.redirect_uris).toEqual(['http://127.0.0.1:3000/cb', 'http://localhost:3000/cb'])
    const token = await runJson('apps', 'token', 'CLI app', '--user', 'alice')
    expect(token).toMatchObject({
      app_id: app.id,
      oauth_token: expect.any(String),
      oauth_token_secret: expect.any(String),
    })

    const config = loadConfig({ BIRDHOUSE_DATA_DIR: dataDir })
    const stores = await openStores(config)
    const secretKey = (await readFile(join(dataDir, 'secret.key'), 'utf8')).trim()
    const server = await buildApp({ config, stores, background: false, logger: false, secretKey })
    try {
      const basic = Buffer.from(`${app.consumer_key}:${app.consumer_secret}`).toString('base64')
      const response = await server.inject({
        method: 'POST',
        url: '/oauth2/token',
        headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'grant_type=client_credentials',
      })
      expect(response.statusCode, response.body).toBe(200)
    } finally {
      await server.close()
      await Promise.all([stores.metadata.close(), stores.blobs.close()])
    }
  })

  it('prints every credential once as text, without a client secret for a public app', async () => {
    const text = await run(
      'apps',
      'create',
      '--name',
      'Mobile',
      '--redirect-uri',
      'myapp://cb',
      '--public',
      '--read-only',
    )
    expect(text).toContain('public client, read, redirect URIs myapp://cb')
    expect(text).toMatch(/OAuth 2\.0 client id {2,}\S+/)
    expect(text).not.toContain('client secret')
    expect(text).toMatch(/Access token \(owner\) {2,}\d+-\S+/)
  })

  it('exits 2 when the app or user does not exist', async () => {
    await expect(run('apps', 'token', 'nope', '--user', 'birdhouse')).rejects.toThrow('exit 2')
    expect(errors[0]).toBe('Invalid Request: The `app` parameter is invalid: there is no app nope.')
  })
})
