/**
 * `TokenService.exchangeCode` under a replay that races the first exchange: whichever order the
 * store calls land in, no token issued from a code used twice stays alive (RFC 6749 §4.1.2). The
 * interleaving is forced by holding the first exchange's token write until the second one is done.
 */
import { describe, expect, it } from 'vitest'
import type { AuthStore } from '../../stores/auth-store.js'
import { newApp, newCode } from '../../stores/conformance/auth-fixtures.js'
import { T0 } from '../../stores/conformance/metadata-fixtures.js'
import { MemoryMetadataStore } from '../../stores/metadata/memory.js'
import { hashToken } from '../crypto.js'
import { TokenService } from './token-service.js'

const VERIFIER = 'a-plain-verifier-of-forty-three-characters-xx'
const REDIRECT = 'http://127.0.0.1:3000/callback'

async function setUp() {
  const store = new MemoryMetadataStore()
  const app = newApp()
  await store.createApp(app)
  const code = 'the-authorization-code'
  await store.createAuthorizationCode(
    newCode({
      codeHash: hashToken(code),
      appId: app.id,
      redirectUri: REDIRECT,
      codeChallenge: VERIFIER,
      codeChallengeMethod: 'plain',
    }),
  )
  const params = { code, redirect_uri: REDIRECT, code_verifier: VERIFIER }
  return { store, client: { app, method: 'client_secret' as const }, params }
}

/** `store`, except that its first `createToken` waits for `gate`. */
function holdingFirstTokenWrite(store: MemoryMetadataStore, gate: Promise<void>): AuthStore {
  let held = false
  return new Proxy(store, {
    get(target, property) {
      if (property === 'createToken') {
        return async (...args: Parameters<AuthStore['createToken']>) => {
          if (!held) {
            held = true
            await gate
          }
          return target.createToken(...args)
        }
      }
      const value = Reflect.get(target, property, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

describe('TokenService.exchangeCode with a racing replay', () => {
  it('leaves no token of the code alive when the replay arrives while the first exchange is issuing', async () => {
    const { store, client, params } = await setUp()
    let release: () => void = () => {}
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    const service = new TokenService({
      store: holdingFirstTokenWrite(store, gate),
      clock: { now: () => T0 + 1000 },
      accessTokenTtlSecs: 7200,
      refreshGraceSecs: 0,
    })
    const first = service.exchangeCode(client, params).then(
      (tokens) => ({ ok: true as const, tokens }),
      (error: unknown) => ({ ok: false as const, error }),
    )
    await new Promise((resolve) => setImmediate(resolve))
    const second = await service.exchangeCode(client, params).then(
      (tokens) => ({ ok: true as const, tokens }),
      (error: unknown) => ({ ok: false as const, error }),
    )
    release()
    const outcomes = [await first, second]
    expect(outcomes.filter((outcome) => !outcome.ok)).not.toHaveLength(0)
    for (const outcome of outcomes) {
      if (!outcome.ok) {
        expect(outcome.error).toMatchObject({ description: 'Value passed for the authorization code was invalid.' })
        continue
      }
      const access = await store.getToken(hashToken(outcome.tokens.accessToken))
      expect(access?.revokedAtMs).not.toBeNull()
      const refresh = outcome.tokens.refreshToken
      if (refresh !== undefined) expect((await store.getRefreshToken(hashToken(refresh)))?.revokedAtMs).not.toBeNull()
    }
  })

  it('issues once for a single exchange, and a later replay revokes those tokens', async () => {
    const { store, client, params } = await setUp()
    const service = new TokenService({
      store,
      clock: { now: () => T0 + 1000 },
      accessTokenTtlSecs: 7200,
      refreshGraceSecs: 0,
    })
    const tokens = await service.exchangeCode(client, params)
    expect((await store.getToken(hashToken(tokens.accessToken)))?.revokedAtMs).toBeNull()
    await expect(service.exchangeCode(client, params)).rejects.toMatchObject({
      description: 'Value passed for the authorization code was invalid.',
    })
    expect((await store.getToken(hashToken(tokens.accessToken)))?.revokedAtMs).not.toBeNull()
  })
})
