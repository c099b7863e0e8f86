/** The built birdhouse server as a child process of a benchmark: started on a free port, stopped cleanly. */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const repoRoot = fileURLToPath(new URL('..', import.meta.url))

/**
 * Starts `birdhouse serve` on `dataDir` (port 0, log level warn, plus `env`) and resolves once it
 * printed its URL and the development token.
 * @returns {Promise<{ child: import('node:child_process').ChildProcess, url: string, token: string }>}
 */
export async function startBirdhouse(dataDir, env = {}) {
  const child = spawn(process.execPath, [join(repoRoot, 'packages/cli/bin/birdhouse.js'), 'serve'], {
    env: { ...process.env, PORT: '0', BIRDHOUSE_DATA_DIR: dataDir, BIRDHOUSE_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let out = ''
  for await (const chunk of child.stdout) {
    out += chunk
    const url = /listening on (\S+)/.exec(out)?.[1]
    const token = /\b(bh_\S+)/.exec(out)?.[1]
    if (url !== undefined && token !== undefined) {
      child.stdout.resume()
      return { child, url, token }
    }
  }
  throw new Error(`birdhouse exited before it was ready:\n${out}`)
}

/** SIGTERM, then SIGKILL after 10 s; resolves once the process exited. */
export async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = once(child, 'exit')
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
  await exited
  clearTimeout(timer)
}
