/**
 * Runs the built birdhouse server as a child process for black-box tests. Each server gets a free
 * port, its own temp data dir, and SQLite (the default) or a fresh PostgreSQL database created for
 * it; it is started with `birdhouse serve`, counted as up once it prints its "listening" line, and
 * a token comes from `birdhouse token`, exactly as a user would get one. `restart()` reuses the
 * data dir, database and port, which is what crash tests need. Children are killed in `close()`,
 * which `useBirdhouse` runs in `afterAll`, and as a last resort when the test process exits.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, it } from 'vitest'
import {
  createTestDatabase,
  postgresUnavailableReason,
  type TestDatabase,
} from '../../packages/server/src/stores/metadata/postgres-test-db.js'

const execFileAsync = promisify(execFile)
const CLI = fileURLToPath(new URL('../../packages/cli/bin/birdhouse.js', import.meta.url))
const START_TIMEOUT_MS = 30_000
const STOP_TIMEOUT_MS = 15_000
const OUTPUT_LINES = 300
const LISTENING = /birdhouse is listening on (\S+)/

/** Metadata backends a server can run on. */
export type BackendName = 'sqlite' | 'postgres'

/** How to start a server. */
export interface BirdhouseOptions {
  /** Metadata backend (default sqlite). */
  backend?: BackendName
  /** Extra environment for the server, e.g. `{ BIRDHOUSE_WORKERS: '0' }`. */
  env?: Readonly<Record<string, string>>
}

/** A running birdhouse process. */
export interface BirdhouseServer {
  /** Base URL, e.g. http://127.0.0.1:41234 (stays the same across restarts unless the port was taken). */
  readonly url: string
  /** Bearer token of the default user, from `birdhouse token`. */
  readonly token: string
  /** `BIRDHOUSE_DATA_DIR` of the server. */
  readonly dataDir: string
  readonly backend: BackendName
  /** Sends `signal` (default SIGTERM) and resolves once the process has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>
  /** Starts the server again on the same data dir, database and port, stopping it first if it runs; `env` changes its environment from now on. */
  restart(env?: Readonly<Record<string, string>>): Promise<void>
  /** The last lines the current process wrote, for failure messages. */
  output(): string
  /** Kills the process and deletes the data dir and the database. */
  close(): Promise<void>
}

// Children of every test file in this process, killed when it exits whatever happened to the
// hooks. Kept on globalThis because each test file evaluates this module afresh.
const LIVE = Symbol.for('birdhouse.e2e.live-children')
const globals = globalThis as { [LIVE]?: Set<ChildProcess> }
const live: Set<ChildProcess> =
  globals[LIVE] ??
  (() => {
    const children = new Set<ChildProcess>()
    globals[LIVE] = children
    process.on('exit', () => {
      for (const child of children) child.kill('SIGKILL')
    })
    return children
  })()

/** Resolves to a TCP port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (address === null || typeof address === 'string') throw new Error('could not pick a free port')
  return address.port
}

/** A backend to run a suite on, and why it cannot run here (undefined when it can). */
export interface BackendCase {
  name: BackendName
  unavailable: string | undefined
}

/** Checks every backend once; for `describe.each`. */
export async function backendCases(names: readonly BackendName[] = ['sqlite', 'postgres']): Promise<BackendCase[]> {
  return await Promise.all(
    names.map(async (name) => ({
      name,
      unavailable: name === 'postgres' ? await postgresUnavailableReason() : undefined,
    })),
  )
}

/**
 * For an unavailable backend, registers in its place a test that fails in CI (`process.env.CI`)
 * or is skipped with the reason printed elsewhere, and returns true; returns false otherwise.
 */
export function registerUnavailable(backend: BackendCase): boolean {
  const reason = backend.unavailable
  if (reason === undefined) return false
  if (process.env.CI) {
    it(`needs ${backend.name}, which CI must provide`, () => {
      throw new Error(reason)
    })
  } else {
    console.warn(`[e2e] skipping ${backend.name} suites: ${reason}`)
    it.skip(`every test (skipped: ${reason})`, () => {})
  }
  return true
}

/** Starts a server; the caller owns it and must `close()` it. */
export async function startBirdhouse(options: BirdhouseOptions = {}): Promise<BirdhouseServer> {
  const backend = options.backend ?? 'sqlite'
  const dataDir = await mkdtemp(join(tmpdir(), 'birdhouse-e2e-'))
  let database: TestDatabase | undefined
  try {
    if (backend === 'postgres') database = await createTestDatabase()
    const server = new ServerProcess(backend, dataDir, database, serverEnv(dataDir, database, options.env))
    await server.start(await freePort())
    return server
  } catch (error) {
    await database?.drop().catch(() => {})
    await rm(dataDir, { recursive: true, force: true })
    throw error
  }
}

