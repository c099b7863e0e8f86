/**
 * Client authentication at the token and revocation endpoints. Confidential clients send HTTP Basic
 * with `client_id:client_secret` (form-encoded first, RFC 6749 §2.3.1), or `client_secret` in the
 * body; twitter-api-v2 sends both, which is tolerated when they agree. Public clients send only
 * `client_id` in the body. For `client_credentials`, Basic may instead carry the OAuth 1.0a
 * consumer key and secret, as X's app-only flow does. Every failure answers X's 401
 * `unauthorized_client` body (spec §12.1, fidelity case 81) so nothing tells which part was wrong.
 */
import type { AppRecord, AuthStore } from '../../stores/auth-store.js'
import { hashToken, type SecretBox, safeEqual } from '../crypto.js'
import { clientUnauthorized } from './oauth-errors.js'

/** How the client proved who it is. */
export type ClientAuthMethod = 'client_secret' | 'consumer_secret' | 'none'

/** An authenticated client. */
export interface AuthenticatedClient {
  app: AppRecord
  method: ClientAuthMethod
}

/** What client authentication reads from a request. */
export interface ClientAuthInput {
  /** The `Authorization` header. */
  authorization: string | undefined
  /** `client_id` and `client_secret` from the body. */
  clientId: string | undefined
  clientSecret: string | undefined
  /** Accept the consumer key and secret in Basic (client_credentials only). */
  allowConsumerKey: boolean
}

/** Decodes an HTTP Basic header; undefined when absent, null when present but malformed. */
export function parseBasic(header: string | undefined): { id: string; secret: string } | undefined | null {
  if (header === undefined || !/^basic\b/i.test(header.trim())) return undefined
  const match = /^basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header.trim())
  if (match?.[1] === undefined) return null
  const decoded = Buffer.from(match[1], 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 1) return null
  return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) }
}

/** Opens a sealed secret; undefined when it was sealed under another key. */
function openSealed(secretBox: SecretBox, sealed: string): string | undefined {
  try {
    return secretBox.open(sealed)
  } catch {
    return undefined
  }
}

function formDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '))
  } catch {
    return value
  }
}

/** Authenticates the client of a token or revocation request; throws X's 401 `unauthorized_client`. */
export async function authenticateClient(
  store: AuthStore,
  secretBox: SecretBox,
  input: ClientAuthInput,
): Promise<AuthenticatedClient> {
  const basic = parseBasic(input.authorization)
  if (basic === null) throw clientUnauthorized()
  if (basic !== undefined) {
    if (input.clientId !== undefined && input.clientId !== basic.id) throw clientUnauthorized()
    const app = await store.getAppByClientId(basic.id)
    if (app !== undefined) return checkClientSecret(app, basic.secret, input.clientSecret)
    const consumer = input.allowConsumerKey ? await store.getAppByConsumerKey(basic.id) : undefined
    const consumerSecret = consumer === undefined ? undefined : openSealed(secretBox, consumer.consumerSecretSealed)
    if (consumer !== undefined && consumerSecret !== undefined && safeEqual(consumerSecret, basic.secret)) {
      return { app: consumer, method: 'consumer_secret' }
    }
    throw clientUnauthorized()
  }
  if (input.clientId === undefined) throw clientUnauthorized()
  const app = await store.getAppByClientId(input.clientId)
  if (app === undefined) throw clientUnauthorized()
  return checkClientSecret(app, input.clientSecret, undefined)
}

/** A public client must present no secret; a confidential one its secret (and a body copy must agree). */
function checkClientSecret(
  app: AppRecord,
  secret: string | undefined,
  bodySecret: string | undefined,
): AuthenticatedClient {
  if (app.clientSecretHash === null) {
    if ((secret ?? '') !== '' || (bodySecret ?? '') !== '') throw clientUnauthorized()
    return { app, method: 'none' }
  }
  const matches = (candidate: string) => safeEqual(hashToken(candidate), app.clientSecretHash as string)
  if (secret === undefined || !matches(secret)) throw clientUnauthorized()
  if (bodySecret !== undefined && !matches(bodySecret)) throw clientUnauthorized()
  return { app, method: 'client_secret' }
}
