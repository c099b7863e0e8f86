/**
 * The conformance suite of `AuthStore`: every backend's test file calls `describeAuthStore` with a
 * factory, and each test runs against a fresh store from it. Test groups live in the `auth-*.suite.ts`
 * files next to this one; fresh stores and skip lists work as `store-suite.ts` describes.
 */
import type { AuthStore } from '../auth-store.js'
import { grantTests } from './auth-grants.suite.js'
import { limitTests } from './auth-limits.suite.js'
import { authRecordTests } from './auth-records.suite.js'
import { type Closable, describeStoreSuite, type StoreSuiteContext, type StoreSuiteOptions } from './store-suite.js'

/** An auth store the suite can close after each test (every backend is also a `MetadataStore`). */
export type ClosableAuthStore = AuthStore & Closable

/** Options of `describeAuthStore`. */
export type AuthStoreSuiteOptions = StoreSuiteOptions

/** What an auth test group registers its tests through. */
export type AuthSuiteContext = StoreSuiteContext<ClosableAuthStore>

/** Declares the auth-store conformance suite for one backend. */
export function describeAuthStore(
  name: string,
  factory: () => Promise<ClosableAuthStore>,
  options: AuthStoreSuiteOptions = {},
): void {
  describeStoreSuite(name, factory, options, (context) => {
    authRecordTests(context)
    grantTests(context)
    limitTests(context)
  })
}
