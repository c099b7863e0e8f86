/**
 * `@birdhouse/client/node`: everything of the core entry, plus what only Node can do: file paths
 * as upload sources (`createClient` here takes them), checkpoints on disk (`FileCheckpointStore`),
 * base URLs and a CA from the environment (`BIRDHOUSE_API_URL`, `BIRDHOUSE_UPLOAD_URL`,
 * `BIRDHOUSE_CA_FILE`), and `nodeTransport`, which sends segments with no copy.
 */
export * from '../index.js'
export { type ClientEnv, readClientEnv } from './client-env.js'
export { defaultCheckpointDirectory, FileCheckpointStore } from './file-checkpoint-store.js'
export { openFileSource } from './file-source.js'
export { type Client, createClient, type NodeClientOptions, type NodeUploadSource } from './node-client.js'
export { type NodeTransportOptions, nodeTransport, nodeTransportFromEnv } from './node-transport.js'
// The token store on disk (src/node/token-store*.ts).
export { FileTokenStore, type FileTokenStoreOptions, type TokenClient, type TokenFile } from './token-store.js'
export { TokenStoreError, type TokenStoreErrorCode } from './token-store-error.js'
