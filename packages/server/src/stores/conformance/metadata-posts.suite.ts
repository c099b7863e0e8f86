/**
 * Conformance tests for posts and what they do to media: alt text, `createTweet` (all-or-nothing
 * checks, pinning in the same step, duplicate ids), pinned media surviving the reaper, and a race
 * of posts against expiry. Reading, deleting and listing posts are in `metadata-post-reads.suite.ts`.
 */
import { expect } from 'vitest'
import type { MediaRecord, MetadataStore } from '../metadata-store.js'
import { createFinalized, createReady, createUpload, mustGet, newTweet, T0 } from './metadata-fixtures.js'
import type { SuiteContext } from './metadata-store.suite.js'

const UNKNOWN_ID = '1880028106020515999'

/** A 1000-character alt text (counted in code points) mixing accents, CJK and astral emoji. */
function longAltText(): string {
  const chars = [...'Zoë 鳥の家 🐦 — ﬁne ']
  return Array.from({ length: 1000 }, (_, i) => chars[i % chars.length]).join('')
}

/** Asserts that none of `media` changed and no post `tweetId` exists. */
async function expectUnchanged(store: MetadataStore, tweetId: string, media: MediaRecord[]): Promise<void> {
  expect(await store.getTweet(tweetId)).toBeUndefined()
  for (const before of media) expect(await store.getMedia(before.id)).toEqual(before)
}

