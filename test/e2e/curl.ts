/**
 * Runs curl as a real process on command lines copied from X's docs. `docCommand` swaps the host
 * and fills placeholders (failing when one is not in the text, so a typo cannot silently leave the
 * doc's value in place); `curl` splits the line like a POSIX shell would (quotes, backslash-newline)
 * and runs it with `execFile`, no shell involved, then reads status, headers and body back.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

const execFileAsync = promisify(execFile)
const DOC_HOSTS = ['https://upload.twitter.com', 'https://api.twitter.com', 'https://api.x.com']
const CURL_TIMEOUT_SECS = 60

/** What curl got back. */
export interface CurlResponse {
  status: number
  /** Headers of the final response (not of a `100 Continue`), names lower-cased. */
  headers: Record<string, string>
  body: string
  /** The body parsed as JSON. */
  json(): unknown
}

/** A doc command line with its host replaced by `baseUrl` and each `replacements` key by its value. */
export function docCommand(text: string, baseUrl: string, replacements: Readonly<Record<string, string>> = {}): string {
  let line = text
  for (const host of DOC_HOSTS) line = line.replaceAll(host, baseUrl)
  for (const [placeholder, value] of Object.entries(replacements)) {
    if (!line.includes(placeholder)) throw new Error(`placeholder ${placeholder} is not in: ${text}`)
    line = line.replaceAll(placeholder, value)
  }
  return line
}

/** Splits a shell command line into words: single and double quotes, backslash escapes, line continuations. */
export function splitCommandLine(line: string): string[] {
  const words: string[] = []
  let word: string | undefined
  let quote: '"' | "'" | undefined
  for (let i = 0; i < line.length; i++) {
    const char = line[i] as string
    if (quote === "'") {
      if (char === "'") quote = undefined
      else word += char
    } else if (char === '\\') {
      const next = line[++i] ?? ''
      if (next === '\n') continue
      if (quote === '"' && !['"', '\\', '$', '`'].includes(next)) word = `${word ?? ''}\\`
      word = (word ?? '') + next
    } else if (quote === '"') {
      if (char === '"') quote = undefined
      else word += char
    } else if (char === '"' || char === "'") {
      quote = char
      word ??= ''
    } else if (/\s/.test(char)) {
      if (word !== undefined) words.push(word)
      word = undefined
    } else {
      word = (word ?? '') + char
    }
  }
  if (quote !== undefined) throw new Error(`unterminated ${quote} in: ${line}`)
  if (word !== undefined) words.push(word)
  return words
}

/** Runs a `curl …` command line (or argv without the leading `curl`) and returns the response. */
export async function curl(command: string | readonly string[]): Promise<CurlResponse> {
  const words = typeof command === 'string' ? splitCommandLine(command) : ['curl', ...command]
  if (words[0] !== 'curl') throw new Error(`not a curl command: ${String(command)}`)
  const dir = await mkdtemp(join(tmpdir(), 'birdhouse-curl-'))
  try {
    const headerFile = join(dir, 'headers')
    const bodyFile = join(dir, 'body')
    const { stdout } = await execFileAsync('curl', [
      '--silent',
      '--show-error',
      '--max-time',
      String(CURL_TIMEOUT_SECS),
      '--dump-header',
      headerFile,
      '--output',
      bodyFile,
      '--write-out',
      '%{http_code}',
      ...words.slice(1),
    ])
    const body = await readFile(bodyFile, 'utf8').catch(() => '')
    const headers = parseFinalHeaders(await readFile(headerFile, 'utf8'))
    return {
      status: Number(stdout.trim()),
      headers,
      body,
      json: () => JSON.parse(body) as unknown,
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

function parseFinalHeaders(dump: string): Record<string, string> {
  const blocks = dump.split(/\r?\n\r?\n/).filter((block) => block.startsWith('HTTP/'))
  const headers: Record<string, string> = {}
  for (const line of (blocks.at(-1) ?? '').split(/\r?\n/).slice(1)) {
    const colon = line.indexOf(':')
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  return headers
}
