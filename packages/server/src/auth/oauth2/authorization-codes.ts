/**
 * Authorization codes and the redirects that carry them. A code lives 30 seconds (X's limit, spec
 * §12.1), is stored only as its SHA-256, and is bound to the client, the redirect URI, the scopes and
 * the PKCE challenge; it also names the token family it will start, so a replay can revoke what the
 * first use issued (RFC 6749 §4.1.2, RFC 9700 §4.5).
 */
import type { Clock } from '../../clock.js'
import type { AuthorizationCodeRecord, AuthStore } from '../../stores/auth-store.js'
import { newFamilyId, newOpaqueToken } from '../credentials.js'
import { hashToken } from '../crypto.js'
import type { AuthorizeRequest } from './authorize-request.js'
import type { OAuthError } from './oauth-errors.js'

/** How long a code may wait for its exchange. */
export const CODE_LIFETIME_MS = 30_000

/** Issues a code for `userId`'s approval of `request`; resolves to the clear code. */
export async function issueAuthorizationCode(
  store: AuthStore,
  clock: Clock,
  request: AuthorizeRequest,
  userId: string,
): Promise<string> {
  const code = newOpaqueToken()
  const now = clock.now()
  const record: AuthorizationCodeRecord = {
    codeHash: hashToken(code),
    appId: request.app.id,
    userId,
    redirectUri: request.redirectUri,
    scopes: request.scopes,
    codeChallenge: request.codeChallenge,
    codeChallengeMethod: request.codeChallengeMethod,
    familyId: newFamilyId(),
    createdAtMs: now,
    expiresAtMs: now + CODE_LIFETIME_MS,
    usedAtMs: null,
  }
  await store.createAuthorizationCode(record)
  return code
}

/** Appends query parameters to a redirect URI as registered, leaving its own query intact (RFC 6749 §3.1.2). */
export function withQuery(redirectUri: string, pairs: ReadonlyArray<readonly [string, string]>): string {
  const query = new URLSearchParams(pairs.map(([name, value]) => [name, value])).toString()
  return `${redirectUri}${redirectUri.includes('?') ? '&' : '?'}${query}`
}

/** The success redirect, in X's parameter order: `?state=…&code=…` (spec fidelity case 75). */
export function codeRedirect(request: AuthorizeRequest, code: string): string {
  return withQuery(request.redirectUri, [
    ['state', request.state],
    ['code', code],
  ])
}

/** An error redirect: `?error=…&error_description=…&state=…` (RFC 6749 §4.1.2.1). */
export function errorRedirect(redirectUri: string, error: OAuthError, state: string | undefined): string {
  const pairs: [string, string][] = [
    ['error', error.error],
    ['error_description', error.description],
  ]
  if (state !== undefined) pairs.push(['state', state])
  return withQuery(redirectUri, pairs)
}
