/**
 * docs/errors.md must list exactly the catalogue's codes with the catalogue's statuses, problem
 * types, titles, messages, v1.1 bodies and descriptions (fastify's docs-vs-errors test, adapted).
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ERROR_CODES, type ErrorCode, isErrorCode } from './error-codes.js'
import { buildV1Error, PROBLEM_TYPE_BASE } from './problems.js'

const DOC_URL = new URL('../../../docs/errors.md', import.meta.url)
const COLUMNS = [
  'Code',
  'v2 status',
  'Problem type',
  'Title',
  'Message',
  'v1.1 status',
  'v1.1 body',
  'Description',
] as const

/** One table row, cell by column name. */
type Row = Record<(typeof COLUMNS)[number], string>

/** Splits a Markdown table line into trimmed cells (`\|` is a literal pipe). */
function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim().replaceAll('\\|', '|'))
}

/** Strips one pair of enclosing backticks. */
const code = (cell: string) => cell.replace(/^`(.*)`$/, '$1')

/** The rows of the catalogue table, checking its header first. */
function readRows(markdown: string): Row[] {
  const lines = markdown.split('\n')
  const header = lines.findIndex((line) => /^\|\s*Code\s*\|/.test(line))
  if (cells(lines[header] ?? '').join() !== COLUMNS.join()) {
    throw new Error(`docs/errors.md needs a table headed | ${COLUMNS.join(' | ')} |`)
  }
  const rows: Row[] = []
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break
    const values = cells(line)
    if (values.length !== COLUMNS.length) throw new Error(`docs/errors.md row has ${values.length} cells: ${line}`)
    rows.push(Object.fromEntries(COLUMNS.map((column, i) => [column, values[i] ?? ''])) as Row)
  }
  return rows
}

/** What the doc must say about a code, derived from the catalogue. */
function expectedRow(name: ErrorCode): Row {
  const spec = ERROR_CODES[name]
  return {
    Code: name,
    'v2 status': String(spec.status),
    'Problem type': spec.problem === 'about:blank' ? 'about:blank' : `${PROBLEM_TYPE_BASE}${spec.problem}`,
    Title: spec.title,
    Message: spec.message,
    'v1.1 status': String(spec.v1.status),
    'v1.1 body': JSON.stringify(buildV1Error(name, '/1.1/media/upload.json')),
    Description: spec.description,
  }
}

const rows = readRows(readFileSync(DOC_URL, 'utf8'))
const documented = rows.map((row) => code(row.Code))

describe('docs/errors.md', () => {
  it('lists every catalogue code', () => {
    const missing = Object.keys(ERROR_CODES).filter((name) => !documented.includes(name))
    expect(missing).toEqual([])
  })

  it('lists no code the catalogue lacks, and none twice', () => {
    expect(documented.filter((name) => !isErrorCode(name))).toEqual([])
    expect(documented.filter((name, i) => documented.indexOf(name) !== i)).toEqual([])
  })

  it.each(rows.filter((row) => isErrorCode(code(row.Code))))('documents $Code as the catalogue defines it', (row) => {
    const actual: Row = {
      ...row,
      Code: code(row.Code),
      'Problem type': code(row['Problem type']),
      'v1.1 body': JSON.stringify(JSON.parse(code(row['v1.1 body']))),
    }
    expect(actual).toEqual(expectedRow(code(row.Code) as ErrorCode))
  })
})
