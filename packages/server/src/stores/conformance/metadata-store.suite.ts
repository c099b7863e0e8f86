/**
 * The conformance suite of `MetadataStore`: every backend's test file calls `describeMetadataStore`
 * with a factory, and each test runs against a fresh store from it. Test groups live in the
 * `metadata-*.suite.ts` files next to this one. A backend may skip tests only by listing their full
 * names (`group > test`) with a reason; skipped tests keep the reason in their name and are printed,
 * and a listed name that matches no test fails a test, so skip lists cannot go stale.
 */
import { afterEach, beforeEach, describe, it } from 'vitest'
import type { MetadataStore } from '../metadata-store.js'
import { jobTests } from './metadata-jobs.suite.js'
import { lifecycleTests } from './metadata-lifecycle.suite.js'
import { postReadTests } from './metadata-post-reads.suite.js'
import { postTests } from './metadata-posts.suite.js'
import { recordTests } from './metadata-records.suite.js'
import { segmentTests } from './metadata-segments.suite.js'

/** Tests a backend does not run, and why. */
export interface SuiteSkip {
  /** Why the backend cannot pass these tests. */
  reason: string
  /** Full test names, `group > test`. */
  tests: string[]
}

/** Options of `describeMetadataStore`. */
export interface MetadataStoreSuiteOptions {
  /** Tests to skip, with reasons; default none. */
  skip?: SuiteSkip[]
}

/** What a test group registers its tests through. */
export interface SuiteContext {
  /** The store of the running test. */
  store(): MetadataStore
  /** Declares a group of tests. */
  group(name: string, body: () => void): void
  /** Declares a test, skipped (with its reason) when the backend lists it. */
  test(name: string, fn: () => Promise<void>): void
}

/** Declares the metadata-store conformance suite for one backend. */
export function describeMetadataStore(
  name: string,
  factory: () => Promise<MetadataStore>,
  options: MetadataStoreSuiteOptions = {},
): void {
  const reasons = new Map<string, string>()
  for (const skip of options.skip ?? []) for (const test of skip.tests) reasons.set(test, skip.reason)
  const declared = new Set<string>()
  const path: string[] = []
  let current: MetadataStore | undefined

  const context: SuiteContext = {
    store() {
      if (current === undefined) throw new Error('no store: the factory has not run for this test')
      return current
    },
    group(groupName, body) {
      describe(groupName, () => {
        path.push(groupName)
        try {
          body()
        } finally {
          path.pop()
        }
      })
    },
    test(testName, fn) {
      const fullName = [...path, testName].join(' > ')
      declared.add(fullName)
      const reason = reasons.get(fullName)
      if (reason === undefined) {
        it(testName, fn)
        return
      }
      console.warn(`[${name}] skipping "${fullName}": ${reason}`)
      it.skip(`${testName} (skipped: ${reason})`, fn)
    },
  }

  describe(name, () => {
    beforeEach(async () => {
      current = await factory()
    })
    afterEach(async () => {
      await current?.close()
      current = undefined
    })
    recordTests(context)
    segmentTests(context)
    lifecycleTests(context)
    jobTests(context)
    postTests(context)
    postReadTests(context)
    // Group bodies are collected after this one returns, so the check runs as a test.
    it('names only existing tests in its skip list', () => {
      const unknown = [...reasons.keys()].filter((test) => !declared.has(test))
      if (unknown.length > 0) throw new Error(`[${name}] skip list names unknown tests: ${unknown.join('; ')}`)
    })
  })
}
