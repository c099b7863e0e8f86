/**
 * The authentication hooks of every authenticated route: `requireAuth(route)` resolves the
 * caller, applies the route's policy (auth/policy.ts) and counts the request against X's rate
 * limits (auth/rate-limit.ts), answering with X's errors and `x-rate-limit-*` headers.
 *
 * Missing or garbled credentials and bearer tokens are judged in `onRequest`, before any body is
 * read. An OAuth 1.0a signature over an urlencoded body can only be checked once the body is
 * parsed, so those requests are verified in `preValidation`; multipart bodies are never signed
 * and stay unread until the handler streams them. The command-style upload endpoints count per
 * command: when the command is neither in the query nor in an urlencoded body, the handler counts
 * the request through `settleRateLimit` once it has read the command from the body.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import { type Credentials, parseCredentials } from '../auth/authenticate.js'
import type { SignedRequest } from '../auth/oauth1.js'
import { formPairs, type Pair } from '../auth/oauth1-signature.js'
import { checkPolicy, ROUTE_POLICIES, type RouteId } from '../auth/policy.js'
import { commandBucket, type RateBucket } from '../auth/rate-limit.js'
import { ApiError } from '../errors.js'
import type { RequestBody } from './body-parsers.js'

type Hook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>
type CommandRoute = 'POST /1.1/media/upload.json' | 'POST /2/media/upload'

/** OAuth 1.0a credentials waiting for their urlencoded body. */
const pendingSignatures = new WeakMap<FastifyRequest, Credentials>()
/** Command-style requests whose command is in a body only the handler reads. */
const deferredCounts = new WeakMap<FastifyRequest, CommandRoute>()

function mediaTypeOf(request: FastifyRequest): string {
  return (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
}

function formOf(request: FastifyRequest): Pair[] {
  const body = request.body as RequestBody | undefined
  if (body?.kind !== 'form') return []
  return [...body.fields].flatMap(([name, values]) => values.map((value) => [name, value] as const))
}

function signedRequest(request: FastifyRequest, form: Pair[]): SignedRequest {
  const queryAt = request.url.indexOf('?')
  return {
    method: request.method,
    path: queryAt === -1 ? request.url : request.url.slice(0, queryAt),
    protocol: request.protocol,
    host: request.headers.host,
    query: queryAt === -1 ? [] : formPairs(request.url.slice(queryAt + 1)),
    form,
    multipart: mediaTypeOf(request) === 'multipart/form-data',
  }
}

async function count(request: FastifyRequest, reply: FastifyReply, bucket: RateBucket): Promise<void> {
  const limiter = request.server.rateLimiter
  const principal = request.principal
  if (limiter === null || principal === undefined) return
  const outcome = await limiter.consume(bucket, principal)
  reply.headers(outcome.headers)
  if (outcome.exceeded) throw new ApiError('RATE_LIMITED')
}

function isCommandRoute(route: RouteId): route is CommandRoute {
  return route === 'POST /1.1/media/upload.json' || route === 'POST /2/media/upload'
}

async function admit(request: FastifyRequest, reply: FastifyReply, route: RouteId, credentials: Credentials) {
  request.principal = await request.server.authenticator.authenticate(
    credentials,
    signedRequest(request, formOf(request)),
  )
  checkPolicy(ROUTE_POLICIES[route], request.principal)
  if (!isCommandRoute(route)) await count(request, reply, route)
}

async function countCommand(request: FastifyRequest, reply: FastifyReply, route: CommandRoute): Promise<void> {
  const query = request.query as Record<string, unknown> | undefined
  const fromQuery = query?.command
  const command =
    (Array.isArray(fromQuery) ? fromQuery[0] : fromQuery) ?? formOf(request).find(([n]) => n === 'command')?.[1]
  const body = request.body as RequestBody | undefined
  if (command === undefined && (body?.kind === 'multipart' || body?.kind === 'json')) {
    deferredCounts.set(request, route)
    return
  }
  await count(request, reply, commandBucket(route, typeof command === 'string' ? command : undefined))
}

/** Route options whose hooks authenticate, authorize and rate-limit the route: `app.get(path, requireAuth(id), handler)`. */
export function requireAuth(route: RouteId): { onRequest: Hook; preValidation: Hook } {
  return {
    onRequest: async (request, reply) => {
      const credentials = parseCredentials(request.headers.authorization)
      if (credentials.scheme === 'oauth1' && mediaTypeOf(request) === 'application/x-www-form-urlencoded') {
        pendingSignatures.set(request, credentials)
        return
      }
      await admit(request, reply, route, credentials)
    },
    preValidation: async (request, reply) => {
      const credentials = pendingSignatures.get(request)
      if (credentials !== undefined) {
        pendingSignatures.delete(request)
        await admit(request, reply, route, credentials)
      }
      if (isCommandRoute(route)) await countCommand(request, reply, route)
    },
  }
}

/** Counts a command-style request whose command only the handler could read (no-op otherwise). */
export async function settleRateLimit(request: FastifyRequest, reply: FastifyReply, command: string | undefined) {
  const route = deferredCounts.get(request)
  if (route === undefined) return
  deferredCounts.delete(request)
  await count(request, reply, commandBucket(route, command))
}
