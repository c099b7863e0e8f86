/**
 * In-process OAuth tests: an app on memory stores and a manual clock, a user with a password,
 * app registration through `AppService`, PKCE pairs, and a driver that walks the consent page the
 * way a browser does (GET the authorize URL, post the sign-in form, post Approve) and returns the
 * redirect. Everything goes through `inject()`.
 */
import { createHash, randomBytes } from 'node:crypto'
import type { FastifyInstance, FastifyServerOptions, LightMyRequestResponse } from 'fastify'
import { type AppStores, buildApp, memoryStores } from '../app.js'
import { AppService, type CreatedApp, type NewApp } from '../auth/apps.js'
import { SecretBox } from '../auth/crypto.js'
import { ManualClock } from '../clock.js'
import { type Config, loadConfig } from '../config.js'
import { SnowflakeGenerator } from '../uploads/snowflake.js'

/** The redirect URI test apps register. */
export const REDIRECT_URI = 'http://127.0.0.1:3000/callback'
/** Password of the harness user `alice`. */
export const ALICE_PASSWORD = 'correct horse battery staple'
/** A fixed secret key (tests that compare sealed secrets need it stable). */
export const TEST_SECRET_KEY = 'test-secret-key-0123456789abcdefghijklmnop'

/** Options of `openOAuthHarness`. */
export interface OAuthHarnessOptions {
  /** Extra config env (e.g. `BIRDHOUSE_REFRESH_GRACE_SECS`). */
  env?: Readonly<Record<string, string>>
  /** Fastify logger option; default off. */
  logger?: FastifyServerOptions['logger']
}

/** An app plus what OAuth tests need around it. */
export interface OAuthHarness {
  app: FastifyInstance
  stores: AppStores
  clock: ManualClock
  config: Config
  apps: AppService
  aliceId: string
  /** Registers an app owned by alice (confidential unless `public`). */
  createApp(input?: Partial<NewApp>): Promise<CreatedApp>
  close(): Promise<void>
}

/** Builds an app on memory stores with the user alice (password `ALICE_PASSWORD`) and bob. */
export async function openOAuthHarness(options: OAuthHarnessOptions = {}): Promise<OAuthHarness> {
  const config = loadConfig({ BIRDHOUSE_DATA_DIR: '/nonexistent/birdhouse-oauth-tests', ...options.env })
  const stores = await memoryStores()
  const clock = new ManualClock()
  const app = await buildApp({
    config,
    stores,
    clock,
    background: false,
    logger: options.logger ?? false,
    secretKey: TEST_SECRET_KEY,
  })
  const ids = new SnowflakeGenerator(clock, 7)
  const secretBox = new SecretBox(TEST_SECRET_KEY)
  const apps = new AppService({ metadata: stores.metadata, auth: stores.auth, clock, ids, secretBox })
  const { user: alice } = await apps.createUser({ handle: 'alice', password: ALICE_PASSWORD, name: 'Alice' })
  await apps.createUser({ handle: 'bob', password: 'bobs password 123' })
  await app.ready()
  return {
    app,
    stores,
    clock,
    config,
    apps,
    aliceId: alice.id,
    createApp: (input = {}) =>
      apps.createApp({ name: 'Test client', redirectUris: [REDIRECT_URI], ownerHandle: 'alice', ...input }),
    close: async () => {
      await app.close()
      await Promise.all([stores.metadata.close(), stores.blobs.close()])
    },
  }
}

/** A PKCE verifier of `length` unreserved characters and its S256 challenge. */
export function pkcePair(length = 64): { verifier: string; challenge: string } {
  const verifier = randomBytes(length).toString('base64url').slice(0, length)
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') }
}

/** Parameters of `authorizeUrl`; `null` leaves a parameter out. */
export interface AuthorizeUrlOptions {
  clientId: string
  challenge: string
  scope?: string
  state?: string | null
  method?: string | null
  redirectUri?: string
  responseType?: string
  path?: string
}

