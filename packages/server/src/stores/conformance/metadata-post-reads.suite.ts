/**
 * Conformance tests for reading and deleting posts: `getTweet`/`getTweets`, `deleteTweet` (author
 * only) and `listUserTweets`, whose ids order numerically even when their lengths differ, so a
 * backend that sorts them as plain strings ('999' > '1000') or as JS numbers fails.
 */
import { expect } from 'vitest'
import type { MetadataStore, TweetRecord } from '../metadata-store.js'
import { createReady, newTweet, T0 } from './metadata-fixtures.js'
import type { SuiteContext } from './metadata-store.suite.js'

const AUTHOR = '1880028106020515001'
const OTHER_AUTHOR = '1880028106020515003'

/** Ids in a deliberately shuffled order; numerically ascending they are 9, 12, 999, 1000, 1001, then two 19-digit ids one apart. */
const SHUFFLED_IDS = ['1000', '9', '1880028106020515841', '999', '1001', '12', '1880028106020515840']
const NEWEST_FIRST = ['1880028106020515841', '1880028106020515840', '1001', '1000', '999', '12', '9']

/** Creates posts with `ids` by `authorId`, each with one fresh media; resolves to them in the same order. */
async function createPosts(store: MetadataStore, ids: string[], authorId = AUTHOR): Promise<TweetRecord[]> {
  const posts: TweetRecord[] = []
  for (const id of ids) {
    const media = await createReady(store)
    const tweet = newTweet([media.id], { id, authorId })
    expect(await store.createTweet(tweet, T0)).toBe(true)
    posts.push(tweet)
  }
  return posts
}

const idsOf = (tweets: TweetRecord[]) => tweets.map((t) => t.id)

/** Registers the post read, delete and listing tests. */
export function postReadTests({ group, test, store }: SuiteContext): void {
  group('getTweets', () => {
    test('returns the posts in the order asked, skipping unknown ids', async () => {
      const [a, b, c] = await createPosts(store(), [
        '1880028106020515901',
        '1880028106020515902',
        '1880028106020515903',
      ])
      const asked = [c?.id, '1880028106020515999', a?.id, b?.id].map(String)
      expect(await store().getTweets(asked)).toEqual([c, a, b])
    })

    test('returns an empty list for no ids or only unknown ids', async () => {
      expect(await store().getTweets([])).toEqual([])
      expect(await store().getTweets(['1880028106020515999'])).toEqual([])
      expect(await store().getTweet('1880028106020515999')).toBeUndefined()
    })
  })

  group('deleteTweet', () => {
    test('deletes a post of its author only', async () => {
      const [tweet] = (await createPosts(store(), ['1880028106020515901'])) as [TweetRecord]
      expect(await store().deleteTweet(tweet.id, OTHER_AUTHOR)).toBe(false)
      expect(await store().getTweet(tweet.id)).toEqual(tweet)
      expect(await store().deleteTweet(tweet.id, AUTHOR)).toBe(true)
      expect(await store().getTweet(tweet.id)).toBeUndefined()
      expect(await store().listUserTweets(AUTHOR, 10)).toEqual([])
    })

    test('resolves false for an unknown or already deleted post', async () => {
      const [tweet] = (await createPosts(store(), ['1880028106020515901'])) as [TweetRecord]
      await store().deleteTweet(tweet.id, AUTHOR)
      expect(await store().deleteTweet(tweet.id, AUTHOR)).toBe(false)
      expect(await store().deleteTweet('1880028106020515999', AUTHOR)).toBe(false)
    })

    test('frees the id for a new post', async () => {
      const [tweet] = (await createPosts(store(), ['1880028106020515901'])) as [TweetRecord]
      await store().deleteTweet(tweet.id, AUTHOR)
      const again = newTweet([], { id: tweet.id, text: 'again' })
      expect(await store().createTweet(again, T0)).toBe(true)
      expect(await store().getTweet(tweet.id)).toEqual(again)
    })
  })

  group('listUserTweets', () => {
    test('lists a user’s posts newest first by numeric id, ids of different lengths included', async () => {
      const posts = await createPosts(store(), SHUFFLED_IDS)
      await createPosts(store(), ['1002', '1880028106020515842'], OTHER_AUTHOR)
      const listed = await store().listUserTweets(AUTHOR, 100)
      expect(idsOf(listed)).toEqual(NEWEST_FIRST)
      expect(listed).toEqual(NEWEST_FIRST.map((id) => posts.find((p) => p.id === id)))
    })

    test('returns at most limit posts', async () => {
      await createPosts(store(), SHUFFLED_IDS)
      expect(idsOf(await store().listUserTweets(AUTHOR, 3))).toEqual(NEWEST_FIRST.slice(0, 3))
    })

    test('lists only ids below untilId, whether or not untilId exists', async () => {
      await createPosts(store(), SHUFFLED_IDS)
      expect(idsOf(await store().listUserTweets(AUTHOR, 100, '1000'))).toEqual(['999', '12', '9'])
      expect(idsOf(await store().listUserTweets(AUTHOR, 2, '1000'))).toEqual(['999', '12'])
      expect(idsOf(await store().listUserTweets(AUTHOR, 100, '100'))).toEqual(['12', '9'])
      expect(idsOf(await store().listUserTweets(AUTHOR, 100, '9'))).toEqual([])
      const below = await store().listUserTweets(AUTHOR, 100, '1880028106020515841')
      expect(idsOf(below)).toEqual(NEWEST_FIRST.slice(1))
    })

    test('pages through every post with untilId set to the last id of each page', async () => {
      await createPosts(store(), SHUFFLED_IDS)
      const seen: string[] = []
      let untilId: string | undefined
      for (let page = 0; page < 10; page += 1) {
        const listed =
          untilId === undefined
            ? await store().listUserTweets(AUTHOR, 2)
            : await store().listUserTweets(AUTHOR, 2, untilId)
        if (listed.length === 0) break
        seen.push(...idsOf(listed))
        untilId = listed.at(-1)?.id
      }
      expect(seen).toEqual(NEWEST_FIRST)
    })

    test('returns an empty list for a user without posts', async () => {
      await createPosts(store(), ['1000'])
      expect(await store().listUserTweets(OTHER_AUTHOR, 10)).toEqual([])
    })
  })
}
