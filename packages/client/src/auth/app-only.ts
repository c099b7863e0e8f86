/** App-only auth: an app's bearer token from X's `POST /oauth2/token` client_credentials grant. */
import type { Auth } from './auth-request.js'

/**
 * App-only auth (`Authorization: Bearer <app token>`): reads only, e.g. `GET /2/media/{key}`;
 * X refuses it on upload and posting endpoints (spec §12.3).
 * @example const reader = createClient({ auth: appOnly(process.env.X_BEARER_TOKEN ?? '') })
 */
export function appOnly(bearerToken: string): Auth {
  return { authorize: async () => `Bearer ${bearerToken}` }
}
