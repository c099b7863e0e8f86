/**
 * What every API command (`login`, `upload`, `post`, `status`) shares: the base URL, the
 * credentials and `--json`. This module is the CLI's only reader of the `BIRDHOUSE_*` client
 * environment. Credentials, first found wins: `--token`, `BIRDHOUSE_TOKEN`, the four OAuth 1.0a
 * variables, then the token file `birdhouse login` wrote (refreshed as needed, safely across
 * concurrent runs).
 */
import { homedir } from 'node:os'
import { join } from 'node:path'
import { type Auth, bearer, oauth1, oauth2User, X_AUTHORIZE_URL, X_TOKEN_URL } from '@birdhouse/client'
import { FileTokenStore, nodeTransportFromEnv, type Transport } from '@birdhouse/client/node'
import type { Command } from 'commander'
import { CliError } from './cli-error.js'

/** Flags of every API command. */
export interface ApiOptions {
  baseUrl?: string
  token?: string
  tokenFile?: string
  json?: boolean
}

/** Where requests go; undefined members mean X's defaults. */
export interface Endpoints {
  /** `--base-url` / `BIRDHOUSE_BASE_URL`, used for the API and uploads alike. */
  baseUrl: string | undefined
  /** X's `https://api.x.com/2/oauth2/token` unless a base URL is set. */
  tokenUrl: string
  /** X's `https://x.com/i/oauth2/authorize` unless a base URL is set. */
  authorizeUrl: string
}

/** Adds `--base-url`, `--token`, `--token-file` and `--json`. */
export function withApiFlags(command: Command): Command {
  return command
    .option(
      '--base-url <url>',
      'API and upload base URL, e.g. http://127.0.0.1:8080 (env BIRDHOUSE_BASE_URL; default X)',
    )
    .option('--token <token>', 'OAuth 2.0 bearer token to use (env BIRDHOUSE_TOKEN; default: the token file)')
    .option(
      '--token-file <path>',
      `tokens saved by \`birdhouse login\` (env BIRDHOUSE_TOKEN_FILE; default ${displayPath(defaultTokenFile())})`,
    )
    .option('--json', 'print JSON lines instead of text')
}

/** The base URL and OAuth endpoints for `options`. */
export function resolveEndpoints(options: ApiOptions): Endpoints {
  const raw = options.baseUrl ?? nonEmpty(process.env.BIRDHOUSE_BASE_URL)
  if (raw === undefined) {
    return { baseUrl: undefined, tokenUrl: X_TOKEN_URL, authorizeUrl: X_AUTHORIZE_URL }
  }
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new CliError('usage', `--base-url ${JSON.stringify(raw)}: expected an http(s) URL`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError('usage', `--base-url ${JSON.stringify(raw)}: expected an http(s) URL`)
  }
  const baseUrl = url.toString().replace(/\/+$/, '')
  return { baseUrl, tokenUrl: `${baseUrl}/2/oauth2/token`, authorizeUrl: `${baseUrl}/i/oauth2/authorize` }
}

/** The token file: `--token-file`, `BIRDHOUSE_TOKEN_FILE`, or the default under the config directory. */
export function tokenFilePath(options: ApiOptions): string {
  return options.tokenFile ?? nonEmpty(process.env.BIRDHOUSE_TOKEN_FILE) ?? defaultTokenFile()
}

/** `$XDG_CONFIG_HOME/birdhouse/tokens.json`, else `~/.config/birdhouse/tokens.json`. */
export function defaultTokenFile(): string {
  return join(nonEmpty(process.env.XDG_CONFIG_HOME) ?? join(homedir(), '.config'), 'birdhouse', 'tokens.json')
}

let transport: Transport | undefined

/**
 * The one transport of a CLI run, for uploads and token requests alike: Node's, trusting the PEM
 * file `BIRDHOUSE_CA_FILE` names besides Node's roots.
 */
export function cliTransport(): Transport {
  if (transport !== undefined) return transport
  try {
    transport = nodeTransportFromEnv()
  } catch (error) {
    throw new CliError('usage', (error as Error).message)
  }
  return transport
}

/** The credentials to send, in the order the module comment gives. */
export async function resolveAuth(options: ApiOptions): Promise<Auth> {
  const token = options.token ?? nonEmpty(process.env.BIRDHOUSE_TOKEN)
  if (token !== undefined) return bearer(token)
  const oauth1Env = ['CONSUMER_KEY', 'CONSUMER_SECRET', 'ACCESS_TOKEN', 'ACCESS_TOKEN_SECRET'].map((name) =>
    nonEmpty(process.env[`BIRDHOUSE_${name}`]),
  )
  const [consumerKey, consumerSecret, accessToken, tokenSecret] = oauth1Env
  if (
    consumerKey !== undefined &&
    consumerSecret !== undefined &&
    accessToken !== undefined &&
    tokenSecret !== undefined
  ) {
    return oauth1({ consumerKey, consumerSecret, token: accessToken, tokenSecret })
  }
  const path = tokenFilePath(options)
  const store = new FileTokenStore(path)
  const file = await store.readFile()
  if (file === undefined) {
    throw new CliError('auth', `not logged in: run \`birdhouse login\`, or pass --token (no token file at ${path})`)
  }
  if (file.client === undefined) return bearer(file.tokens.accessToken)
  const { clientId, clientSecret, tokenUrl } = file.client
  return oauth2User({
    store,
    clientId,
    tokenUrl,
    transport: cliTransport(),
    ...(clientSecret === undefined ? {} : { clientSecret }),
  })
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value
}

function displayPath(path: string): string {
  const home = homedir()
  return path.startsWith(`${home}/`) ? `~${path.slice(home.length)}` : path
}
