/**
 * `birdhouse login`: OAuth 2.0 Authorization Code with PKCE and a loopback redirect, against X or
 * birdhouse (`--base-url`). It opens the authorization URL in a browser (or prints it with
 * `--no-browser`), receives the code on a temporary server on 127.0.0.1, exchanges it and saves
 * the tokens, with the client they belong to, in the token file (0600) so later commands refresh
 * them. The redirect URI must be registered for the app exactly (X and birdhouse both match it
 * character for character), so pass `--port` or `--redirect-uri` to match a registered one.
 *
 * @example
 * npx birdhouse login --client-id "$CLIENT_ID" --port 3000         # app registered with http://127.0.0.1:3000/callback
 * npx birdhouse login --base-url http://127.0.0.1:8080 --client-id "$CLIENT_ID" --client-secret "$SECRET" --no-browser
 */
import { spawn } from 'node:child_process'
import { buildAuthorizeUrl, createPkcePair, createState, DEFAULT_SCOPES, exchangeCode } from '@birdhouse/client'
import { FileTokenStore } from '@birdhouse/client/node'
import type { Command } from 'commander'
import { abortOnSignals, failApi } from './api-failure.js'
import { type ApiOptions, cliTransport, resolveEndpoints, tokenFilePath, withApiFlags } from './api-options.js'
import { CliError } from './cli-error.js'
import { openLoopbackRedirect } from './loopback-redirect.js'
import { parseInteger } from './parse-options.js'

/** Flags of `birdhouse login`. */
interface LoginOptions extends ApiOptions {
  clientId?: string
  clientSecret?: string
  port?: string
  redirectUri?: string
  scopes?: string
  browser: boolean
  timeout: string
}

/** Adds `birdhouse login`. */
export function registerLoginCommand(program: Command): void {
  withApiFlags(
    program
      .command('login')
      .description('authorize with OAuth 2.0 + PKCE in a browser and save the tokens for later commands')
      .option('--client-id <id>', 'OAuth 2.0 client id of your app (env BIRDHOUSE_CLIENT_ID)')
      .option('--client-secret <secret>', 'client secret of a confidential app (env BIRDHOUSE_CLIENT_SECRET)')
      .option(
        '--port <port>',
        'port of the loopback redirect http://127.0.0.1:<port>/callback (default: any free port)',
      )
      .option('--redirect-uri <uri>', 'registered loopback redirect URI to listen on instead')
      .option('--scopes <scopes>', 'space-separated scopes', DEFAULT_SCOPES.join(' '))
      .option('--no-browser', 'print the authorization URL instead of opening a browser')
      .option('--timeout <secs>', 'give up waiting for the redirect after this many seconds', '300'),
  ).action((options: LoginOptions) => login(options).catch((error: unknown) => failApi(error, options.json === true)))
}

async function login(options: LoginOptions): Promise<void> {
  const clientId = options.clientId ?? nonEmpty(process.env.BIRDHOUSE_CLIENT_ID)
  if (clientId === undefined) throw new CliError('usage', 'login needs --client-id (or BIRDHOUSE_CLIENT_ID)')
  const clientSecret = options.clientSecret ?? nonEmpty(process.env.BIRDHOUSE_CLIENT_SECRET)
  const endpoints = resolveEndpoints(options)
  const timeoutSecs = parseInteger('--timeout', options.timeout, 1, 86_400)
  const port = options.port === undefined ? undefined : parseInteger('--port', options.port, 0, 65_535)
  const redirect = await openLoopbackRedirect({
    ...(port === undefined ? {} : { port }),
    ...(options.redirectUri === undefined ? {} : { redirectUri: options.redirectUri }),
  })
  try {
    const pkce = await createPkcePair()
    const state = createState()
    const authorizeUrl = buildAuthorizeUrl({
      authorizeBaseUrl: endpoints.authorizeUrl,
      clientId,
      redirectUri: redirect.redirectUri,
      scopes: (options.scopes ?? '').split(/\s+/).filter((scope) => scope !== ''),
      state,
      codeChallenge: pkce.challenge,
    })
    announce(options, authorizeUrl, redirect.redirectUri)
    if (options.browser) openBrowser(authorizeUrl)
    const signal = AbortSignal.any([abortOnSignals(), AbortSignal.timeout(timeoutSecs * 1000)])
    const code = await redirect.waitForCode(state, signal).catch((error: unknown) => {
      if ((error as { name?: string }).name === 'TimeoutError') {
        throw new CliError('auth', `no authorization arrived at ${redirect.redirectUri} within ${timeoutSecs} s`)
      }
      throw error
    })
    const client = { clientId, tokenUrl: endpoints.tokenUrl, ...(clientSecret === undefined ? {} : { clientSecret }) }
    const tokens = await exchangeCode({
      ...client,
      transport: cliTransport(),
      code,
      redirectUri: redirect.redirectUri,
      codeVerifier: pkce.verifier,
    })
    const path = tokenFilePath(options)
    await new FileTokenStore(path).save(tokens, client)
    report(options, path, tokens.scope, tokens.expiresAtMs)
  } finally {
    await redirect.close()
  }
}

function announce(options: LoginOptions, authorizeUrl: string, redirectUri: string): void {
  if (options.json === true) {
    process.stdout.write(
      `${JSON.stringify({ event: 'authorize', authorize_url: authorizeUrl, redirect_uri: redirectUri })}\n`,
    )
    return
  }
  const opening = options.browser ? 'Opening' : 'Open'
  console.error(`${opening} this URL in a browser to authorize birdhouse:\n\n  ${authorizeUrl}\n`)
  console.error(`Waiting for the redirect to ${redirectUri} …`)
}

function report(options: LoginOptions, path: string, scope: string | undefined, expiresAtMs: number | undefined): void {
  if (options.json === true) {
    const expires = expiresAtMs === undefined ? {} : { expires_at: new Date(expiresAtMs).toISOString() }
    process.stdout.write(
      `${JSON.stringify({ event: 'logged_in', token_file: path, scope: scope ?? null, ...expires })}\n`,
    )
    return
  }
  console.log(`Logged in${scope === undefined ? '' : ` with scopes ${scope}`}; tokens saved to ${path}`)
}

/** Opens `url` in the desktop's browser; failure is fine (the URL was printed). */
function openBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url.replace(/&/g, '^&')]]
        : ['xdg-open', [url]]
  try {
    const child = spawn(command, args as string[], { detached: true, stdio: 'ignore' })
    child.on('error', () => {})
    child.unref()
  } catch {
    // No opener: the URL is on the terminal.
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value
}
