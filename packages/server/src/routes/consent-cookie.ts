/** The consent page's session cookie: reading it from `Cookie` and writing `Set-Cookie`. */
import type { FastifyReply, FastifyRequest } from 'fastify'

/** Name of the consent session cookie. */
export const CONSENT_COOKIE = 'bh_consent'

/** The consent cookie's value, if the request carries one. */
export function readConsentCookie(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie ?? ''
  for (const pair of header.split(';')) {
    const [name, ...rest] = pair.trim().split('=')
    if (name === CONSENT_COOKIE) return rest.join('=')
  }
  return undefined
}

/**
 * Sets the consent cookie: HttpOnly (no script reads it), SameSite=Lax (other sites cannot post the
 * forms with it), Secure when the request came over https.
 */
export function writeConsentCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  value: string,
  maxAgeSecs: number,
): void {
  const secure = request.protocol === 'https' ? '; Secure' : ''
  reply.header(
    'set-cookie',
    `${CONSENT_COOKIE}=${value}; Path=/; Max-Age=${maxAgeSecs}; HttpOnly; SameSite=Lax${secure}`,
  )
}
