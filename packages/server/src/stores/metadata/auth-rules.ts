/**
 * The decisions of `AuthStore` shared by every backend: what redeeming a code, rotating a refresh
 * token and counting in a fixed window do, given the stored state. The SQL backends take these
 * decisions inside a transaction that holds the relevant rows (or in one conditional statement with
 * the same meaning); the memory backend takes them directly.
 */
import type { AuthorizationCodeRecord, RefreshTokenRecord } from '../auth-store.js'

/** Most expired nonces or ended counters one call to `useNonce` or `incrementCounter` deletes, so pruning never makes a call slow. */
export const PRUNE_BATCH = 100

/** What redeeming a code in its stored state does. */
export function redeemStep(code: AuthorizationCodeRecord | undefined, nowMs: number): 'ok' | 'replayed' | 'invalid' {
  if (code === undefined) return 'invalid'
  // A used code is a replay even once expired: the caller revokes what it issued (RFC 6749 §4.1.2).
  if (code.usedAtMs !== null) return 'replayed'
  return code.expiresAtMs > nowMs ? 'ok' : 'invalid'
}

/**
 * What rotating a refresh token in its stored state does: `rotate` (first use: mark it rotated),
 * `retry` (rotated less than `graceMs` ago: issue the successor again, keeping the first rotation
 * time so the grace window does not slide), `reuse` (revoke the family) or `invalid` (unknown).
 */
export function rotationStep(
  token: RefreshTokenRecord | undefined,
  nowMs: number,
  graceMs: number,
): 'rotate' | 'retry' | 'reuse' | 'invalid' {
  if (token === undefined) return 'invalid'
  if (token.revokedAtMs !== null) return 'reuse'
  if (token.rotatedAtMs === null) return 'rotate'
  // `graceMs > 0` first: with no grace, a rotation time ahead of a skewed clock must not count as recent.
  return graceMs > 0 && nowMs - token.rotatedAtMs < graceMs ? 'retry' : 'reuse'
}

/** A fixed-window counter's stored state. */
export interface CounterState {
  value: number
  windowEndsAtMs: number
}

/** The counter after one increment: restarted at 1 when the stored window ended or is another window. */
export function incremented(stored: CounterState | undefined, windowEndsAtMs: number, nowMs: number): CounterState {
  const current = stored !== undefined && stored.windowEndsAtMs > nowMs && stored.windowEndsAtMs === windowEndsAtMs
  return { value: current ? stored.value + 1 : 1, windowEndsAtMs }
}
