/**
 * The authorization endpoint: `GET /i/oauth2/authorize` (X's path), also `/oauth2/authorize` and
 * `/2/oauth2/authorize` (OpenAPI). GET checks the request and shows the consent page (sign-in form
 * or Approve / Cancel); the forms POST back to the same path with the request's parameters and a
 * CSRF token; approval answers 302 to `redirect_uri?state=…&code=…`, denial
 * `redirect_uri?error=access_denied&…&state=…`. With `BIRDHOUSE_AUTO_APPROVE` a valid GET is
 * approved at once as the configured user.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppService } from '../auth/apps.js'
import { codeRedirect, errorRedirect, issueAuthorizationCode } from '../auth/oauth2/authorization-codes.js'
import { type AuthorizeCheck, type AuthorizeRequest, checkAuthorizeRequest } from '../auth/oauth2/authorize-request.js'
import type { ConsentSession, ConsentSigner } from '../auth/oauth2/consent-session.js'
import { OAuthError } from '../auth/oauth2/oauth-errors.js'
import type { RequestBody } from './body-parsers.js'
import { readConsentCookie, writeConsentCookie } from './consent-cookie.js'
import { approvePage, type ConsentForm, errorPage, loginPage } from './consent-page.js'

/** Paths the authorization endpoint answers on. */
export const AUTHORIZE_PATHS = ['/i/oauth2/authorize', '/oauth2/authorize', '/2/oauth2/authorize'] as const

/** Lifetime of a session before sign-in, and after. */
const ANONYMOUS_SESSION_MS = 30 * 60_000
const USER_SESSION_MS = 60 * 60_000

/** Dependencies of the authorization endpoint. */
export interface OAuth2AuthorizeDeps {
  apps: AppService
  signer: ConsentSigner
  /** Handle approved automatically (config.autoApprove). */
  autoApprove: string | undefined
}

/** Registers GET and POST on every authorization path. */
export function registerOAuth2Authorize(app: FastifyInstance, deps: OAuth2AuthorizeDeps): void {
  for (const path of AUTHORIZE_PATHS) {
    app.get(path, (request, reply) => showConsent(deps, request, reply))
    app.post(path, (request, reply) => answerConsent(deps, request, reply))
  }
}

async function showConsent(deps: OAuth2AuthorizeDeps, request: FastifyRequest, reply: FastifyReply) {
  const check = await checkAuthorizeRequest(request.server.auth, queryMap(request.query))
  if (check.kind !== 'ok') return answerRefusal(reply, check)
  if (deps.autoApprove !== undefined) return autoApprove(deps.autoApprove, check.request, request, reply)
  const now = request.server.clock.now()
  const session = deps.signer.decode(readConsentCookie(request), now)
  const user = session?.userId ? await request.server.metadata.getUser(session.userId) : undefined
  if (session !== undefined && user !== undefined) {
    return html(reply, 200, approvePage(consentForm(deps, request, check.request, session), user.handle))
  }
  const anonymous = deps.signer.create(null, now, ANONYMOUS_SESSION_MS)
  writeConsentCookie(request, reply, deps.signer.encode(anonymous), ANONYMOUS_SESSION_MS / 1000)
  return html(reply, 200, loginPage(consentForm(deps, request, check.request, anonymous)))
}

async function answerConsent(deps: OAuth2AuthorizeDeps, request: FastifyRequest, reply: FastifyReply) {
  const body = request.body as RequestBody | undefined
  if (body?.kind !== 'form') return html(reply, 400, errorPage('The consent form must be sent as a form.'))
  const check = await checkAuthorizeRequest(request.server.auth, body.fields)
  if (check.kind !== 'ok') return answerRefusal(reply, check)
  const authz = check.request
  const session = deps.signer.decode(readConsentCookie(request), request.server.clock.now())
  if (session === undefined || !deps.signer.checkCsrf(session, authz.params, first(body.fields, 'csrf_token'))) {
    return html(reply, 403, errorPage('This page expired or the form was changed. Go back to the app and start again.'))
  }
  const action = first(body.fields, 'action')
  if (action === 'deny') {
    request.log.info({ appId: authz.app.id }, 'authorization denied')
    return redirect(reply, errorRedirect(authz.redirectUri, accessDenied(), authz.state))
  }
  if (action === 'login') return signIn(deps, request, reply, authz, body.fields, session)
  if (action === 'approve' && session.userId !== null) return approve(authz, session.userId, request, reply)
  if (action === 'approve')
    return html(reply, 200, loginPage(consentForm(deps, request, authz, session), 'Sign in first.'))
  return html(reply, 400, errorPage('Unknown action.'))
}

