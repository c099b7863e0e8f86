/**
 * Apps, tokens and OAuth 1.0a signatures for tests, written straight through the `AuthStore` (the
 * apps service is not needed to test authentication), and a client-side signer that builds the
 * `Authorization: OAuth …` header the way twitter-api-v2 and tweepy do.
 */
import { randomBytes } from 'node:crypto'
import { SecretBox } from '../auth/crypto.js'
import { hmacSha1Signature, type Pair, percentEncode, signatureBaseString } from '../auth/oauth1-signature.js'
import { ALL_SCOPES, hashToken } from '../auth/tokens.js'
import type { Clock } from '../clock.js'
import type { AppPermission, AppRecord, AuthStore } from '../stores/auth-store.js'

/** The server secret key tests configure (`BIRDHOUSE_SECRET_KEY`). */
export const TEST_SECRET_KEY = 'test-secret-key-0123456789abcdef0123456789'

const box = new SecretBox(TEST_SECRET_KEY)
let sequence = 0

function nextId(): string {
  sequence += 1
  return String(1_000_000_000_000_000_000n + BigInt(sequence))
}

/** An app with its clear consumer secret. */
export interface TestApp {
  record: AppRecord
  consumerKey: string
  consumerSecret: string
}

/** Stores an app owned by `ownerId`; default permission read-write. */
export async function createTestApp(
  store: AuthStore,
  clock: Clock,
  ownerId: string,
  options: { permission?: AppPermission; name?: string } = {},
): Promise<TestApp> {
  const consumerKey = `ck_${randomBytes(9).toString('base64url')}`
  const consumerSecret = randomBytes(30).toString('base64url')
  const record: AppRecord = {
    id: nextId(),
    name: options.name ?? `app ${sequence}`,
    ownerId,
    clientId: `cid_${randomBytes(9).toString('base64url')}`,
    clientSecretHash: null,
    redirectUris: ['http://127.0.0.1/callback'],
    permission: options.permission ?? 'read-write',
    consumerKey,
    consumerSecretSealed: box.seal(consumerSecret),
    createdAtMs: clock.now(),
  }
  if (!(await store.createApp(record))) throw new Error('could not create the test app')
  return { record, consumerKey, consumerSecret }
}

/** OAuth 1.0a credentials of one user for one app, as a client holds them. */
export interface OAuth1Credentials {
  consumerKey: string
  consumerSecret: string
  token: string
  tokenSecret: string
}

/** Stores an OAuth 1.0a access token of `userId` for `app`. */
export async function createOAuth1Token(
  store: AuthStore,
  clock: Clock,
  app: TestApp,
  userId: string,
): Promise<OAuth1Credentials> {
  const token = `${userId}-${randomBytes(12).toString('base64url')}`
  const tokenSecret = randomBytes(30).toString('base64url')
  await store.createOAuth1Token({
    token,
    secretSealed: box.seal(tokenSecret),
    userId,
    appId: app.record.id,
    createdAtMs: clock.now(),
    revokedAtMs: null,
  })
  return { consumerKey: app.consumerKey, consumerSecret: app.consumerSecret, token, tokenSecret }
}

/** Stores a bearer token: an OAuth 2.0 user token of `app` (default every scope) or, with `userId: null`, an app-only token. */
export async function createBearerToken(
  store: AuthStore,
  clock: Clock,
  options: { appId: string; userId: string | null; scopes?: readonly string[]; ttlSecs?: number },
): Promise<string> {
  const token = randomBytes(24).toString('base64url')
  const now = clock.now()
  await store.createToken({
    tokenHash: hashToken(token),
    kind: options.userId === null ? 'app' : 'user',
    userId: options.userId,
    appId: options.appId,
    scopes: options.userId === null ? [] : [...(options.scopes ?? ALL_SCOPES)],
    familyId: null,
    createdAtMs: now,
    expiresAtMs: options.ttlSecs === undefined ? null : now + options.ttlSecs * 1000,
    revokedAtMs: null,
  })
  return token
}

/** What a client signs. */
export interface SigningInput {
  method: string
  /** The full URL the client believes it calls, e.g. `https://upload.twitter.com/1.1/media/upload.json?command=INIT`. */
  url: string
  /** Urlencoded body fields (signed); multipart and JSON bodies are not. */
  form?: Readonly<Record<string, string>>
  /** Sign only the protocol parameters (X's old media docs, for multipart uploads). */
  omitQuery?: boolean
  /** Default: the clock's now. */
  timestampSecs?: number
  /** Default: random. */
  nonce?: string
}

/** The `Authorization` header an RFC 5849 client sends for `input`. */
export function signRequest(credentials: OAuth1Credentials, clock: Clock, input: SigningInput): string {
  const url = new URL(input.url)
  const oauth: Pair[] = [
    ['oauth_consumer_key', credentials.consumerKey],
    ['oauth_nonce', input.nonce ?? randomBytes(16).toString('hex')],
    ['oauth_signature_method', 'HMAC-SHA1'],
    ['oauth_timestamp', String(input.timestampSecs ?? Math.floor(clock.now() / 1000))],
    ['oauth_token', credentials.token],
    ['oauth_version', '1.0'],
  ]
  const query: Pair[] = input.omitQuery === true ? [] : [...url.searchParams]
  const form: Pair[] = Object.entries(input.form ?? {})
  const base = signatureBaseString(input.method, `${url.origin}${url.pathname}`, [...oauth, ...query, ...form])
  const signature = hmacSha1Signature(base, credentials.consumerSecret, credentials.tokenSecret)
  const params: Pair[] = [...oauth, ['oauth_signature', signature]]
  return `OAuth ${params.map(([name, value]) => `${percentEncode(name)}="${percentEncode(value)}"`).join(', ')}`
}
