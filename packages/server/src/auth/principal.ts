/** Who a request acts for, and how it proved it. */
import type { AppPermission } from '../stores/auth-store.js'

/** X's authentication methods. */
export type AuthMethod = 'oauth2-user' | 'oauth1-user' | 'app-only'

/** The authenticated caller of a request. */
export interface Principal {
  method: AuthMethod
  /** Null for app-only bearer tokens. */
  userId: string | null
  /** Null for development tokens minted by `birdhouse token`. */
  appId: string | null
  /** OAuth 2.0 scopes granted (empty for OAuth 1.0a and app-only, which X checks by app permission). */
  scopes: readonly string[]
  /** The app's permission (development tokens: read-write). */
  permission: AppPermission
}
