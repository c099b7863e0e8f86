/**
 * Catalogue codes of authentication, authorization and rate limiting, each provoked through HTTP
 * with its exact v2 body and v1.1 body (spec §7.4, §11.3; cases 2–5, 7, 73, 74).
 * error-rendering.test.ts checks that every code is probed in one of the catalogue test files.
 */
import type { ErrorCode } from '@birdhouse/protocol'
import type { LightMyRequestResponse } from 'fastify'
import { afterEach, beforeEach, describe } from 'vitest'
import { type AuthHarness, bearer, openAuthHarness } from '../test-support/auth-harness.js'
import { type CatalogueEntry, itRendersBothDialects } from '../test-support/catalogue-probes.js'
import { blankProblem as blank, json, v1ErrorsBody as v1Errors } from '../test-support/route-harness.js'

type Entry = CatalogueEntry<AuthHarness>

const V1 = '/1.1/media/upload.json'
const V1_INIT = `${V1}?command=INIT&total_bytes=10&media_type=image%2Fpng`
const V1_STATUS = `${V1}?command=STATUS&media_id=1234567890123456789`
const INIT = '/2/media/upload/initialize'
const initBody = json({ media_type: 'image/png', total_bytes: 10 })
const COULD_NOT = 'Could not authenticate you.'
const twice = async (send: () => Promise<LightMyRequestResponse>) => {
  await send()
  return await send()
}

/** Probes by code; `satisfies` rejects a misspelt code. */
const PROBES = {
  AUTH_SIGNATURE_INVALID: {
    v2: {
      provoke: (h) => h.sendSigned({ ...h.oauth1, tokenSecret: 'wrong' }, 'POST', INIT, initBody),
      status: 401,
      body: blank('Unauthorized', 401, 'Unauthorized'),
    },
    v1: {
      provoke: (h) => h.sendSigned({ ...h.oauth1, tokenSecret: 'wrong' }, 'POST', V1_INIT),
      status: 401,
      body: v1Errors(32, COULD_NOT),
    },
  },
  AUTH_TIMESTAMP_INVALID: {
    v2: {
      provoke: (h) => h.sendSigned(h.oauth1, 'POST', INIT, initBody, { timestampSecs: 1_000_000_000 }),
      status: 401,
      body: blank('Unauthorized', 401, 'Unauthorized'),
    },
    v1: {
      provoke: (h) => h.sendSigned(h.oauth1, 'POST', V1_INIT, undefined, { timestampSecs: 1_000_000_000 }),
      status: 401,
      body: v1Errors(135, COULD_NOT),
    },
  },
  AUTH_NONCE_REUSED: {
    v2: {
      provoke: (h) => twice(() => h.sendSigned(h.oauth1, 'POST', INIT, initBody, { nonce: 'once' })),
      status: 401,
      body: blank('Unauthorized', 401, 'Unauthorized'),
    },
    v1: {
      provoke: (h) => twice(() => h.sendSigned(h.oauth1, 'POST', V1_INIT, undefined, { nonce: 'once' })),
      status: 401,
      body: v1Errors(32, COULD_NOT),
    },
  },
  AUTH_UNSUPPORTED_METHOD: {
    v2: {
      provoke: (h) => h.sendRaw('POST', INIT, bearer(h.appOnly), initBody),
      status: 403,
      body: {
        title: 'Unsupported Authentication',
        detail:
          'Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.  Supported authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context].',
        type: 'https://api.twitter.com/2/problems/unsupported-authentication',
        status: 403,
      },
    },
    v1: {
      provoke: (h) => h.sendRaw('POST', V1_INIT, bearer(h.oauth2)),
      status: 403,
      body: v1Errors(220, 'Your credentials do not allow access to this resource.'),
    },
  },
  AUTH_SCOPE_MISSING: {
    v2: {
      provoke: (h) => h.sendRaw('POST', INIT, bearer(h.oauth2ReadScopes), initBody),
      status: 403,
      body: blank('Forbidden', 403, 'Forbidden'),
    },
    v1: { unreachable: 'v1.1 takes no OAuth 2.0 tokens, so no scopes are checked there' },
  },
  AUTH_APP_READ_ONLY: {
    v2: {
      provoke: (h) => h.sendSigned(h.oauth1ReadOnly, 'POST', INIT, initBody),
      status: 403,
      body: {
        title: 'Forbidden',
        type: 'https://api.twitter.com/2/problems/oauth1-permissions',
        status: 403,
        detail: 'Your client app is not configured with the appropriate oauth1 app permissions for this endpoint.',
      },
    },
    v1: {
      provoke: (h) => h.sendSigned(h.oauth1ReadOnly, 'POST', V1_INIT),
      status: 403,
      body: v1Errors(261, 'Your App cannot perform write actions.'),
    },
  },
  RATE_LIMITED: {
    v2: {
      provoke: (h) => twice(() => h.sendRaw('GET', '/2/users/me', bearer(h.oauth2))),
      status: 429,
      body: blank('Too Many Requests', 429, 'Too Many Requests'),
    },
    v1: {
      provoke: (h) => twice(() => h.sendSigned(h.oauth1, 'GET', V1_STATUS)),
      status: 429,
      body: v1Errors(88, 'Rate limit exceeded'),
    },
  },
} satisfies Partial<Record<ErrorCode, Entry>>

let h: AuthHarness

beforeEach(async () => {
  h = await openAuthHarness({
    rateLimits: { 'GET /2/users/me': { user: 1 }, 'GET /1.1/media/upload.json': { user: 1 } },
  })
})
afterEach(async () => {
  await h.close()
})

const entries = Object.entries(PROBES) as [ErrorCode, Entry][]

describe.each(entries)('%s', (code, { v2, v1 }) => {
  itRendersBothDialects(code, { v2, v1 }, () => h)
})
