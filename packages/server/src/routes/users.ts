/** `GET /2/users/me`: who a user-context token acts for, so clients can check a token (X's `findMyUser`). */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { ApiError } from '../errors.js'
import { userIdOf } from './context.js'
import { requireAuth } from './require-auth.js'
import { sendV2 } from './serialize.js'

async function me(request: FastifyRequest, reply: FastifyReply) {
  const user = await request.server.metadata.getUser(userIdOf(request))
  // A token outliving its user is as good as revoked.
  if (user === undefined) throw new ApiError('AUTH_INVALID')
  return sendV2(reply, 200, { data: { id: user.id, name: user.name, username: user.handle } })
}

/** Registers the user endpoints. */
export function registerUsers(app: FastifyInstance): void {
  app.get('/2/users/me', requireAuth('GET /2/users/me'), me)
}
