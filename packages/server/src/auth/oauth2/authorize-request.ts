/**
 * Validation of an authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3), in the order RFC 6749
 * §4.1.2.1 requires: while the client or its redirect URI is in doubt the user sees an error page
 * and is never redirected (an open redirector otherwise); after that, errors go back to the client
 * on its redirect URI with `error=` and the `state`. Redirect URIs match registered ones exactly,
 * character for character (RFC 9700 §4.1.3).
 */
import type { AppRecord, AuthStore } from '../../stores/auth-store.js'
import { OAuthError } from './oauth-errors.js'
import { type ChallengeMethod, isValidChallenge, parseChallengeMethod } from './pkce.js'
import { parseScope } from './scopes.js'

/** The parameters of an authorization request, in the order the consent forms echo them. */
export const AUTHORIZE_PARAMS = [
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
] as const

/** One authorization parameter's name. */
export type AuthorizeParamName = (typeof AUTHORIZE_PARAMS)[number]

/** The raw authorization parameters as sent (absent ones undefined). */
export type AuthorizeParams = Readonly<Record<AuthorizeParamName, string | undefined>>

/** X caps `state` at 500 characters (spec §12.1). */
const MAX_STATE_CHARS = 500

/** A request that passed every check. */
export interface AuthorizeRequest {
  app: AppRecord
  redirectUri: string
  /** Granted scopes, in request order. */
  scopes: string[]
  state: string
  codeChallenge: string
  codeChallengeMethod: ChallengeMethod
  /** As received, to echo in the consent forms. */
  params: AuthorizeParams
}

/** Outcome of `checkAuthorizeRequest`. */
export type AuthorizeCheck =
  | { kind: 'ok'; request: AuthorizeRequest }
  /** Show `message` on an error page; never redirect. */
  | { kind: 'fatal'; message: string }
  /** Send the error to the client's (verified) redirect URI. */
  | { kind: 'redirect'; redirectUri: string; state: string | undefined; error: OAuthError }

/** Picks the authorization parameters from a multimap; a parameter sent twice is reported (RFC 6749 §3.1). */
export function pickAuthorizeParams(source: ReadonlyMap<string, readonly string[]>): {
  params: AuthorizeParams
  repeated: AuthorizeParamName[]
} {
  const params: Partial<Record<AuthorizeParamName, string>> = {}
  const repeated: AuthorizeParamName[] = []
  for (const name of AUTHORIZE_PARAMS) {
    const values = source.get(name) ?? []
    if (values.length > 1) repeated.push(name)
    if (values[0] !== undefined) params[name] = values[0]
  }
  return { params: params as AuthorizeParams, repeated }
}

/** Checks a request's client and redirect URI, then everything else. */
export async function checkAuthorizeRequest(
  store: AuthStore,
  source: ReadonlyMap<string, readonly string[]>,
): Promise<AuthorizeCheck> {
  const { params, repeated } = pickAuthorizeParams(source)
  if (repeated.includes('client_id') || repeated.includes('redirect_uri')) {
    return { kind: 'fatal', message: 'The client_id and redirect_uri parameters may only be sent once.' }
  }
  const app = params.client_id === undefined ? undefined : await store.getAppByClientId(params.client_id)
  if (app === undefined) return { kind: 'fatal', message: 'This app is unknown: check the client_id parameter.' }
  const redirectUri = params.redirect_uri
  if (redirectUri === undefined || !app.redirectUris.includes(redirectUri)) {
    return {
      kind: 'fatal',
      message: 'The redirect_uri parameter does not match a callback URL registered for this app.',
    }
  }
  const state = params.state !== undefined && params.state.length <= MAX_STATE_CHARS ? params.state : undefined
  const fail = (error: OAuthError): AuthorizeCheck => ({ kind: 'redirect', redirectUri, state, error })
  if (repeated.length > 0) return fail(new OAuthError('invalid_request', `Parameter [${repeated[0]}] was sent twice.`))
  const problem = checkRest(params)
  if (problem !== undefined) return fail(problem)
  const scope = parseScope(params.scope ?? '')
  if (!scope.ok) return fail(new OAuthError('invalid_scope', `Unknown scope: ${scope.unknown.join(' ')}`))
  return {
    kind: 'ok',
    request: {
      app,
      redirectUri,
      scopes: scope.scopes,
      state: state as string,
      codeChallenge: params.code_challenge as string,
      codeChallengeMethod: parseChallengeMethod(params.code_challenge_method) as ChallengeMethod,
      params,
    },
  }
}

/** The first problem with response_type, state, scope presence and PKCE; undefined when none. */
function checkRest(params: AuthorizeParams): OAuthError | undefined {
  if (params.response_type === undefined)
    return new OAuthError('invalid_request', 'Missing required parameter [response_type].')
  if (params.response_type !== 'code') {
    return new OAuthError('unsupported_response_type', 'Only response_type=code is supported.')
  }
  if (params.state === undefined || params.state === '')
    return new OAuthError('invalid_request', 'Missing required parameter [state].')
  if (params.state.length > MAX_STATE_CHARS) {
    return new OAuthError('invalid_request', `Value passed for [state] is longer than ${MAX_STATE_CHARS} characters.`)
  }
  if (params.scope === undefined || params.scope.trim() === '') {
    return new OAuthError('invalid_scope', 'Missing required parameter [scope].')
  }
  // X requires PKCE (spec §12.1); RFC 9700 §2.1.1 asks authorization servers to enforce it.
  if (params.code_challenge === undefined)
    return new OAuthError('invalid_request', 'Missing required parameter [code_challenge].')
  const method = parseChallengeMethod(params.code_challenge_method)
  if (method === undefined) {
    return new OAuthError('invalid_request', 'Transform algorithm not supported: use S256 or plain.')
  }
  if (!isValidChallenge(params.code_challenge, method)) {
    return new OAuthError('invalid_request', `Value passed for [code_challenge] is not a valid ${method} challenge.`)
  }
  return undefined
}
