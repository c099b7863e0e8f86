export {
  type CreatedApp,
  type CreatedUser,
  createAppTask,
  createUserTask,
  type IssuedAppToken,
  issueAppTokenTask,
  type NewAppTask,
  type NewUser,
} from './admin-tasks.js'
export { type AppStores, type BuildAppOptions, buildApp, memoryStores, openStores } from './app.js'
export { type EndpointLimits, type RateLimitTable, X_RATE_LIMITS } from './auth/rate-limit.js'
export { ALL_SCOPES, ensureUser, hashToken, issueToken } from './auth/tokens.js'
export { type Clock, ManualClock, systemClock } from './clock.js'
export { type Config, ConfigError, type ConfigFlags, loadConfig } from './config.js'
export { ApiError, isApiError } from './errors.js'
export { appView, createdAppView } from './routes/app-views.js'
export { issueDefaultToken, type RunningServer, startServer } from './server.js'
export type { BlobStore } from './stores/blob-store.js'
export type { MetadataStore } from './stores/metadata-store.js'
export { SnowflakeGenerator } from './uploads/snowflake.js'
export { DEFAULT_WORKER_CONCURRENCY, type RunningWorkers, type StartWorkersOptions, startWorkers } from './workers.js'