/** Registers the alt-text, createTweet, pinning and race tests. */
export function postTests({ group, test, store }: SuiteContext): void {
  group('setAltText', () => {
    test('round-trips a 1000-character non-ASCII alt text and clears it with null', async () => {
      const media = await createReady(store())
      const altText = longAltText()
      expect([...altText]).toHaveLength(1000)
      expect(await store().setAltText(media.id, altText)).toBe(true)
      expect(await store().getMedia(media.id)).toEqual({ ...media, altText })
      expect(await store().setAltText(media.id, null)).toBe(true)
      expect(await store().getMedia(media.id)).toEqual(media)
    })

    test('resolves false for unknown media', async () => {
      expect(await store().setAltText(UNKNOWN_ID, 'alt')).toBe(false)
      expect(await store().getMedia(UNKNOWN_ID)).toBeUndefined()
    })
  })

  group('createTweet', () => {
    test('stores the post with its media in order and pins every media', async () => {
      const [a, b] = [await createReady(store()), await createReady(store())]
      const tweet = newTweet([b.id, a.id])
      expect(await store().createTweet(tweet, T0)).toBe(true)
      expect(await store().getTweet(tweet.id)).toEqual(tweet)
      expect(await store().getMedia(a.id)).toEqual({ ...a, pinned: true })
      expect(await store().getMedia(b.id)).toEqual({ ...b, pinned: true })
    })

    test('stores a post without media and with no tagged users', async () => {
      const tweet = newTweet([], { taggedUserIds: [], text: '' })
      expect(await store().createTweet(tweet, T0)).toBe(true)
      expect(await store().getTweet(tweet.id)).toEqual(tweet)
    })

    test('refuses missing media and changes nothing', async () => {
      const ready = await createReady(store())
      const tweet = newTweet([ready.id, UNKNOWN_ID])
      expect(await store().createTweet(tweet, T0)).toBe(false)
      await expectUnchanged(store(), tweet.id, [ready])
    })

    test('refuses media that has not succeeded and changes nothing', async () => {
      const ready = await createReady(store())
      const uploading = await createUpload(store(), [10])
      const pending = (await createFinalized(store())).media
      const failed = (await createFinalized(store())).media
      const error = { code: 3, name: 'InvalidMedia', message: 'bad' }
      await store().updateProcessing(failed.id, { state: 'failed', progressPercent: null, error })
      for (const other of [uploading, pending, await mustGet(store(), failed.id)]) {
        const tweet = newTweet([ready.id, other.id])
        expect(await store().createTweet(tweet, T0), other.state).toBe(false)
        await expectUnchanged(store(), tweet.id, [ready, other])
      }
    })

    test('refuses media expired by state or by time (expiresAtMs ≤ nowMs) and changes nothing', async () => {
      const ready = await createReady(store(), T0 + 100)
      const reaped = await createReady(store(), T0 + 50)
      expect(await store().expireMedia(reaped.id, T0 + 50)).not.toBeNull()
      const gone = await mustGet(store(), reaped.id)
      const due = await createReady(store(), T0 + 60)
      for (const [other, nowMs] of [
        [gone, T0],
        [due, T0 + 60],
        [due, T0 + 61],
      ] as const) {
        const tweet = newTweet([ready.id, other.id])
        expect(await store().createTweet(tweet, nowMs)).toBe(false)
        await expectUnchanged(store(), tweet.id, [ready, other])
      }
    })

    test('accepts media pinned by an earlier post even past its expiry', async () => {
      const media = await createReady(store(), T0 + 100)
      expect(await store().createTweet(newTweet([media.id]), T0 + 99)).toBe(true)
      const later = newTweet([media.id])
      expect(await store().createTweet(later, T0 + 10_000)).toBe(true)
      expect(await store().getTweet(later.id)).toEqual(later)
    })

    test('refuses a duplicate id and keeps the first post', async () => {
      const [a, b] = [await createReady(store()), await createReady(store())]
      const tweet = newTweet([a.id])
      expect(await store().createTweet(tweet, T0)).toBe(true)
      const again = { ...tweet, text: 'other', mediaIds: [b.id] }
      expect(await store().createTweet(again, T0)).toBe(false)
      expect(await store().getTweet(tweet.id)).toEqual(tweet)
      expect(await store().getMedia(b.id)).toEqual(b)
    })

    test('returns copies that do not alias stored posts', async () => {
      const media = await createReady(store())
      const tweet = newTweet([media.id])
      await store().createTweet(tweet, T0)
      tweet.mediaIds.push(UNKNOWN_ID)
      const read = await store().getTweet(tweet.id)
      read?.taggedUserIds.push('1')
      expect(await store().getTweet(tweet.id)).toEqual({ ...tweet, mediaIds: [media.id] })
    })
  })

  group('pinned media', () => {
    test('is never listed or expired by the reaper, even long past its expiry', async () => {
      const pinned = await createReady(store(), T0 + 100)
      const unpinned = await createReady(store(), T0 + 100)
      expect(await store().createTweet(newTweet([pinned.id]), T0)).toBe(true)
      const farFuture = T0 + 365 * 86_400_000
      expect((await store().listExpiredMedia(farFuture, 10)).map((m) => m.id)).toEqual([unpinned.id])
      expect(await store().expireMedia(pinned.id, farFuture)).toBeNull()
      expect(await store().getMedia(pinned.id)).toEqual({ ...pinned, pinned: true })
    })

    test('stays pinned after its post is deleted', async () => {
      const media = await createReady(store(), T0 + 100)
      const tweet = newTweet([media.id])
      await store().createTweet(tweet, T0)
      expect(await store().deleteTweet(tweet.id, tweet.authorId)).toBe(true)
      expect((await mustGet(store(), media.id)).pinned).toBe(true)
      expect(await store().listExpiredMedia(T0 + 10_000, 10)).toEqual([])
      expect(await store().expireMedia(media.id, T0 + 10_000)).toBeNull()
    })
  })

  group('createTweet against expireMedia', () => {
    test('never leaves a post pointing at expired media when 20 posts race the reaper', async () => {
      for (let round = 0; round < 5; round += 1) {
        const expiresAtMs = T0 + 1000
        const media = await createReady(store(), expiresAtMs)
        const tweets = Array.from({ length: 20 }, () => newTweet([media.id]))
        const calls = tweets.map((tweet) => () => store().createTweet(tweet, expiresAtMs - 1))
        // The reaper's clock has just passed the expiry; it starts at a different point each round.
        calls.splice(round * 5, 0, async () => (await store().expireMedia(media.id, expiresAtMs)) !== null)
        const results = await Promise.all(calls.map((call) => call()))
        const expired = results.splice(round * 5, 1)[0]
        const after = await mustGet(store(), media.id)
        const stored = await store().getTweets(tweets.map((t) => t.id))
        expect(stored.map((t) => t.id)).toEqual(tweets.filter((_, i) => results[i]).map((t) => t.id))
        if (stored.length > 0) {
          expect(expired).toBe(false)
          expect(after).toMatchObject({ state: 'succeeded', pinned: true })
        } else {
          expect(expired).toBe(true)
          expect(after).toMatchObject({ state: 'expired', pinned: false })
        }
      }
    })
  })
}
