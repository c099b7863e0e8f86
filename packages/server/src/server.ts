/**
 * Starting and stopping a real server: open the configured stores, make sure the default user
 * exists (minting a first token when it is new), load the secret key (BIRDHOUSE_SECRET_KEY or
 * `<dataDir>/secret.key`), listen, and close everything in order on stop.
 */
import type { FastifyInstance } from 'fastify'
import { buildApp, openStores } from './app.js'
import { assertAutoApproveAllowed } from './auth/oauth2/auto-approve.js'
import { resolveSecretKey } from './auth/secret-key.js'
import { ensureUser, issueToken } from './auth/tokens.js'
import { systemClock } from './clock.js'
import type { Config } from './config.js'
import { SnowflakeGenerator } from './uploads/snowflake.js'

/** A listening server. */
export interface RunningServer {
  /** Base URL, e.g. http://127.0.0.1:8080. */
  url: string
  /** Handle of the default user. */
  defaultUser: string
  /** A token minted at this start because the default user was just created; undefined otherwise. */
  firstToken: string | undefined
  app: FastifyInstance
  /** Stops listening, background work and stores. */
  close(): Promise<void>
}

/** Opens stores, builds the app and listens on `config.host:config.port`. */
export async function startServer(config: Config): Promise<RunningServer> {
  assertAutoApproveAllowed(config, config.host)
  const stores = await openStores(config)
  const ids = new SnowflakeGenerator(systemClock, config.nodeId)
  try {
    const { user, created } = await ensureUser(stores.metadata, ids, systemClock, config.defaultUser)
    const firstToken = created ? await issueToken(stores.auth, systemClock, user.id) : undefined
    const secretKey = await resolveSecretKey(config)
    const app = await buildApp({ config, stores, ids, secretKey })
    await app.listen({ port: config.port, host: config.host })
    const address = app.server.address()
    const port = typeof address === 'object' && address !== null ? address.port : config.port
    const host = config.host.includes(':') ? `[${config.host}]` : config.host
    return {
      url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
      defaultUser: user.handle,
      firstToken,
      app,
      close: async () => {
        await app.close()
        await Promise.all([stores.metadata.close(), stores.blobs.close()])
      },
    }
  } catch (error) {
    await Promise.all([stores.metadata.close(), stores.blobs.close()])
    throw error
  }
}

/** Mints a fresh all-scopes token for the default user (creating the user if needed). */
export async function issueDefaultToken(config: Config): Promise<string> {
  const stores = await openStores(config)
  try {
    const ids = new SnowflakeGenerator(systemClock, config.nodeId)
    const { user } = await ensureUser(stores.metadata, ids, systemClock, config.defaultUser)
    return await issueToken(stores.auth, systemClock, user.id)
  } finally {
    await Promise.all([stores.metadata.close(), stores.blobs.close()])
  }
}
