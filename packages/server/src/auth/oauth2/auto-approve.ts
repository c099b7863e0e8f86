/**
 * `BIRDHOUSE_AUTO_APPROVE=<handle>` approves every authorization request at once as that user, for
 * tests and CI. Anyone who can reach the server could then mint tokens for that user, so it is
 * refused unless the server listens on a loopback address only.
 */
import { isIP } from 'node:net'
import { type Config, ConfigError } from '../../config.js'

/** Whether `host` only accepts connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase()
  if (bare === 'localhost' || bare === '::1' || bare === '0:0:0:0:0:0:0:1') return true
  if (isIP(bare) === 4) return bare.startsWith('127.')
  // IPv4-mapped IPv6 loopback, e.g. ::ffff:127.0.0.1.
  return /^::ffff:127\./.test(bare)
}

/** Throws `ConfigError` when auto-approve is on and `host` is not loopback. */
export function assertAutoApproveAllowed(config: Pick<Config, 'autoApprove'>, host: string): void {
  if (config.autoApprove === undefined || isLoopbackHost(host)) return
  throw new ConfigError([
    `BIRDHOUSE_AUTO_APPROVE: refused because the server listens on ${host}; auto-approve needs a loopback HOST (127.0.0.1, ::1 or localhost)`,
  ])
}
