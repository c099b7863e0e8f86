/** What every seed suite gets from `seeds.test.ts`: the server of the backend under test and the media. */
import type { BirdhouseServer } from '../harness.js'
import type { MediaFiles } from '../media.js'

/** Accessors valid inside tests (the values exist once the `beforeAll` hooks have run). */
export interface SeedContext {
  server(): BirdhouseServer
  media(): MediaFiles
  /** A temp dir of this backend's run for chunk files. */
  scratchDir(): string
}
