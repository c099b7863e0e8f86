/**
 * The machinery shared by the store conformance suites: each test gets a fresh store from the
 * backend's factory (closed after it), tests are declared in named groups, and a backend may skip
 * tests only by listing their full names (`group > test`) with a reason. Skipped tests keep the
 * reason in their name and are printed, and a listed name that matches no test fails a test, so
 * skip lists cannot go stale.
 */
import { afterEach, beforeEach, describe, it } from 'vitest'

/** Tests a backend does not run, and why. */
export interface SuiteSkip {
  /** Why the backend cannot pass these tests. */
  reason: string
  /** Full test names, `group > test`. */
  tests: string[]
}

/** Options of a store conformance suite. */
export interface StoreSuiteOptions {
  /** Tests to skip, with reasons; default none. */
  skip?: SuiteSkip[]
}

/** What a test group registers its tests through. */
export interface StoreSuiteContext<S> {
  /** The store of the running test. */
  store(): S
  /** Declares a group of tests. */
  group(name: string, body: () => void): void
  /** Declares a test, skipped (with its reason) when the backend lists it. */
  test(name: string, fn: () => Promise<void>): void
}

/** A store the suite can close after each test. */
export interface Closable {
  /** Releases the store; idempotent. */
  close(): Promise<void>
}

/** Declares a suite named `name` whose groups `register` declares, each test on a fresh store from `factory`. */
export function describeStoreSuite<S extends Closable>(
  name: string,
  factory: () => Promise<S>,
  options: StoreSuiteOptions,
  register: (context: StoreSuiteContext<S>) => void,
): void {
  const reasons = new Map<string, string>()
  for (const skip of options.skip ?? []) for (const test of skip.tests) reasons.set(test, skip.reason)
  const declared = new Set<string>()
  const path: string[] = []
  let current: S | undefined

  const context: StoreSuiteContext<S> = {
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
    register(context)
    // Group bodies are collected after this one returns, so the check runs as a test.
    it('names only existing tests in its skip list', () => {
      const unknown = [...reasons.keys()].filter((test) => !declared.has(test))
      if (unknown.length > 0) throw new Error(`[${name}] skip list names unknown tests: ${unknown.join('; ')}`)
    })
  })
}
