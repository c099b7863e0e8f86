/**
 * Users and client apps, as X's developer portal manages them. Creating an app returns, once, every
 * credential the portal shows: the OAuth 2.0 client id (and secret for a confidential client), the
 * OAuth 1.0a consumer key and secret, an app-only bearer token and an OAuth 1.0a access token and
 * secret for the owner. Only hashes are stored for what birdhouse merely compares (client secret,
 * bearer token); the OAuth 1.0a secrets, which HMAC verification needs in the clear, are sealed
 * with the server's `SecretBox`. Passwords are scrypt hashes.
 */
import type { Clock } from '../clock.js'
import { ApiError } from '../errors.js'
import type { AppPermission, AppRecord, AuthStore, TokenRecord } from '../stores/auth-store.js'
import type { MetadataStore, UserRecord } from '../stores/metadata-store.js'
import type { SnowflakeGenerator } from '../uploads/snowflake.js'
import { checkHandle, checkName, checkPassword, checkRedirectUris } from './app-input.js'
import {
  newAppBearerToken,
  newClientId,
  newClientSecret,
  newConsumerCredentials,
  newOAuth1Credentials,
  newPassword,
} from './credentials.js'
import { hashPassword, hashToken, type SecretBox, verifyPassword } from './crypto.js'

/** Dependencies of `AppService`. */
export interface AppServiceOptions {
  /** Holds users. */
  metadata: MetadataStore
  /** Holds passwords, apps and tokens. */
  auth: AuthStore
  clock: Clock
  ids: SnowflakeGenerator
  /** Seals OAuth 1.0a secrets (keyed by the server's secret key). */
  secretBox: SecretBox
}

/** What `createUser` needs; the password is generated when absent. */
export interface NewUser {
  handle: string
  password?: string
  /** Display name (default: the handle). */
  name?: string
}

/** A created user; `password` is set only when it was generated (shown once). */
export interface CreatedUser {
  user: UserRecord
  generatedPassword: string | undefined
}

/** What `createApp` needs. */
export interface NewApp {
  name: string
  redirectUris: readonly string[]
  /** Public client (no client secret; native and single-page apps). Default false. */
  public?: boolean
  /** Default read-write. */
  permission?: AppPermission
  /** Handle of the owner, who also gets an OAuth 1.0a access token. */
  ownerHandle: string
}

/** An OAuth 1.0a access token in the clear. */
export interface OAuth1Credentials {
  accessToken: string
  accessTokenSecret: string
}

/** Every credential of a new app, in the clear; shown once. */
export interface CreatedApp extends OAuth1Credentials {
  app: AppRecord
  clientId: string
  /** Null for a public client. */
  clientSecret: string | null
  consumerKey: string
  consumerSecret: string
  /** App-only bearer token. */
  bearerToken: string
}

// A scrypt hash to verify against when the handle is unknown, so a login takes as long for a
// missing user as for a wrong password and does not reveal which handles exist. Made on first use.
let dummyPasswordHash: Promise<string> | undefined
function dummyHash(): Promise<string> {
  dummyPasswordHash ??= hashPassword('birdhouse-no-such-user')
  return dummyPasswordHash
}

/** Creates and finds users and apps, and issues the credentials X's portal issues. */
export class AppService {
  readonly #o: AppServiceOptions

  constructor(options: AppServiceOptions) {
    this.#o = options
  }

