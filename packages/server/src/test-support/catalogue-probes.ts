/**
 * The one way catalogue tests check an error's rendering: each test file keeps a `PROBES` table
 * (code → how to provoke it, and the exact v2 and v1.1 answers) and registers its checks here.
 */
import { ERROR_CODES, type ErrorCode } from '@birdhouse/protocol'
import type { LightMyRequestResponse } from 'fastify'
import { expect, it } from 'vitest'
import { mediaTypeOf, normalisedBody } from './route-harness.js'

/** How to provoke an error over HTTP, and the status and normalised body it must produce. */
export interface CatalogueProbe<H> {
  provoke: (h: H) => Promise<LightMyRequestResponse>
  status: number
  body: unknown
}

/** The v2 probe of a code and its v1.1 probe, or why no /1.1/ route reaches it. */
export interface CatalogueEntry<H> {
  v2: CatalogueProbe<H>
  v1: CatalogueProbe<H> | { unreachable: string }
}

/** Registers "renders its v2 problem" and "renders its v1.1 body" (skipped with its reason when unreachable). */
export function itRendersBothDialects<H>(code: ErrorCode, entry: CatalogueEntry<H>, harness: () => H): void {
  const { v2, v1 } = entry
  it('renders its v2 problem', async () => {
    const response = await v2.provoke(harness())
    expect([response.statusCode, mediaTypeOf(response)]).toEqual([v2.status, 'application/problem+json'])
    expect(v2.status).toBe(ERROR_CODES[code].status)
    expect(normalisedBody(response)).toEqual(v2.body)
  })
  if ('unreachable' in v1) {
    it.skip(`has no v1.1 route: ${v1.unreachable}`, () => {})
    return
  }
  it('renders its v1.1 body', async () => {
    const response = await v1.provoke(harness())
    expect([response.statusCode, response.headers['content-type']]).toEqual([
      v1.status,
      'application/json;charset=utf-8',
    ])
    expect(v1.status).toBe(ERROR_CODES[code].v1.status)
    expect(normalisedBody(response)).toEqual(v1.body)
  })
}
