/**
 * Wires users, apps and OAuth 2.0 into an app: the services keyed by the server's secret key, the
 * authorization, token and revocation endpoints, and the admin API.
 */
import type { FastifyInstance } from 'fastify'
import { AppService } from '../auth/apps.js'
import { SecretBox } from '../auth/crypto.js'
import { ConsentSigner } from '../auth/oauth2/consent-session.js'
import { TokenService } from '../auth/oauth2/token-service.js'
import type { Clock } from '../clock.js'
import type { Config } from '../config.js'
import type { Logger } from '../logger.js'
import type { AuthStore } from '../stores/auth-store.js'
import type { BlobStore } from '../stores/blob-store.js'
import type { MetadataStore } from '../stores/metadata-store.js'
import type { SnowflakeGenerator } from '../uploads/snowflake.js'
import { registerAdmin } from './admin.js'
import { registerOAuth2Authorize } from './oauth2-authorize.js'
import { registerOAuth2Token } from './oauth2-token.js'

/** What `registerAuthorization` needs. */
export interface AuthorizationDeps {
  config: Config
  metadata: MetadataStore
  auth: AuthStore
  blobs: BlobStore
  clock: Clock
  ids: SnowflakeGenerator
  /** The server's secret key (≥ 32 characters). */
  secretKey: string
  logger: Logger
}

/** Registers the OAuth 2.0 endpoints and the admin API. */
export function registerAuthorization(app: FastifyInstance, deps: AuthorizationDeps): void {
  const { config } = deps
  const secretBox = new SecretBox(deps.secretKey)
  const apps = new AppService({ metadata: deps.metadata, auth: deps.auth, clock: deps.clock, ids: deps.ids, secretBox })
  const tokens = new TokenService({
    store: deps.auth,
    clock: deps.clock,
    accessTokenTtlSecs: config.accessTokenTtlSecs,
    refreshGraceSecs: config.refreshGraceSecs,
    logger: deps.logger,
  })
  registerOAuth2Authorize(app, { apps, signer: new ConsentSigner(deps.secretKey), autoApprove: config.autoApprove })
  registerOAuth2Token(app, { tokens, secretBox })
  registerAdmin(app, { apps, blobs: deps.blobs, adminToken: config.adminToken, defaultOwner: config.defaultUser })
}
