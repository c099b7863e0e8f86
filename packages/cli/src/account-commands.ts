/**
 * `birdhouse users create` and `birdhouse apps create|token`: users and apps on the configured
 * stores, printing credentials once (as text, or one JSON object with `--json`).
 *
 * @example
 * npx birdhouse users create alice --password 'correct horse battery'
 * npx birdhouse apps create --name demo --redirect-uri http://127.0.0.1:3000/callback --owner alice
 * npx birdhouse apps token demo --user bob --json
 */
import { type CreatedApp, createAppTask, createdAppView, createUserTask, issueAppTokenTask } from '@birdhouse/server'
import type { Command } from 'commander'
import { configFrom, fail, printJson, type StoreOptions, withStoreFlags } from './command-support.js'

interface UserOptions extends StoreOptions {
  password?: string
  name?: string
  json?: boolean
}

interface AppOptions extends StoreOptions {
  name: string
  redirectUri: string[]
  public?: boolean
  readOnly?: boolean
  owner?: string
  json?: boolean
}

interface TokenOptions extends StoreOptions {
  user: string
  json?: boolean
}

const collect = (value: string, previous: string[]) => [...previous, value]

async function createUser(handle: string, options: UserOptions): Promise<void> {
  const { user, generatedPassword } = await createUserTask(configFrom(options), {
    handle,
    ...(options.password === undefined ? {} : { password: options.password }),
    ...(options.name === undefined ? {} : { name: options.name }),
  }).catch(fail)
  if (options.json === true) {
    const password = generatedPassword === undefined ? {} : { password: generatedPassword }
    return printJson({ id: user.id, handle: user.handle, name: user.name, ...password })
  }
  console.log(`Created user @${user.handle} (id ${user.id}).`)
  if (generatedPassword !== undefined) console.log(`Generated password (shown once): ${generatedPassword}`)
}

function describeApp(created: CreatedApp): string {
  const { app } = created
  const rows: [string, string][] = [
    ['OAuth 2.0 client id', created.clientId],
    ...(created.clientSecret === null
      ? []
      : ([['OAuth 2.0 client secret', created.clientSecret]] as [string, string][])),
    ['API key (consumer key)', created.consumerKey],
    ['API key secret (consumer secret)', created.consumerSecret],
    ['Bearer token (app-only)', created.bearerToken],
    ['Access token (owner)', created.accessToken],
    ['Access token secret (owner)', created.accessTokenSecret],
  ]
  const width = Math.max(...rows.map(([label]) => label.length))
  const kind = created.clientSecret === null ? 'public' : 'confidential'
  return [
    `Created app "${app.name}" (id ${app.id}): ${kind} client, ${app.permission}, redirect URIs ${app.redirectUris.join(' ')}`,
    'Shown once; store them now:',
    '',
    ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`),
  ].join('\n')
}

async function createApp(options: AppOptions): Promise<void> {
  const created = await createAppTask(configFrom(options), {
    name: options.name,
    redirectUris: options.redirectUri,
    public: options.public === true,
    permission: options.readOnly === true ? 'read' : 'read-write',
    ...(options.owner === undefined ? {} : { ownerHandle: options.owner }),
  }).catch(fail)
  if (options.json === true) return printJson(createdAppView(created))
  console.log(describeApp(created))
}

async function appToken(appRef: string, options: TokenOptions): Promise<void> {
  const issued = await issueAppTokenTask(configFrom(options), appRef, options.user).catch(fail)
  if (options.json === true) {
    return printJson({
      app_id: issued.app.id,
      user_id: issued.user.id,
      oauth_token: issued.accessToken,
      oauth_token_secret: issued.accessTokenSecret,
    })
  }
  console.log(`OAuth 1.0a access token of @${issued.user.handle} for "${issued.app.name}" (shown once):`)
  console.log(`  Access token         ${issued.accessToken}\n  Access token secret  ${issued.accessTokenSecret}`)
}

/** Adds the `users` and `apps` command groups. */
export function registerAccountCommands(program: Command): void {
  const users = program.command('users').description('manage local users')
  withStoreFlags(
    users
      .command('create <handle>')
      .description('create a user who can sign in on the consent page (prints a generated password if none is given)')
      .option('--password <password>', 'password, 8 or more characters (default: generated and printed)')
      .option('--name <name>', 'display name (default: the handle)')
      .option('--json', 'print one JSON object'),
  ).action(createUser)
  const apps = program.command('apps').description('manage client apps')
  withStoreFlags(
    apps
      .command('create')
      .description("create an app and print all its credentials once, as X's developer portal does")
      .requiredOption('--name <name>', 'app name shown on the consent page')
      .requiredOption('--redirect-uri <uri>', 'OAuth 2.0 callback URL, matched exactly (repeatable)', collect, [])
      .option('--public', 'public client (native or single-page app): no client secret')
      .option('--read-only', 'read permission only (default: read and write)')
      .option('--owner <handle>', 'owner, who also gets an OAuth 1.0a access token (default: the default user)')
      .option('--json', 'print one JSON object'),
  ).action(createApp)
  withStoreFlags(
    apps
      .command('token <app>')
      .description('issue an OAuth 1.0a access token of a user for an app (id, client id, consumer key or name)')
      .requiredOption('--user <handle>', 'the user the token acts for')
      .option('--json', 'print one JSON object'),
  ).action(appToken)
}