/** Starts a server in `beforeAll`, closes it in `afterAll`, and returns a getter for it. */
export function useBirdhouse(options: BirdhouseOptions = {}): () => BirdhouseServer {
  let server: BirdhouseServer | undefined
  beforeAll(async () => {
    server = await startBirdhouse(options)
  })
  afterAll(async () => {
    await server?.close()
  })
  return () => {
    if (server === undefined) throw new Error('birdhouse did not start (see the beforeAll error)')
    return server
  }
}

function serverEnv(
  dataDir: string,
  database: TestDatabase | undefined,
  extra: Readonly<Record<string, string>> = {},
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  // The developer's own birdhouse settings (and an admin DATABASE_URL meant for the test helpers)
  // must not leak into the server under test.
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('BIRDHOUSE_') && !['DATABASE_URL', 'PORT', 'HOST'].includes(key)) env[key] = value
  }
  env.HOST = '127.0.0.1'
  env.BIRDHOUSE_DATA_DIR = dataDir
  env.BIRDHOUSE_LOG_LEVEL = 'warn'
  if (database !== undefined) env.DATABASE_URL = database.url
  return { ...env, ...extra }
}

class ServerProcess implements BirdhouseServer {
  readonly backend: BackendName
  readonly dataDir: string
  readonly #database: TestDatabase | undefined
  #env: NodeJS.ProcessEnv
  #child: ChildProcess | undefined
  #port = 0
  #url = ''
  #token = ''
  #lines: string[] = []

  constructor(backend: BackendName, dataDir: string, database: TestDatabase | undefined, env: NodeJS.ProcessEnv) {
    this.backend = backend
    this.dataDir = dataDir
    this.#database = database
    this.#env = env
  }

  get url(): string {
    return this.#url
  }

  get token(): string {
    return this.#token
  }

  output(): string {
    return this.#lines.join('\n')
  }

  /** Spawns `birdhouse serve` on `port` (another free port if it is taken) and fetches a token once. */
  async start(port: number): Promise<void> {
    try {
      await this.#spawn(port)
    } catch (error) {
      if (!/EADDRINUSE/.test(this.output())) throw error
      await this.#spawn(await freePort())
    }
    if (this.#token === '') this.#token = await this.#issueToken()
  }

  async restart(env?: Readonly<Record<string, string>>): Promise<void> {
    if (this.#child !== undefined) await this.kill('SIGTERM')
    if (env !== undefined) this.#env = { ...this.#env, ...env }
    await this.start(this.#port)
  }

  async kill(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.#child
    if (child === undefined) return
    const exited = new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve()
      else child.once('exit', () => resolve())
    })
    child.kill(signal)
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS)
    await exited
    clearTimeout(timer)
    live.delete(child)
    this.#child = undefined
  }

  async close(): Promise<void> {
    await this.kill('SIGKILL')
    await this.#database?.drop()
    await rm(this.dataDir, { recursive: true, force: true })
  }

  #spawn(port: number): Promise<void> {
    this.#lines = []
    const child = spawn(process.execPath, [CLI, 'serve'], {
      env: { ...this.#env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    live.add(child)
    this.#child = child
    this.#port = port
    return new Promise<void>((resolve, reject) => {
      const fail = (reason: string) => {
        clearTimeout(timer)
        reject(new Error(`birdhouse serve ${reason}; output:\n${this.output()}`))
      }
      const timer = setTimeout(() => {
        child.kill('SIGKILL')
        fail(`printed no "listening" line within ${START_TIMEOUT_MS} ms`)
      }, START_TIMEOUT_MS)
      const onLine = (line: string) => {
        this.#lines.push(line)
        if (this.#lines.length > OUTPUT_LINES) this.#lines.shift()
        const match = LISTENING.exec(line)
        if (match?.[1] !== undefined && this.#url !== match[1]) this.#url = match[1]
        if (match !== null) {
          clearTimeout(timer)
          resolve()
        }
      }
      readLines(child.stdout, onLine)
      readLines(child.stderr, onLine)
      child.once('exit', (code, signal) => {
        live.delete(child)
        if (this.#child === child) this.#child = undefined
        fail(`exited (code ${code}, signal ${signal})`)
      })
    })
  }

  async #issueToken(): Promise<string> {
    const { stdout } = await execFileAsync(process.execPath, [CLI, 'token'], {
      env: { ...this.#env, PORT: String(this.#port) },
      timeout: START_TIMEOUT_MS,
    })
    const token = stdout.trim()
    if (!/^bh_\S+$/.test(token)) throw new Error(`birdhouse token printed ${JSON.stringify(stdout)}`)
    return token
  }
}

function readLines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  if (stream === null) return
  let rest = ''
  stream.setEncoding('utf8')
  stream.on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\n')
    rest = lines.pop() ?? ''
    for (const line of lines) onLine(line)
  })
}