  /** Creates a local user with a password; `INVALID_PARAMETER` when the handle is taken or malformed. */
  async createUser(input: NewUser): Promise<CreatedUser> {
    const handle = checkHandle(input.handle)
    const generatedPassword = input.password === undefined ? newPassword() : undefined
    const password = checkPassword(input.password ?? (generatedPassword as string))
    const name = checkName('name', input.name ?? handle, 50)
    const user: UserRecord = { id: this.#o.ids.next(), handle, name, createdAtMs: this.#o.clock.now() }
    if (!(await this.#o.metadata.createUser(user))) {
      throw new ApiError('INVALID_PARAMETER', {
        params: { parameter: 'handle', reason: `@${handle} already exists.` },
        parameters: { handle: [handle] },
      })
    }
    await this.#o.auth.setPassword(user.id, await hashPassword(password))
    return { user, generatedPassword }
  }

  /** Sets (or replaces) the password of an existing user. */
  async setPassword(userId: string, password: string): Promise<void> {
    await this.#o.auth.setPassword(userId, await hashPassword(checkPassword(password)))
  }

  /** The user with `handle` when `password` is theirs; undefined otherwise (same timing either way). */
  async verifyLogin(handle: string, password: string): Promise<UserRecord | undefined> {
    const user = /^[A-Za-z0-9_]{1,15}$/.test(handle) ? await this.#o.metadata.getUserByHandle(handle) : undefined
    const stored = user === undefined ? undefined : await this.#o.auth.getPassword(user.id)
    const ok = await verifyPassword(password, stored ?? (await dummyHash()))
    return ok && stored !== undefined ? user : undefined
  }

  /** The user with `handle`; `INVALID_PARAMETER` naming `parameter` when there is none. */
  async requireUser(handle: string, parameter = 'user'): Promise<UserRecord> {
    const user = await this.#o.metadata.getUserByHandle(handle.replace(/^@/, ''))
    if (user === undefined) {
      throw new ApiError('INVALID_PARAMETER', {
        params: { parameter, reason: `there is no user @${handle.replace(/^@/, '')}.` },
        parameters: { [parameter]: [handle] },
      })
    }
    return user
  }

  /** Registers an app and issues all its credentials. */
  async createApp(input: NewApp): Promise<CreatedApp> {
    const name = checkName('name', input.name, 64)
    const redirectUris = checkRedirectUris(input.redirectUris)
    const owner = await this.requireUser(input.ownerHandle, 'owner')
    const clientId = newClientId()
    const clientSecret = input.public === true ? null : newClientSecret()
    const consumer = newConsumerCredentials()
    const app: AppRecord = {
      id: this.#o.ids.next(),
      name,
      ownerId: owner.id,
      clientId,
      clientSecretHash: clientSecret === null ? null : hashToken(clientSecret),
      redirectUris,
      permission: input.permission ?? 'read-write',
      consumerKey: consumer.key,
      consumerSecretSealed: this.#o.secretBox.seal(consumer.secret),
      createdAtMs: this.#o.clock.now(),
    }
    if (!(await this.#o.auth.createApp(app))) throw new Error('app id, client id or consumer key collided; try again')
    const bearerToken = await issueAppBearerToken(this.#o.auth, this.#o.clock, app.id)
    const ownerToken = await this.tokenForUser(app, owner)
    return {
      app,
      clientId,
      clientSecret,
      consumerKey: consumer.key,
      consumerSecret: consumer.secret,
      bearerToken,
      ...ownerToken,
    }
  }

  /** Issues an OAuth 1.0a access token of `user` for `app` (what X's "Authorize app" step yields). */
  async tokenForUser(app: AppRecord, user: UserRecord): Promise<OAuth1Credentials> {
    const credentials = newOAuth1Credentials(user.id)
    await this.#o.auth.createOAuth1Token({
      token: credentials.token,
      secretSealed: this.#o.secretBox.seal(credentials.secret),
      userId: user.id,
      appId: app.id,
      createdAtMs: this.#o.clock.now(),
      revokedAtMs: null,
    })
    return { accessToken: credentials.token, accessTokenSecret: credentials.secret }
  }

  /** An app by id, client id, consumer key or (unique) name; `INVALID_PARAMETER` when none matches. */
  async requireApp(ref: string): Promise<AppRecord> {
    const store = this.#o.auth
    const direct =
      (/^\d+$/.test(ref) ? await store.getApp(ref) : undefined) ??
      (await store.getAppByClientId(ref)) ??
      (await store.getAppByConsumerKey(ref))
    if (direct !== undefined) return direct
    const named = (await store.listApps()).filter((app) => app.name === ref)
    if (named.length === 1 && named[0] !== undefined) return named[0]
    const reason = named.length > 1 ? `several apps are named ${ref}; use the id.` : `there is no app ${ref}.`
    throw new ApiError('INVALID_PARAMETER', { params: { parameter: 'app', reason }, parameters: { app: [ref] } })
  }

  /** Every app, oldest first. */
  listApps(): Promise<AppRecord[]> {
    return this.#o.auth.listApps()
  }
}

/** Mints an app-only bearer token (no user, no scopes, no expiry) and stores its hash; resolves to the clear token. */
export async function issueAppBearerToken(store: AuthStore, clock: Clock, appId: string): Promise<string> {
  const token = newAppBearerToken()
  const record: TokenRecord = {
    tokenHash: hashToken(token),
    kind: 'app',
    userId: null,
    appId,
    scopes: [],
    familyId: null,
    createdAtMs: clock.now(),
    expiresAtMs: null,
    revokedAtMs: null,
  }
  await store.createToken(record)
  return token
}
