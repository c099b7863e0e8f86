/**
 * Runs the built `birdhouse` CLI as a child process for e2e tests, with a private HOME (so the
 * default token file and checkpoint directory are temp dirs) and none of the developer's
 * `BIRDHOUSE_*` settings; collects stdout, stderr, the exit code and the JSON lines printed.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const CLI = fileURLToPath(new URL('../../packages/cli/bin/birdhouse.js', import.meta.url))
const RUN_TIMEOUT_MS = 90_000

/** What a finished run printed and how it ended. */
export interface CliRun {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  /** Every stdout line that parses as a JSON object. */
  lines: Record<string, unknown>[]
}

/** A started run. */
export interface CliProcess {
  child: ChildProcess
  /** Calls `onLine` for each JSON line as it is printed. */
  onJsonLine(onLine: (line: Record<string, unknown>) => void): void
  done: Promise<CliRun>
}

/** The environment of a CLI run: `home` as HOME and XDG dirs, nothing of ours but `extra`. */
export function cliEnv(home: string, extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('BIRDHOUSE_') && !key.startsWith('XDG_') && !key.startsWith('X_')) env[key] = value
  }
  return { ...env, HOME: home, XDG_CONFIG_HOME: `${home}/.config`, XDG_CACHE_HOME: `${home}/.cache`, ...extra }
}

/** Starts `birdhouse <args>` with `env`. */
export function startCli(args: readonly string[], env: NodeJS.ProcessEnv): CliProcess {
  const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  const listeners: ((line: Record<string, unknown>) => void)[] = []
  let pending = ''
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk
    const parts = (pending + chunk).split('\n')
    pending = parts.pop() ?? ''
    for (const part of parts) {
      const line = parseLine(part)
      if (line !== undefined) for (const listener of listeners) listener(line)
    }
  })
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk
  })
  const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS)
  const done = new Promise<CliRun>((resolve) => {
    child.once('close', (code, signal) => {
      clearTimeout(timer)
      const lines = stdout.split('\n').flatMap((part) => {
        const line = parseLine(part)
        return line === undefined ? [] : [line]
      })
      resolve({ code, signal, stdout, stderr, lines })
    })
  })
  return { child, onJsonLine: (listener) => listeners.push(listener), done }
}

/** Runs `birdhouse <args>` to the end. */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return startCli(args, env).done
}

/** The JSON lines of `run` whose `event` is `event`. */
export function events(run: CliRun, event: string): Record<string, unknown>[] {
  return run.lines.filter((line) => line.event === event)
}

function parseLine(text: string): Record<string, unknown> | undefined {
  if (!text.startsWith('{')) return undefined
  try {
    return JSON.parse(text) as Record<string, unknown>
  } catch {
    return undefined
  }
}
