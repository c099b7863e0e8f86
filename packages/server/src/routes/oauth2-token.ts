/**
 * Token endpoints. `POST /2/oauth2/token` takes `authorization_code`, `refresh_token` and
 * `client_credentials` grants with form or JSON bodies and answers RFC 6749 JSON, errors included
 * (X's shapes, spec §12.1). `POST /2/oauth2/revoke` is RFC 7009 and answers `{"revoked":true}`.
 * `POST /oauth2/token` is X's app-only endpoint (spec §12.3): `client_credentials` with Basic
 * consumer key:secret (or client id:secret), errors in X's v1.1 shape. Bodies are never logged.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { SecretBox } from '../auth/crypto.js'
import { type AuthenticatedClient, authenticateClient } from '../auth/oauth2/client-auth.js'
import {
  APP_ONLY_CREDENTIALS_ERROR,
  isOAuthError,
  missingParameter,
  OAuthError,
  oauthErrorBody,
} from '../auth/oauth2/oauth-errors.js'
import type { IssuedTokens, TokenParams, TokenService } from '../auth/oauth2/token-service.js'
import { readTokenParams } from './oauth2-params.js'

/** Dependencies of the token endpoints. */
export interface OAuth2TokenDeps {
  tokens: TokenService
  /** Opens consumer secrets for Basic consumer-key authentication. */
  secretBox: SecretBox
}

/** Registers the token, revocation and app-only token endpoints. */
export function registerOAuth2Token(app: FastifyInstance, deps: OAuth2TokenDeps): void {
  app.post('/2/oauth2/token', (request, reply) => guarded(reply, () => token(deps, request, reply)))
  app.post('/2/oauth2/revoke', (request, reply) => guarded(reply, () => revoke(deps, request, reply)))
  app.post('/oauth2/token', (request, reply) => appOnlyToken(deps, request, reply))
}

async function token(deps: OAuth2TokenDeps, request: FastifyRequest, reply: FastifyReply) {
  const params = readTokenParams(request.body)
  const grant = params.grant_type
  const client = await authenticate(deps, request, params, grant === 'client_credentials')
  if (grant === 'authorization_code' || grant === 'refresh_token') {
    const issued =
      grant === 'authorization_code'
        ? await deps.tokens.exchangeCode(client, params)
        : await deps.tokens.refresh(client, params)
    request.log.info({ appId: client.app.id, grant, scopes: issued.scopes }, 'oauth2 tokens issued')
    return send(reply, 200, userTokenBody(issued))
  }
  if (grant === 'client_credentials') {
    const bearer = await deps.tokens.clientCredentials(client)
    request.log.info({ appId: client.app.id, grant }, 'app-only bearer token issued')
    return send(reply, 200, { token_type: 'bearer', access_token: bearer })
  }
  if (grant === undefined || grant === '') throw missingParameter('grant_type')
  throw new OAuthError(
    'unsupported_grant_type',
    'Only authorization_code, refresh_token and client_credentials are supported.',
  )
}

async function revoke(deps: OAuth2TokenDeps, request: FastifyRequest, reply: FastifyReply) {
  const params = readTokenParams(request.body)
  const client = await authenticate(deps, request, params, false)
  await deps.tokens.revoke(client, params)
  request.log.info({ appId: client.app.id, hint: params.token_type_hint }, 'oauth2 token revocation')
  return send(reply, 200, { revoked: true })
}

/** X's `POST /oauth2/token`: client_credentials only; any failure is X's 403 code 99. */
async function appOnlyToken(deps: OAuth2TokenDeps, request: FastifyRequest, reply: FastifyReply) {
  try {
    const params = readTokenParams(request.body)
    if (params.grant_type !== 'client_credentials') throw missingParameter('grant_type')
    const client = await authenticate(deps, request, params, true)
    const bearer = await deps.tokens.clientCredentials(client)
    request.log.info({ appId: client.app.id }, 'app-only bearer token issued')
    return send(reply, 200, { token_type: 'bearer', access_token: bearer })
  } catch (error) {
    if (!isOAuthError(error)) throw error
    return send(reply, 403, APP_ONLY_CREDENTIALS_ERROR)
  }
}

function authenticate(
  deps: OAuth2TokenDeps,
  request: FastifyRequest,
  params: TokenParams,
  allowConsumerKey: boolean,
): Promise<AuthenticatedClient> {
  return authenticateClient(request.server.auth, deps.secretBox, {
    authorization: request.headers.authorization,
    clientId: params.client_id,
    clientSecret: params.client_secret,
    allowConsumerKey,
  })
}

/** X's token response, members in X's order; `refresh_token` only with offline.access. */
function userTokenBody(issued: IssuedTokens): Record<string, string | number> {
  return {
    token_type: 'bearer',
    expires_in: issued.expiresInSecs,
    access_token: issued.accessToken,
    scope: issued.scopes.join(' '),
    ...(issued.refreshToken === undefined ? {} : { refresh_token: issued.refreshToken }),
  }
}

/** Runs a handler, answering an `OAuthError` as RFC 6749 JSON; anything else goes to the error handler. */
async function guarded(reply: FastifyReply, handler: () => Promise<FastifyReply>): Promise<FastifyReply> {
  try {
    return await handler()
  } catch (error) {
    if (!isOAuthError(error)) throw error
    if (error.status === 401) reply.header('www-authenticate', 'Basic realm="birdhouse"')
    return send(reply, error.status, oauthErrorBody(error))
  }
}

/** Token responses must not be cached (RFC 6749 §5.1). */
function send(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).header('cache-control', 'no-store').header('pragma', 'no-cache').send(body)
}
