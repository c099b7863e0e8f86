import { describe, expect, it } from 'vitest'
import { fabricatedMedia } from '../test-support/post-fixtures.js'
import { processingInfo } from './serialize.js'

const FINALIZED_AT = Date.UTC(2026, 0, 1)

function running(progressPercent: number | null) {
  return fabricatedMedia({ processing: true, state: 'in_progress', progressPercent, finalizedAtMs: FINALIZED_AT })
}

describe('processingInfo: check_after_secs', () => {
  it('asks for a poll after 1 s while pending', () => {
    const media = fabricatedMedia({ processing: true, state: 'pending', finalizedAtMs: FINALIZED_AT })
    expect(processingInfo(media, FINALIZED_AT + 30_000)).toEqual({ state: 'pending', check_after_secs: 1 })
  })

  it('predicts the rest from the rate so far: 2 s at 50 % after 2 s, 3 s at 25 % after 1 s', () => {
    expect(processingInfo(running(50), FINALIZED_AT + 2000)).toMatchObject({ check_after_secs: 2 })
    expect(processingInfo(running(25), FINALIZED_AT + 1000)).toMatchObject({ check_after_secs: 3 })
  })

  it('clamps the estimate to 1–10 s', () => {
    expect(processingInfo(running(99), FINALIZED_AT + 1000)).toMatchObject({ check_after_secs: 1 })
    expect(processingInfo(running(5), FINALIZED_AT + 60_000)).toEqual({
      state: 'in_progress',
      check_after_secs: 10,
      progress_percent: 5,
    })
  })

  it('answers 1 s when nothing predicts the rest: no progress yet, or no time given', () => {
    expect(processingInfo(running(0), FINALIZED_AT + 60_000)).toMatchObject({ check_after_secs: 1 })
    expect(processingInfo(running(null), FINALIZED_AT + 60_000)).toMatchObject({ check_after_secs: 1 })
    expect(processingInfo(running(50))).toMatchObject({ check_after_secs: 1 })
  })

  it('leaves it out once processing ended', () => {
    expect(processingInfo(fabricatedMedia({ processing: true, state: 'succeeded' }), FINALIZED_AT)).toEqual({
      state: 'succeeded',
      progress_percent: 100,
    })
  })
})
