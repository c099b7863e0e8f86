/**
 * The client's environment variables (the only reader of `process.env` in the SDK). Options given
 * in code win over the environment, which wins over X's defaults:
 * - `BIRDHOUSE_API_URL` (or `X_API_BASE_URL`): base URL of v2 endpoints and posts;
 * - `BIRDHOUSE_UPLOAD_URL` (or `X_UPLOAD_BASE_URL`): base URL of v1.1 uploads; default the API
 *   base URL when that is not X's;
 * - `BIRDHOUSE_CA_FILE`: a PEM file of certificates to trust for https besides Node's roots.
 */

/** Base URLs found in the environment. */
export interface ClientEnv {
  apiBaseUrl: string | undefined
  uploadBaseUrl: string | undefined
  /** Path of a PEM file of extra trusted certificates. */
  caFile: string | undefined
}

function first(env: NodeJS.ProcessEnv, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = env[name]?.trim()
    if (value !== undefined && value !== '') return value
  }
  return undefined
}

/**
 * Reads the base URLs and the CA file of `env`.
 * @example readClientEnv({ BIRDHOUSE_API_URL: 'http://127.0.0.1:8080' }).apiBaseUrl // 'http://127.0.0.1:8080'
 */
export function readClientEnv(env: NodeJS.ProcessEnv = process.env): ClientEnv {
  return {
    apiBaseUrl: first(env, ['BIRDHOUSE_API_URL', 'X_API_BASE_URL']),
    uploadBaseUrl: first(env, ['BIRDHOUSE_UPLOAD_URL', 'X_UPLOAD_BASE_URL']),
    caFile: first(env, ['BIRDHOUSE_CA_FILE']),
  }
}
