/**
 * Conformance tests for the plain records of an `AuthStore`: passwords, apps (unique id, client id
 * and consumer key), access tokens with revocation, and OAuth 1.0a tokens.
 */
import { expect } from 'vitest'
import { newAccessToken, newApp, newHash, newOAuth1Token, T0 } from './auth-fixtures.js'
import type { AuthSuiteContext } from './auth-store.suite.js'

const UNKNOWN_ID = '1880028106020515999'

/** Registers the password, app, access-token and OAuth 1.0a token tests. */
export function authRecordTests({ group, test, store }: AuthSuiteContext): void {
  group('passwords', () => {
    test('stores a hash per user and replaces it on a second set', async () => {
      await store().setPassword('1', 'scrypt$c2FsdA$aGFzaA')
      await store().setPassword('2', 'scrypt$b3RoZXI$b3RoZXI')
      await store().setPassword('1', 'scrypt$bmV3$bmV3')
      expect(await store().getPassword('1')).toBe('scrypt$bmV3$bmV3')
      expect(await store().getPassword('2')).toBe('scrypt$b3RoZXI$b3RoZXI')
    })

    test('resolves undefined for a user without a password', async () => {
      expect(await store().getPassword(UNKNOWN_ID)).toBeUndefined()
    })
  })

  group('apps', () => {
    test('round-trips a confidential app with a non-ASCII name, found by id, client id and consumer key', async () => {
      const app = newApp()
      expect(await store().createApp(app)).toBe(true)
      expect(await store().getApp(app.id)).toEqual(app)
      expect(await store().getAppByClientId(app.clientId)).toEqual(app)
      expect(await store().getAppByConsumerKey(app.consumerKey)).toEqual(app)
    })

    test('round-trips a read-only public client with no redirect URIs', async () => {
      const app = newApp({ clientSecretHash: null, redirectUris: [], permission: 'read', name: '' })
      expect(await store().createApp(app)).toBe(true)
      expect(await store().getApp(app.id)).toEqual(app)
    })

    for (const field of ['id', 'clientId', 'consumerKey'] as const) {
      test(`refuses a duplicate ${field} and keeps the first app`, async () => {
        const first = newApp()
        expect(await store().createApp(first)).toBe(true)
        const second = { ...newApp(), [field]: first[field] }
        expect(await store().createApp(second)).toBe(false)
        expect(await store().listApps()).toEqual([first])
        if (field !== 'id') expect(await store().getApp(second.id)).toBeUndefined()
      })
    }

    test('resolves undefined for an unknown id, client id or consumer key', async () => {
      await store().createApp(newApp())
      expect(await store().getApp(UNKNOWN_ID)).toBeUndefined()
      expect(await store().getAppByClientId('client-unknown')).toBeUndefined()
      expect(await store().getAppByConsumerKey('ck-unknown')).toBeUndefined()
    })

    test('lists apps oldest first, ties by numeric id', async () => {
      expect(await store().listApps()).toEqual([])
      const late = newApp({ createdAtMs: T0 + 2 })
      const tieHigh = newApp({ id: '10', clientId: 'c10', consumerKey: 'k10', createdAtMs: T0 + 1 })
      const tieLow = newApp({ id: '9', clientId: 'c9', consumerKey: 'k9', createdAtMs: T0 + 1 })
      const early = newApp({ createdAtMs: T0 })
      for (const app of [late, tieHigh, tieLow, early]) expect(await store().createApp(app)).toBe(true)
      expect(await store().listApps()).toEqual([early, tieLow, tieHigh, late])
    })

    test('returns copies that do not alias stored records', async () => {
      const app = newApp({ redirectUris: ['https://a.example/cb'] })
      await store().createApp(app)
      app.redirectUris.push('https://b.example/cb')
      const read = await store().getApp(app.id)
      read?.redirectUris.push('https://c.example/cb')
      expect((await store().getApp(app.id))?.redirectUris).toEqual(['https://a.example/cb'])
    })
  })

  group('access tokens', () => {
    test('round-trips a user token with an app, a family, scopes and an expiry', async () => {
      const token = newAccessToken()
      await store().createToken(token)
      expect(await store().getToken(token.tokenHash)).toEqual(token)
    })

    test('round-trips an app-only token and a development token with no scopes or expiry', async () => {
      const appOnly = newAccessToken({ kind: 'app', userId: null, familyId: null, scopes: [] })
      const development = newAccessToken({ appId: null, familyId: null, scopes: [], expiresAtMs: null })
      for (const token of [appOnly, development]) {
        await store().createToken(token)
        expect(await store().getToken(token.tokenHash)).toEqual(token)
      }
    })

    test('resolves undefined for an unknown hash', async () => {
      await store().createToken(newAccessToken())
      expect(await store().getToken(newHash())).toBeUndefined()
    })

    test('keeps the first record when a hash is created twice, so a revoked token cannot be revived', async () => {
      const token = newAccessToken()
      await store().createToken(token)
      await store().revokeToken(token.tokenHash, T0 + 1)
      await store().createToken({ ...token, scopes: ['everything'] })
      expect(await store().getToken(token.tokenHash)).toEqual({ ...token, revokedAtMs: T0 + 1 })
    })

    test('revokes a live token once: true, then false, keeping the first revocation time', async () => {
      const [token, other] = [newAccessToken(), newAccessToken()]
      await store().createToken(token)
      await store().createToken(other)
      expect(await store().revokeToken(token.tokenHash, T0 + 5)).toBe(true)
      expect(await store().revokeToken(token.tokenHash, T0 + 9)).toBe(false)
      expect(await store().getToken(token.tokenHash)).toEqual({ ...token, revokedAtMs: T0 + 5 })
      expect(await store().getToken(other.tokenHash)).toEqual(other)
    })

    test('resolves false when revoking an unknown token', async () => {
      expect(await store().revokeToken(newHash(), T0)).toBe(false)
      expect(await store().getToken(newHash())).toBeUndefined()
    })
  })

  group('OAuth 1.0a tokens', () => {
    test('round-trips a token and resolves undefined for an unknown one', async () => {
      const token = newOAuth1Token()
      await store().createOAuth1Token(token)
      expect(await store().getOAuth1Token(token.token)).toEqual(token)
      expect(await store().getOAuth1Token('1880028106020515841-unknown')).toBeUndefined()
    })

    test('keeps the first record when a token is created twice', async () => {
      const token = newOAuth1Token()
      await store().createOAuth1Token(token)
      await store().createOAuth1Token({ ...token, secretSealed: 'sealed:other', revokedAtMs: T0 })
      expect(await store().getOAuth1Token(token.token)).toEqual(token)
    })
  })
}
