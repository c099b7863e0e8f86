/** The simplest `Auth`: a fixed bearer token (a birdhouse development token, or an OAuth 2.0 user token you refresh yourself). */
import type { Auth } from './auth/auth-request.js'

/**
 * Authorizes every request with `Authorization: Bearer <token>`.
 * @example
 * const client = createClient({ apiBaseUrl: 'http://127.0.0.1:8080', auth: bearer(process.env.BIRDHOUSE_TOKEN ?? '') })
 */
export function bearer(token: string): Auth {
  const header = `Bearer ${token}`
  return { authorize: async () => header }
}
