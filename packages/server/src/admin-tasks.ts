/**
 * One-shot operations the CLI runs against the configured stores directly (no server needed):
 * create a user, create an app, issue an OAuth 1.0a token of a user for an app. Each opens the
 * stores, loads the secret key as the server does (BIRDHOUSE_SECRET_KEY or `<dataDir>/secret.key`,
 * so secrets sealed here open in the server), runs, and closes the stores.
 */
import { type AppStores, openStores } from './app.js'
import {
  AppService,
  type CreatedApp,
  type CreatedUser,
  type NewApp,
  type NewUser,
  type OAuth1Credentials,
} from './auth/apps.js'
import { SecretBox } from './auth/crypto.js'
import { resolveSecretKey } from './auth/secret-key.js'
import { ensureUser } from './auth/tokens.js'
import { systemClock } from './clock.js'
import type { Config } from './config.js'
import type { AppRecord } from './stores/auth-store.js'
import type { UserRecord } from './stores/metadata-store.js'
import { SnowflakeGenerator } from './uploads/snowflake.js'

export type { CreatedApp, CreatedUser, NewApp, NewUser, OAuth1Credentials } from './auth/apps.js'

/** `NewApp` whose owner defaults to the default user (created when missing). */
export type NewAppTask = Omit<NewApp, 'ownerHandle'> & { ownerHandle?: string }

/** An OAuth 1.0a token issued by `issueAppTokenTask`, with whom it is for. */
export interface IssuedAppToken extends OAuth1Credentials {
  app: AppRecord
  user: UserRecord
}

async function withApps<T>(config: Config, task: (apps: AppService, stores: AppStores) => Promise<T>): Promise<T> {
  const secretKey = await resolveSecretKey(config)
  const stores = await openStores(config)
  try {
    const ids = new SnowflakeGenerator(systemClock, config.nodeId)
    const secretBox = new SecretBox(secretKey)
    const apps = new AppService({ metadata: stores.metadata, auth: stores.auth, clock: systemClock, ids, secretBox })
    return await task(apps, stores)
  } finally {
    await Promise.all([stores.metadata.close(), stores.blobs.close()])
  }
}

/**
 * Creates a user with a password (generated and returned when not given).
 * @example await createUserTask(loadConfig(), { handle: 'alice', password: 'correct horse battery' })
 */
export function createUserTask(config: Config, input: NewUser): Promise<CreatedUser> {
  return withApps(config, (apps) => apps.createUser(input))
}

/**
 * Creates an app and returns every credential in the clear, once.
 * @example await createAppTask(loadConfig(), { name: 'demo', redirectUris: ['http://127.0.0.1:3000/cb'] })
 */
export function createAppTask(config: Config, input: NewAppTask): Promise<CreatedApp> {
  return withApps(config, async (apps, stores) => {
    let ownerHandle = input.ownerHandle
    if (ownerHandle === undefined) {
      const ids = new SnowflakeGenerator(systemClock, config.nodeId)
      ownerHandle = (await ensureUser(stores.metadata, ids, systemClock, config.defaultUser)).user.handle
    }
    return await apps.createApp({ ...input, ownerHandle })
  })
}

/**
 * Issues an OAuth 1.0a access token of `userHandle` for the app `appRef` (id, client id, consumer key or name).
 * @example await issueAppTokenTask(loadConfig(), 'demo', 'bob')
 */
export function issueAppTokenTask(config: Config, appRef: string, userHandle: string): Promise<IssuedAppToken> {
  return withApps(config, async (apps) => {
    const app = await apps.requireApp(appRef)
    const user = await apps.requireUser(userHandle)
    return { app, user, ...(await apps.tokenForUser(app, user)) }
  })
}
