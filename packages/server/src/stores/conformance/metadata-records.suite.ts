/**
 * Conformance tests for the plain records of a `MetadataStore`: users, media round-trips and
 * `close()`. Access tokens moved to the `AuthStore` suite (`auth-records.suite.ts`).
 */
import { expect } from 'vitest'
import type { MediaRecord } from '../metadata-store.js'
import { mustGet, newMedia, newUser, T0 } from './metadata-fixtures.js'
import type { SuiteContext } from './metadata-store.suite.js'

/** Registers the user, media and close tests. */
export function recordTests({ group, test, store }: SuiteContext): void {
  group('users', () => {
    test('creates a user and finds it by id and by handle', async () => {
      const user = newUser()
      expect(await store().createUser(user)).toBe(true)
      expect(await store().getUser(user.id)).toEqual(user)
      expect(await store().getUserByHandle(user.handle)).toEqual(user)
    })

    test('refuses a duplicate id and keeps the first user', async () => {
      const user = newUser()
      await store().createUser(user)
      expect(await store().createUser({ ...user, handle: 'someone_else', name: 'Other' })).toBe(false)
      expect(await store().getUser(user.id)).toEqual(user)
      expect(await store().getUserByHandle('someone_else')).toBeUndefined()
    })

    test('refuses a duplicate handle and keeps the first user', async () => {
      const user = newUser()
      await store().createUser(user)
      const other = newUser({ handle: user.handle })
      expect(await store().createUser(other)).toBe(false)
      expect(await store().getUser(other.id)).toBeUndefined()
      expect(await store().getUserByHandle(user.handle)).toEqual(user)
    })

    test('resolves undefined for an unknown id or handle', async () => {
      expect(await store().getUser('1880028106020515999')).toBeUndefined()
      expect(await store().getUserByHandle('nobody')).toBeUndefined()
    })
  })

  group('media', () => {
    test('round-trips a fresh upload with null fields and a total above 2^32', async () => {
      const media = newMedia({ additionalOwners: ['1880028106020515842', '12'], category: null })
      expect(await store().createMedia(media)).toBe(true)
      expect(await store().getMedia(media.id)).toEqual(media)
    })

    test('round-trips a record with every optional field set', async () => {
      const media: MediaRecord = newMedia({
        declaredType: 'image/png',
        mediaType: 'image/png',
        category: 'tweet_image',
        totalBytes: 2 ** 40 + 1,
        shared: true,
        state: 'failed',
        processing: true,
        sizeBytes: 2 ** 40 + 1,
        image: { type: 'image/png', width: 4096, height: 2160 },
        progressPercent: 100,
        error: { code: 1, name: 'InvalidMedia', message: 'Ungültige Datei — 无效文件 🎞' },
        altText: 'Ein Vogelhaus — 鳥の家 🐦',
        pinned: true,
        video: { width: 1920, height: 1080, durationMs: 2 ** 33 },
        segmentsVersion: 999,
        finalizedAtMs: T0 + 5,
        expiresAtMs: 2 ** 45,
      })
      expect(await store().createMedia(media)).toBe(true)
      expect(await store().getMedia(media.id)).toEqual(media)
    })

    test('keeps apart 19-digit ids that are equal as JS numbers', async () => {
      const a = newMedia({ id: '1880028106020515840', mediaKey: '7_a' })
      const b = newMedia({ id: '1880028106020515841', mediaKey: '7_b' })
      expect(Number(a.id)).toBe(Number(b.id))
      expect(await store().createMedia(a)).toBe(true)
      expect(await store().createMedia(b)).toBe(true)
      expect((await mustGet(store(), a.id)).mediaKey).toBe('7_a')
      expect((await mustGet(store(), b.id)).mediaKey).toBe('7_b')
      expect(await store().getMedia('9223372036854775807')).toBeUndefined()
    })

    test('refuses a duplicate id and keeps the first record', async () => {
      const media = newMedia()
      await store().createMedia(media)
      expect(await store().createMedia({ ...media, mediaKey: '3_other', totalBytes: 1 })).toBe(false)
      expect(await store().getMedia(media.id)).toEqual(media)
    })

    test('resolves undefined for an unknown id', async () => {
      expect(await store().getMedia('1880028106020515999')).toBeUndefined()
    })

    test('returns copies that do not alias stored records', async () => {
      const media = newMedia({ additionalOwners: ['1'] })
      await store().createMedia(media)
      media.additionalOwners.push('2')
      const read = await mustGet(store(), media.id)
      read.additionalOwners.push('3')
      read.state = 'expired'
      expect(await store().getMedia(media.id)).toEqual({ ...media, additionalOwners: ['1'] })
    })
  })

  group('close', () => {
    test('can be called twice', async () => {
      await store().close()
      await expect(store().close()).resolves.toBeUndefined()
    })
  })
}
