/**
 * The client commands of `birdhouse` (`login`, `upload`, `post`, `status`): thin over
 * `@birdhouse/client`, against X by default or any birdhouse with `--base-url`. Bad flags exit 2
 * (commander's own default is 1), as the exit-code table in the README says.
 */
import type { Command, CommanderError } from 'commander'
import { EXIT } from './exit-codes.js'
import { registerLoginCommand } from './login-command.js'
import { registerPostCommand } from './post-command.js'
import { registerStatusCommand } from './status-command.js'
import { registerUploadCommand } from './upload-command.js'

/** Adds `login`, `upload`, `post` and `status`. */
export function registerApiCommands(program: Command): void {
  registerLoginCommand(program)
  registerUploadCommand(program)
  registerPostCommand(program)
  registerStatusCommand(program)
  for (const name of ['login', 'upload', 'post', 'status']) {
    program.commands.find((command) => command.name() === name)?.exitOverride(usageExit)
  }
}

/** Commander calls this after printing a parse error or help: help exits 0, errors 2. */
function usageExit(error: CommanderError): never {
  process.exit(error.exitCode === 0 ? EXIT.ok : EXIT.usage)
}
