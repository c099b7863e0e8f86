/**
 * The admin HTTP API: the CLI's `users create`, `apps create`, `apps token`, an app listing and the
 * blob store's disk use, for operators who cannot reach the database. Every route needs `Authorization: Bearer
 * <BIRDHOUSE_ADMIN_TOKEN>` (compared in constant time); without a configured token the routes do
 * not exist (404). Bodies are JSON; answers wrap their object in `data`, as X's v2 does. Responses
 * carrying credentials are never cached.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppService } from '../auth/apps.js'
import { hashToken, safeEqual } from '../auth/crypto.js'
import { ApiError } from '../errors.js'
import type { AppPermission } from '../stores/auth-store.js'
import type { BlobStore } from '../stores/blob-store.js'
import { appView, createdAppView } from './app-views.js'
import type { RequestBody } from './body-parsers.js'
import { parseJsonObject } from './request-input.js'

/** Dependencies of the admin API. */
export interface AdminDeps {
  apps: AppService
  /** Where uploads, staged bodies and served files are stored (`GET /admin/storage`). */
  blobs: BlobStore
  /** config.adminToken; undefined turns the API off. */
  adminToken: string | undefined
  /** Owner of apps created without `owner` (config.defaultUser). */
  defaultOwner: string
}

/** Registers the admin routes when an admin token is configured. */
export function registerAdmin(app: FastifyInstance, deps: AdminDeps): void {
  const { adminToken } = deps
  if (adminToken === undefined) return
  const onRequest = async (request: FastifyRequest) => checkAdmin(adminToken, request.headers.authorization)
  app.post('/admin/users', { onRequest }, (request, reply) => createUser(deps, request, reply))
  app.post('/admin/apps', { onRequest }, (request, reply) => createApp(deps, request, reply))
  app.post<{ Params: { id: string } }>('/admin/apps/:id/tokens', { onRequest }, (request, reply) =>
    issueToken(deps, request.params.id, request, reply),
  )
  app.get('/admin/apps', { onRequest }, async () => ({ data: (await deps.apps.listApps()).map(appView) }))
  app.get('/admin/storage', { onRequest }, async (_request, reply) =>
    noStore(reply).send({ data: await storageUse(deps.blobs) }),
  )
}

/** Top-level blob prefixes reported by `GET /admin/storage`, always present (zero when empty). */
const STORAGE_PREFIXES = ['uploads', 'media', 'staging'] as const

interface Usage {
  objects: number
  bytes: number
}

/**
 * Objects and bytes in the blob store, in total and per top-level prefix: a full listing and one
 * `stat` per object, fine for an operator's call. Objects removed meanwhile are not counted.
 */
async function storageUse(blobs: BlobStore) {
  const total: Usage = { objects: 0, bytes: 0 }
  const byPrefix: Record<string, Usage> = Object.fromEntries(STORAGE_PREFIXES.map((p) => [p, { objects: 0, bytes: 0 }]))
  const keys = await blobs.list('')
  for (let i = 0; i < keys.length; i += 32) {
    const batch = keys.slice(i, i + 32)
    const sizes = await Promise.all(batch.map((key) => blobs.stat(key)))
    batch.forEach((key, j) => {
      const size = sizes[j]
      if (size === undefined) return
      const prefix = key.split('/', 1)[0] ?? ''
      byPrefix[prefix] ??= { objects: 0, bytes: 0 }
      for (const usage of [total, byPrefix[prefix]]) {
        usage.objects += 1
        usage.bytes += size.sizeBytes
      }
    })
  }
  return { objects: total.objects, bytes: total.bytes, by_prefix: byPrefix }
}

async function createUser(deps: AdminDeps, request: FastifyRequest, reply: FastifyReply) {
  const body = jsonBody(request)
  const { user, generatedPassword } = await deps.apps.createUser({
    handle: requiredString(body, 'handle'),
    ...optionalField(body, 'password', 'password'),
    ...optionalField(body, 'name', 'name'),
  })
  const password = generatedPassword === undefined ? {} : { password: generatedPassword }
  return noStore(reply)
    .code(201)
    .send({ data: { id: user.id, handle: user.handle, name: user.name, ...password } })
}

async function createApp(deps: AdminDeps, request: FastifyRequest, reply: FastifyReply) {
  const body = jsonBody(request)
  const created = await deps.apps.createApp({
    name: requiredString(body, 'name'),
    redirectUris: stringList(body, 'redirect_uris'),
    public: body.public === true,
    permission: permissionOf(body.permission),
    ownerHandle: typeof body.owner === 'string' ? body.owner : deps.defaultOwner,
  })
  return noStore(reply)
    .code(201)
    .send({ data: createdAppView(created) })
}

async function issueToken(deps: AdminDeps, appRef: string, request: FastifyRequest, reply: FastifyReply) {
  const body = jsonBody(request)
  const target = await deps.apps.requireApp(appRef)
  const user = await deps.apps.requireUser(requiredString(body, 'user'))
  const credentials = await deps.apps.tokenForUser(target, user)
  const data = {
    app_id: target.id,
    user_id: user.id,
    oauth_token: credentials.accessToken,
    oauth_token_secret: credentials.accessTokenSecret,
  }
  return noStore(reply).code(201).send({ data })
}

function checkAdmin(adminToken: string, header: string | undefined): void {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')
  if (match?.[1] === undefined) throw new ApiError('AUTH_MISSING')
  // Hashing first makes the comparison constant-time regardless of the presented length.
  if (!safeEqual(hashToken(match[1]), hashToken(adminToken))) throw new ApiError('AUTH_INVALID')
}

function noStore(reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', 'no-store')
}

function jsonBody(request: FastifyRequest): Record<string, unknown> {
  const body = request.body as RequestBody | undefined
  if (body === undefined) return {}
  if (body.kind !== 'json') throw new ApiError('CONTENT_TYPE_NOT_JSON')
  return parseJsonObject(body.text) ?? {}
}

function invalid(parameter: string, reason: string): ApiError {
  return new ApiError('INVALID_PARAMETER', { params: { parameter, reason }, parameters: { [parameter]: [] } })
}

function requiredString(body: Record<string, unknown>, name: string): string {
  const value = body[name]
  if (value === undefined) throw new ApiError('MISSING_PARAMETER', { params: { parameter: name } })
  if (typeof value !== 'string') throw invalid(name, 'must be a string.')
  return value
}

function optionalField<K extends string>(
  body: Record<string, unknown>,
  name: string,
  key: K,
): Partial<Record<K, string>> {
  return body[name] === undefined ? {} : ({ [key]: requiredString(body, name) } as Partial<Record<K, string>>)
}

function permissionOf(value: unknown): AppPermission {
  if (value === undefined || value === 'read-write') return 'read-write'
  if (value === 'read') return 'read'
  throw invalid('permission', 'must be read or read-write.')
}

function stringList(body: Record<string, unknown>, name: string): string[] {
  const value = body[name]
  if (typeof value === 'string') return [value]
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw invalid(name, 'must be an array of strings.')
  }
  return value
}
