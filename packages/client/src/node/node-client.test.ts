/** The Node entry: base URLs from the environment, file paths as sources, file fingerprints. */
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bearer } from '../bearer.js'
import { type MediaFixtures, mediaFixtures } from '../test-support/media-fixtures.js'
import { sha256, startTestServer, type TestServer } from '../test-support/test-server.js'
import { readClientEnv } from './client-env.js'
import { openFileSource } from './file-source.js'
import { createClient } from './node-client.js'

let server: TestServer
let media: MediaFixtures
let dir: string

beforeAll(async () => {
  ;[server, media] = await Promise.all([startTestServer(), mediaFixtures()])
  dir = await mkdtemp(join(tmpdir(), 'birdhouse-node-client-'))
})
afterAll(async () => {
  await Promise.all([server.close(), rm(dir, { recursive: true, force: true })])
})

describe('base URLs', () => {
  const auth = bearer('t')

  it("defaults to X's hosts", () => {
    const client = createClient({ auth, env: {} })
    expect([client.apiBaseUrl, client.uploadBaseUrl]).toEqual(['https://api.x.com', 'https://upload.x.com'])
  })

  it('reads BIRDHOUSE_API_URL, and sends uploads there too', () => {
    const client = createClient({ auth, env: { BIRDHOUSE_API_URL: 'http://127.0.0.1:8080/' } })
    expect([client.apiBaseUrl, client.uploadBaseUrl]).toEqual(['http://127.0.0.1:8080', 'http://127.0.0.1:8080'])
  })

  it('finds the OAuth endpoints beside a non-X API base URL, unless they are given', () => {
    expect(readClientEnv({ BIRDHOUSE_API_URL: 'http://127.0.0.1:8080/' })).toMatchObject({
      authorizeUrl: 'http://127.0.0.1:8080/i/oauth2/authorize',
      tokenUrl: 'http://127.0.0.1:8080/2/oauth2/token',
    })
    expect(readClientEnv({ BIRDHOUSE_API_URL: 'https://api.x.com' })).toMatchObject({
      authorizeUrl: undefined,
      tokenUrl: undefined,
    })
    const given = {
      BIRDHOUSE_API_URL: 'http://127.0.0.1:8080',
      BIRDHOUSE_AUTHORIZE_URL: 'https://auth.example/authorize',
      BIRDHOUSE_TOKEN_URL: 'https://auth.example/token',
    }
    expect(readClientEnv(given)).toMatchObject({
      authorizeUrl: 'https://auth.example/authorize',
      tokenUrl: 'https://auth.example/token',
    })
    expect(readClientEnv({})).toMatchObject({ authorizeUrl: undefined, tokenUrl: undefined, caFile: undefined })
  })

  it('takes X_API_BASE_URL and X_UPLOAD_BASE_URL, and lets options win', () => {
    const env = { X_API_BASE_URL: 'https://api.example', X_UPLOAD_BASE_URL: 'https://upload.example' }
    expect(readClientEnv(env)).toMatchObject({
      apiBaseUrl: 'https://api.example',
      uploadBaseUrl: 'https://upload.example',
    })
    const client = createClient({ auth, env, apiBaseUrl: 'http://localhost:1' })
    expect([client.apiBaseUrl, client.uploadBaseUrl]).toEqual(['http://localhost:1', 'https://upload.example'])
  })
})

describe('file sources', () => {
  it('uploads a path and a file: URL, reading segments from the file handle', async () => {
    const path = join(dir, 'clip.mp4')
    await writeFile(path, media.mp4)
    const client = createClient({ apiBaseUrl: server.url, auth: bearer(server.token), env: {} })
    for (const source of [path, pathToFileURL(path)]) {
      const result = await client.uploadMedia(source, { chunkBytes: 100_000, waitForProcessing: false })
      expect((await server.storedUpload(result.mediaId)).sha256).toBe(sha256(media.mp4))
    }
  })

  it('fingerprints size, mtime and both ends of the file', async () => {
    const path = join(dir, 'photo.png')
    await writeFile(path, media.png)
    const fingerprint = async () => {
      const source = await openFileSource(path)
      try {
        return await source.fingerprint()
      } finally {
        await source.close()
      }
    }
    const first = await fingerprint()
    expect(first).toMatch(new RegExp(`^v1:${media.png.length}:\\d+:[0-9a-f]{64}$`))
    expect(await fingerprint()).toBe(first)
    await utimes(path, new Date(), new Date(Date.now() + 60_000))
    expect(await fingerprint()).not.toBe(first)
  })

  it('refuses a directory', async () => {
    await expect(openFileSource(dir)).rejects.toThrow(/not a regular file/)
  })
})
