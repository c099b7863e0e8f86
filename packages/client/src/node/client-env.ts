/**
 * The client's environment variables (the only reader of `process.env` in the SDK). Options given
 * in code win over the environment, which wins over X's defaults:
 * - `BIRDHOUSE_API_URL` (or `X_API_BASE_URL`): base URL of v2 endpoints and posts;
 * - `BIRDHOUSE_UPLOAD_URL` (or `X_UPLOAD_BASE_URL`): base URL of v1.1 uploads; default the API
 *   base URL when that is not X's;
 * - `BIRDHOUSE_AUTHORIZE_URL` and `BIRDHOUSE_TOKEN_URL`: OAuth 2.0 endpoints, for
 *   `buildAuthorizeUrl({ authorizeBaseUrl })` and `oauth2User`/`exchangeCode` `{ tokenUrl }`;
 *   default `<API base URL>/i/oauth2/authorize` and `<API base URL>/2/oauth2/token` when the API
 *   base URL is set and is not X's (birdhouse serves them on the same port), else X's;
 * - `BIRDHOUSE_CA_FILE`: a PEM file of certificates to trust for https besides Node's roots.
 */

import { readFileSync } from 'node:fs'

/** Base URLs found in the environment. */
export interface ClientEnv {
  apiBaseUrl: string | undefined
  uploadBaseUrl: string | undefined
  /** Authorization endpoint; undefined means X's. */
  authorizeUrl: string | undefined
  /** Token endpoint; undefined means X's. */
  tokenUrl: string | undefined
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

/** X's API host, whose OAuth endpoints are X's defaults rather than `<api>/…`. */
const X_API_HOSTS = new Set(['api.x.com', 'api.twitter.com'])

/** `<api>/<path>` when `api` is a base URL other than X's. */
function besideApi(api: string | undefined, path: string): string | undefined {
  if (api === undefined) return undefined
  try {
    if (X_API_HOSTS.has(new URL(api).hostname)) return undefined
  } catch {
    return undefined
  }
  return `${api.replace(/\/+$/, '')}${path}`
}

/**
 * Reads the base URLs, OAuth endpoints and CA file of `env`.
 * @example
 * const env = readClientEnv({ BIRDHOUSE_API_URL: 'http://127.0.0.1:8080' })
 * env.apiBaseUrl // 'http://127.0.0.1:8080'
 * env.tokenUrl // 'http://127.0.0.1:8080/2/oauth2/token'
 */
export function readClientEnv(env: NodeJS.ProcessEnv = process.env): ClientEnv {
  const apiBaseUrl = first(env, ['BIRDHOUSE_API_URL', 'X_API_BASE_URL'])
  return {
    apiBaseUrl,
    uploadBaseUrl: first(env, ['BIRDHOUSE_UPLOAD_URL', 'X_UPLOAD_BASE_URL']),
    authorizeUrl: first(env, ['BIRDHOUSE_AUTHORIZE_URL']) ?? besideApi(apiBaseUrl, '/i/oauth2/authorize'),
    tokenUrl: first(env, ['BIRDHOUSE_TOKEN_URL']) ?? besideApi(apiBaseUrl, '/2/oauth2/token'),
    caFile: first(env, ['BIRDHOUSE_CA_FILE']),
  }
}

/**
 * The certificates Node itself adds to its roots from `NODE_EXTRA_CA_CERTS` (read once, at start,
 * by Node), so that a transport given its own `ca` keeps trusting them too; empty when unset or
 * unreadable (Node then only warns as well).
 */
export function nodeExtraCaCertificates(env: NodeJS.ProcessEnv = process.env): string[] {
  const path = first(env, ['NODE_EXTRA_CA_CERTS'])
  if (path === undefined) return []
  try {
    return [readFileSync(path, 'utf8')]
  } catch {
    return []
  }
}
