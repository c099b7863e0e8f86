/**
 * The five documents birdhouse was specified from (../shared/seeds): every curl in them, with
 * only the host changed and placeholders filled, run as a real curl process against the built
 * server, once per metadata backend. Each seed lives in `seeds/seed<N>.suite.ts`.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe } from 'vitest'
import { backendCases, registerUnavailable, useBirdhouse } from './harness.js'
import { generateMedia, type MediaFiles } from './media.js'
import type { SeedContext } from './seeds/seed-context.js'
import { describeSeed0 } from './seeds/seed0.suite.js'
import { describeSeed1 } from './seeds/seed1.suite.js'
import { describeSeed2 } from './seeds/seed2.suite.js'
import { describeSeed3 } from './seeds/seed3.suite.js'
import { describeSeed4 } from './seeds/seed4.suite.js'

const backends = await backendCases()

let workDir = ''
let media: MediaFiles | undefined

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'birdhouse-seeds-'))
  media = await generateMedia(workDir)
})

afterAll(async () => {
  if (workDir !== '') await rm(workDir, { recursive: true, force: true })
})

describe.each(backends)('seed documents on $name', (backend) => {
  if (registerUnavailable(backend)) return
  const server = useBirdhouse({ backend: backend.name })
  let scratch = ''
  beforeAll(async () => {
    scratch = await mkdtemp(join(workDir, `${backend.name}-`))
  })
  const context: SeedContext = {
    server,
    media: () => {
      if (media === undefined) throw new Error('media were not generated (see the beforeAll error)')
      return media
    },
    scratchDir: () => scratch,
  }
  describeSeed0(context)
  describeSeed1(context)
  describeSeed2(context)
  describeSeed3(context)
  describeSeed4(context)
})
