/** Typed Fastify decorations shared by the routes (the authentication hooks are in require-auth.ts). */
import type { FastifyRequest } from 'fastify'
import type { Authenticator } from '../auth/authenticate.js'
import type { Principal } from '../auth/principal.js'
import type { RateLimiter } from '../auth/rate-limit.js'
import type { Clock } from '../clock.js'
import type { PostService } from '../posts/post-service.js'
import type { AuthStore } from '../stores/auth-store.js'
import type { BlobStore } from '../stores/blob-store.js'
import type { MetadataStore } from '../stores/metadata-store.js'
import type { UploadService } from '../uploads/upload-service.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The upload lifecycle. */
    uploads: UploadService
    /** Durable metadata. */
    metadata: MetadataStore
    /** Authorization state. */
    auth: AuthStore
    /** Time source. */
    clock: Clock
    /** Base URL of media links (config BIRDHOUSE_PUBLIC_URL); undefined: the URL the client used. */
    publicUrl: string | undefined
    /** Posts and alt text. */
    posts: PostService
    /** Media bytes. */
    blobs: BlobStore
    /** Resolves credentials to principals. */
    authenticator: Authenticator
    /** X's rate limits; null when switched off (`BIRDHOUSE_RATE_LIMITS=off`). */
    rateLimiter: RateLimiter | null
  }
  interface FastifyRequest {
    /** Set by `requireAuth` on authenticated routes. */
    principal: Principal | undefined
  }
}

/** The authenticated user's id (routes behind `requireAuth`). */
export function userIdOf(request: FastifyRequest): string {
  const userId = request.principal?.userId
  if (userId === undefined || userId === null) throw new Error('route is missing a user-context auth check')
  return userId
}
