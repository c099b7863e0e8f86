/** Parsers of numeric and enumerated flags that fail as usage errors (exit 2). */
import { CliError } from './cli-error.js'

/** An integer flag within [min, max]. */
export function parseInteger(flag: string, raw: string, min: number, max: number): number {
  const value = Number(raw)
  if (!/^\d+$/.test(raw.trim()) || value < min || value > max) {
    throw new CliError('usage', `${flag} ${JSON.stringify(raw)}: expected an integer from ${min} to ${max}`)
  }
  return value
}

/** A byte size: an integer with an optional K, M or G suffix (binary: 4M = 4 MiB). */
export function parseBytes(flag: string, raw: string, min: number, max: number): number {
  const match = /^(\d+)\s*([kmg])?i?b?$/i.exec(raw.trim())
  const unit = { k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(match?.[2] ?? '').toLowerCase() as 'k' | 'm' | 'g'] ?? 1
  const value = match === null ? Number.NaN : Number(match[1]) * unit
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new CliError('usage', `${flag} ${JSON.stringify(raw)}: expected a size from ${min} to ${max} bytes (e.g. 4M)`)
  }
  return value
}

/** One of `choices`. */
export function parseChoice<T extends string>(flag: string, raw: string, choices: readonly T[]): T {
  if ((choices as readonly string[]).includes(raw)) return raw as T
  throw new CliError('usage', `${flag} ${JSON.stringify(raw)}: expected one of ${choices.join(', ')}`)
}
