/**
 * The conformance suite of `MetadataStore`: every backend's test file calls `describeMetadataStore`
 * with a factory, and each test runs against a fresh store from it. Test groups live in the
 * `metadata-*.suite.ts` files next to this one; fresh stores and skip lists work as `store-suite.ts`
 * describes.
 */
import type { MetadataStore } from '../metadata-store.js'
import { fileTests } from './metadata-files.suite.js'
import { jobTests } from './metadata-jobs.suite.js'
import { lifecycleTests } from './metadata-lifecycle.suite.js'
import { postReadTests } from './metadata-post-reads.suite.js'
import { postTests } from './metadata-posts.suite.js'
import { recordTests } from './metadata-records.suite.js'
import { segmentTests } from './metadata-segments.suite.js'
import { describeStoreSuite, type StoreSuiteContext, type StoreSuiteOptions } from './store-suite.js'

export type { SuiteSkip } from './store-suite.js'

/** Options of `describeMetadataStore`. */
export type MetadataStoreSuiteOptions = StoreSuiteOptions

/** What a metadata test group registers its tests through. */
export type SuiteContext = StoreSuiteContext<MetadataStore>

/** Declares the metadata-store conformance suite for one backend. */
export function describeMetadataStore(
  name: string,
  factory: () => Promise<MetadataStore>,
  options: MetadataStoreSuiteOptions = {},
): void {
  describeStoreSuite(name, factory, options, (context) => {
    recordTests(context)
    segmentTests(context)
    lifecycleTests(context)
    fileTests(context)
    jobTests(context)
    postTests(context)
    postReadTests(context)
  })
}