async function signIn(
  deps: OAuth2AuthorizeDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  authz: AuthorizeRequest,
  fields: ReadonlyMap<string, readonly string[]>,
  session: ConsentSession,
) {
  const handle = (first(fields, 'handle') ?? '').trim().replace(/^@/, '')
  const user = await deps.apps.verifyLogin(handle, first(fields, 'password') ?? '')
  if (user === undefined) {
    request.log.info({ appId: authz.app.id }, 'consent sign-in failed')
    return html(reply, 200, loginPage(consentForm(deps, request, authz, session), 'Wrong handle or password.', handle))
  }
  // A fresh nonce on sign-in, so a session planted before it is worth nothing after.
  const signedIn = deps.signer.create(user.id, request.server.clock.now(), USER_SESSION_MS)
  writeConsentCookie(request, reply, deps.signer.encode(signedIn), USER_SESSION_MS / 1000)
  return html(reply, 200, approvePage(consentForm(deps, request, authz, signedIn), user.handle))
}

async function approve(authz: AuthorizeRequest, userId: string, request: FastifyRequest, reply: FastifyReply) {
  const code = await issueAuthorizationCode(request.server.auth, request.server.clock, authz, userId)
  request.log.info({ appId: authz.app.id, userId, scopes: authz.scopes }, 'authorization approved')
  return redirect(reply, codeRedirect(authz, code))
}

async function autoApprove(handle: string, authz: AuthorizeRequest, request: FastifyRequest, reply: FastifyReply) {
  const user = await request.server.metadata.getUserByHandle(handle)
  if (user === undefined) {
    return html(reply, 500, errorPage(`BIRDHOUSE_AUTO_APPROVE names @${handle}, but there is no such user.`))
  }
  return approve(authz, user.id, request, reply)
}

function answerRefusal(reply: FastifyReply, check: Exclude<AuthorizeCheck, { kind: 'ok' }>) {
  if (check.kind === 'fatal') return html(reply, 400, errorPage(check.message))
  return redirect(reply, errorRedirect(check.redirectUri, check.error, check.state))
}

function consentForm(
  deps: OAuth2AuthorizeDeps,
  request: FastifyRequest,
  authz: AuthorizeRequest,
  session: ConsentSession,
): ConsentForm {
  return {
    appName: authz.app.name,
    scopes: authz.scopes,
    redirectUri: authz.redirectUri,
    action: request.routeOptions.url ?? AUTHORIZE_PATHS[0],
    params: authz.params,
    csrfToken: deps.signer.csrfToken(session, authz.params),
  }
}

function accessDenied(): OAuthError {
  return new OAuthError('access_denied', 'The user denied the request.')
}

/** Security headers of every consent-page answer: no caching, no framing, no scripts, no referrer. */
function securityHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header('cache-control', 'no-store')
    .header('pragma', 'no-cache')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY')
    .header('x-content-type-options', 'nosniff')
    .header(
      'content-security-policy',
      "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
    )
}

function html(reply: FastifyReply, status: number, body: string) {
  return securityHeaders(reply).code(status).type('text/html; charset=utf-8').send(body)
}

function redirect(reply: FastifyReply, location: string) {
  return securityHeaders(reply).code(302).header('location', location).send()
}

function first(fields: ReadonlyMap<string, readonly string[]>, name: string): string | undefined {
  return fields.get(name)?.[0]
}

/** Fastify's parsed query (repeated names become arrays) as a multimap. */
function queryMap(query: unknown): Map<string, string[]> {
  const map = new Map<string, string[]>()
  for (const [name, value] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    map.set(name, (Array.isArray(value) ? value : [value]).map(String))
  }
  return map
}
