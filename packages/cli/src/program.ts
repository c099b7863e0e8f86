/** Commands of the `birdhouse` CLI. */
import { issueDefaultToken, startServer } from '@birdhouse/server'
import { Command } from 'commander'
import { registerAccountCommands } from './account-commands.js'
import { registerApiCommands } from './api-commands.js'
import { configFrom, fail, type StoreOptions, withStoreFlags } from './command-support.js'
import { onShutdown } from './shutdown.js'
import { registerWorkerCommand } from './worker-command.js'

async function serve(options: StoreOptions): Promise<void> {
  const server = await startServer(configFrom(options)).catch(fail)
  const lines = [`birdhouse is listening on ${server.url}`]
  if (server.firstToken !== undefined) {
    lines.push(
      `Created user @${server.defaultUser}. Bearer token (all scopes; shown once):`,
      '',
      `  ${server.firstToken}`,
      '',
    )
    lines.push(`Try: curl -H "Authorization: Bearer ${server.firstToken}" "${server.url}/2/media/upload?media_id=1"`)
  } else {
    lines.push(`A fresh token for @${server.defaultUser}: TOKEN=$(npx birdhouse token)`)
  }
  console.log(lines.join('\n'))
  onShutdown(() => server.close())
}

/** Builds the commander program. */
export function buildProgram(): Command {
  const program = new Command('birdhouse')
    .description('Self-hosted X media upload API: server and tools')
    .showHelpAfterError()
  withStoreFlags(
    program
      .command('serve')
      .description('start the server (prints its URL, and a token on first start)')
      .option('--port <port>', 'TCP port (env PORT, default 8080)')
      .option('--host <host>', 'listen address (env HOST, default 127.0.0.1)'),
  ).action(serve)
  withStoreFlags(
    program.command('token').description('print a fresh bearer token for the default user, and nothing else'),
  ).action(async (options: StoreOptions) => {
    const token = await issueDefaultToken(configFrom(options)).catch(fail)
    process.stdout.write(`${token}\n`)
  })
  registerWorkerCommand(program)
  registerAccountCommands(program)
  registerApiCommands(program)
  return program
}
