/** Typed Fastify decorations shared by the routes, and the authentication hook. */
import type { FastifyReply, FastifyRequest } from 'fastify'
import { authenticate, type Principal } from '../auth/tokens.js'
import type { Clock } from '../clock.js'
import type { PostService } from '../posts/post-service.js'
import type { BlobStore } from '../stores/blob-store.js'
import type { MetadataStore } from '../stores/metadata-store.js'
import type { UploadService } from '../uploads/upload-service.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The upload lifecycle. */
    uploads: UploadService
    /** Durable metadata. */
    metadata: MetadataStore
    /** Time source. */
    clock: Clock
    /** Posts and alt text. */
    posts: PostService
    /** Media bytes. */
    blobs: BlobStore
  }
  interface FastifyRequest {
    /** Set by `requireAuth` on authenticated routes. */
    principal: Principal | undefined
  }
}

/** onRequest hook: resolves the bearer token before any body is read. */
export async function requireAuth(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  request.principal = await authenticate(request.server.metadata, request.server.clock, request.headers.authorization)
}

/** The authenticated user's id (routes behind `requireAuth`). */
export function userIdOf(request: FastifyRequest): string {
  if (request.principal === undefined) throw new Error('route is missing requireAuth')
  return request.principal.userId
}