/** An authorization URL as X's docs show it (path and origin-relative). */
export function authorizeUrl(options: AuthorizeUrlOptions): string {
  const params = new URLSearchParams({ response_type: options.responseType ?? 'code', client_id: options.clientId })
  params.set('redirect_uri', options.redirectUri ?? REDIRECT_URI)
  params.set('scope', options.scope ?? 'tweet.read users.read media.write offline.access')
  if (options.state !== null) params.set('state', options.state ?? 'state-123')
  params.set('code_challenge', options.challenge)
  if (options.method !== null) params.set('code_challenge_method', options.method ?? 'S256')
  return `${options.path ?? '/i/oauth2/authorize'}?${params}`
}

/** The consent cookie a response sets (`name=value`), if any. */
export function cookieOf(response: LightMyRequestResponse): string | undefined {
  const header = response.headers['set-cookie']
  const first = Array.isArray(header) ? header[0] : header
  return first?.split(';')[0]
}

/** Every hidden field of the consent page's form. */
export function hiddenFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {}
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields[match[1] as string] = unescapeHtml(match[2] as string)
  }
  return fields
}

function unescapeHtml(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
}

/** Posts a consent form (urlencoded, as a browser does) with a cookie. */
export function postForm(
  app: FastifyInstance,
  path: string,
  fields: Record<string, string>,
  cookie: string | undefined,
): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url: path,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie === undefined ? {} : { cookie }) },
    payload: new URLSearchParams(fields).toString(),
  })
}

/** What a browser walk through the consent page ended with. */
export interface ConsentResult {
  /** The 302's Location. */
  location: string
  /** Its query parameters. */
  query: URLSearchParams
  /** The signed-in session cookie. */
  cookie: string | undefined
}

/** GET the authorize URL, sign in as `handle`, press `decision`; resolves to the final redirect. */
export async function walkConsent(
  app: FastifyInstance,
  url: string,
  decision: 'approve' | 'deny' = 'approve',
  login: { handle: string; password: string } = { handle: 'alice', password: ALICE_PASSWORD },
): Promise<ConsentResult> {
  const path = url.split('?')[0] as string
  const page = await app.inject({ method: 'GET', url })
  if (page.statusCode !== 200) throw new Error(`authorize page answered ${page.statusCode}: ${page.body}`)
  const anonymous = cookieOf(page)
  const signedIn = await postForm(app, path, { ...hiddenFields(page.body), action: 'login', ...login }, anonymous)
  if (!signedIn.body.includes('value="approve"')) throw new Error(`sign-in failed: ${signedIn.body}`)
  const cookie = cookieOf(signedIn)
  const answer = await postForm(app, path, { ...hiddenFields(signedIn.body), action: decision }, cookie)
  if (answer.statusCode !== 302) throw new Error(`decision answered ${answer.statusCode}: ${answer.body}`)
  const location = String(answer.headers.location)
  return { location, query: new URL(location).searchParams, cookie }
}

/** Walks the consent page for `clientId` as alice; resolves to the code and its verifier. */
export async function approvedCode(
  app: FastifyInstance,
  clientId: string,
  options: { method?: string | null } = {},
): Promise<{ code: string; verifier: string; challenge: string }> {
  const { verifier, challenge } = pkcePair()
  const method = options.method === undefined ? 'S256' : options.method
  const consent = await walkConsent(app, authorizeUrl({ clientId, challenge, method }))
  return { code: consent.query.get('code') as string, verifier, challenge }
}

/** The `Authorization: Basic` header of a client id and secret. */
export function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`
}

/** Posts to a token endpoint with a form or JSON body and optional Basic auth. */
export function postToken(
  app: FastifyInstance,
  path: string,
  body: Record<string, string>,
  options: { json?: boolean; authorization?: string } = {},
): Promise<LightMyRequestResponse> {
  const json = options.json === true
  return app.inject({
    method: 'POST',
    url: path,
    headers: {
      'content-type': json ? 'application/json' : 'application/x-www-form-urlencoded',
      ...(options.authorization === undefined ? {} : { authorization: options.authorization }),
    },
    payload: json ? JSON.stringify(body) : new URLSearchParams(body).toString(),
  })
}
