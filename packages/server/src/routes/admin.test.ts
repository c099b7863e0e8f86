/** The admin HTTP API: off without a token, bearer-protected, and the same operations as the CLI. */
import { Readable } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import { hashToken, SecretBox } from '../auth/crypto.js'
import {
  basic,
  type OAuthHarness,
  openOAuthHarness,
  postToken,
  REDIRECT_URI,
  TEST_SECRET_KEY,
} from '../test-support/oauth-harness.js'

const ADMIN_TOKEN = 'admin-token-0123456789-abcdefghij'
let h: OAuthHarness

afterEach(async () => {
  await h.close()
})

async function open(adminToken: string | null = ADMIN_TOKEN) {
  h = await openOAuthHarness({ env: adminToken === null ? {} : { BIRDHOUSE_ADMIN_TOKEN: adminToken } })
}

const call = (method: 'GET' | 'POST', url: string, payload?: unknown, token: string | null = ADMIN_TOKEN) =>
  h.app.inject({
    method,
    url,
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
    ...(payload === undefined ? {} : { payload: payload as object }),
  })

describe('admin API access', () => {
  it('does not exist without BIRDHOUSE_ADMIN_TOKEN', async () => {
    await open(null)
    const response = await call('GET', '/admin/apps')
    expect(response.statusCode).toBe(404)
  })

  it.each([
    ['no token', null, 401],
    ['a wrong token', 'wrong', 401],
    ['a token that only shares a prefix', `${ADMIN_TOKEN}x`, 401],
  ])('answers %s with %i', async (_name, token, status) => {
    await open()
    const response = await call('GET', '/admin/apps', undefined, token)
    expect(response.statusCode).toBe(status)
    expect(response.json()).toEqual({ title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' })
  })
})

describe('admin API operations', () => {
  it('creates a user with a generated password that signs in', async () => {
    await open()
    const response = await call('POST', '/admin/users', { handle: 'carol', name: 'Carol C.' })
    expect(response.statusCode).toBe(201)
    const { data } = response.json()
    expect(data).toEqual({
      id: expect.stringMatching(/^\d+$/),
      handle: 'carol',
      name: 'Carol C.',
      password: expect.any(String),
    })
    expect(await h.apps.verifyLogin('carol', data.password)).toMatchObject({ id: data.id })
    expect(await h.stores.auth.getPassword(data.id)).toMatch(/^scrypt\$/)
  })

  it('refuses a taken or malformed handle with an invalid-request problem', async () => {
    await open()
    expect((await call('POST', '/admin/users', { handle: 'alice', password: 'long enough 1' })).statusCode).toBe(400)
    const bad = await call('POST', '/admin/users', { handle: 'no spaces allowed' })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().errors[0].parameters).toEqual({ handle: ['no spaces allowed'] })
    expect(
      (await call('POST', '/admin/users', { handle: 'erin', password: 'short' })).json().errors[0].parameters,
    ).toEqual({ password: [] })
  })

  it('creates an app whose credentials all work, and stores only hashes and sealed secrets', async () => {
    await open()
    const response = await call('POST', '/admin/apps', {
      name: 'Admin app',
      redirect_uris: [REDIRECT_URI],
      owner: 'alice',
    })
    expect(response.statusCode).toBe(201)
    expect(response.headers['cache-control']).toBe('no-store')
    const { data } = response.json()
    expect(data).toMatchObject({
      name: 'Admin app',
      client_type: 'confidential',
      permission: 'read-write',
      redirect_uris: [REDIRECT_URI],
      owner_id: h.aliceId,
    })
    const stored = await h.stores.auth.getApp(data.id)
    expect(stored?.clientSecretHash).toBe(hashToken(data.client_secret))
    expect(stored?.consumerSecretSealed).not.toContain(data.consumer_secret)
    expect(new SecretBox(TEST_SECRET_KEY).open(stored?.consumerSecretSealed as string)).toBe(data.consumer_secret)
    expect(await h.stores.auth.getToken(hashToken(data.bearer_token))).toMatchObject({
      kind: 'app',
      appId: data.id,
      userId: null,
    })
    const oauth1 = await h.stores.auth.getOAuth1Token(data.access_token)
    expect(oauth1).toMatchObject({ userId: h.aliceId, appId: data.id })
    expect(new SecretBox(TEST_SECRET_KEY).open(oauth1?.secretSealed as string)).toBe(data.access_token_secret)
    const bearer = await postToken(
      h.app,
      '/oauth2/token',
      { grant_type: 'client_credentials' },
      { authorization: basic(data.client_id, data.client_secret) },
    )
    expect(bearer.statusCode).toBe(200)
  })

  it('creates a public read-only app without a client secret', async () => {
    await open()
    const { data } = (
      await call('POST', '/admin/apps', {
        name: 'Mobile',
        redirect_uris: ['myapp://callback'],
        public: true,
        permission: 'read',
        owner: 'alice',
      })
    ).json()
    expect(data.client_type).toBe('public')
    expect(data.permission).toBe('read')
    expect(data).not.toHaveProperty('client_secret')
  })

  it.each([
    [{ name: 'x', redirect_uris: [] }, 'redirect_uris'],
    [{ name: 'x', redirect_uris: ['javascript:alert(1)'] }, 'redirect_uris'],
    [{ name: 'x', redirect_uris: ['https://a.example/cb#frag'] }, 'redirect_uris'],
    [{ name: 'x', redirect_uris: ['not a uri'] }, 'redirect_uris'],
    [{ name: '', redirect_uris: [REDIRECT_URI] }, 'name'],
    [{ name: 'x', redirect_uris: [REDIRECT_URI], owner: 'nobody' }, 'owner'],
    [{ name: 'x', redirect_uris: [REDIRECT_URI], permission: 'admin' }, 'permission'],
  ])('refuses %j (parameter %s)', async (body, parameter) => {
    await open()
    const response = await call('POST', '/admin/apps', body)
    expect(response.statusCode).toBe(400)
    expect(Object.keys(response.json().errors[0].parameters)).toEqual([parameter])
  })

  it('issues an OAuth 1.0a token for another user, and lists apps without secrets', async () => {
    await open()
    const { data: app } = (
      await call('POST', '/admin/apps', { name: 'Lister', redirect_uris: [REDIRECT_URI], owner: 'bob' })
    ).json()
    const token = await call('POST', `/admin/apps/${app.client_id}/tokens`, { user: 'bob' })
    expect(token.statusCode).toBe(201)
    expect(token.json().data).toEqual({
      app_id: app.id,
      user_id: expect.any(String),
      oauth_token: expect.stringMatching(/^\d+-[A-Za-z0-9]{40}$/),
      oauth_token_secret: expect.stringMatching(/^[A-Za-z0-9]{45}$/),
    })
    expect((await call('POST', '/admin/apps/999/tokens', { user: 'bob' })).statusCode).toBe(400)
    const list = await call('GET', '/admin/apps')
    expect(list.json().data.map((item: { name: string }) => item.name)).toEqual(['Lister'])
    expect(list.body).not.toContain(app.client_secret)
    expect(list.body).not.toContain(app.consumer_secret)
  })
})

describe('admin API storage', () => {
  const put = (key: string, bytes: number) => h.stores.blobs.put(key, Readable.from([Buffer.alloc(bytes, 7)]))

  it('reports zero for an empty blob store, every prefix present', async () => {
    await open()
    const response = await call('GET', '/admin/storage')
    expect(response.statusCode).toBe(200)
    expect(response.headers['cache-control']).toBe('no-store')
    expect(response.json()).toEqual({
      data: {
        objects: 0,
        bytes: 0,
        by_prefix: {
          uploads: { objects: 0, bytes: 0 },
          media: { objects: 0, bytes: 0 },
          staging: { objects: 0, bytes: 0 },
        },
      },
    })
  })

  it('counts objects and bytes in total and per top-level prefix', async () => {
    await open()
    await put('uploads/1/000-aa', 100)
    await put('uploads/1/001-bb', 50)
    await put('media/2/orig.png', 1_000)
    await put('media/2/thumb.jpg', 10)
    await put('media/3/v/0.mp4', 5)
    await put('staging/1-cc', 7)
    const response = await call('GET', '/admin/storage')
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({
      data: {
        objects: 6,
        bytes: 1_172,
        by_prefix: {
          uploads: { objects: 2, bytes: 150 },
          media: { objects: 3, bytes: 1_015 },
          staging: { objects: 1, bytes: 7 },
        },
      },
    })
  })

  it('needs the admin token', async () => {
    await open()
    expect((await call('GET', '/admin/storage', undefined, null)).statusCode).toBe(401)
    expect((await call('GET', '/admin/storage', undefined, 'wrong')).statusCode).toBe(401)
  })
})
