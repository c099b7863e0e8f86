import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ProgressReporter } from './progress-reporter.js'

let written: number[]

beforeEach(() => {
  vi.useFakeTimers()
  written = []
})

afterEach(() => {
  vi.useRealTimers()
})

function reporter(options: { startPercent?: number; write?: (percent: number) => Promise<unknown> } = {}) {
  return new ProgressReporter({
    write: async (percent) => {
      written.push(percent)
    },
    now: () => Date.now(),
    ...options,
  })
}

describe('ProgressReporter', () => {
  it('writes a step of 5 points at once and smaller steps at most every 500 ms', async () => {
    const progress = reporter()
    progress.report(5)
    await vi.advanceTimersByTimeAsync(0)
    expect(written).toEqual([5])
    progress.report(6)
    progress.report(7)
    await vi.advanceTimersByTimeAsync(499)
    expect(written).toEqual([5])
    await vi.advanceTimersByTimeAsync(1)
    expect(written).toEqual([5, 7])
    progress.report(12)
    await vi.advanceTimersByTimeAsync(0)
    expect(written).toEqual([5, 7, 12])
  })

  it('never writes a value at or below the highest seen, nor below what the store held at start', async () => {
    const progress = reporter({ startPercent: 40 })
    for (const percent of [10, 40, 39, 50, 45, 50]) progress.report(percent)
    await vi.advanceTimersByTimeAsync(2000)
    expect(written).toEqual([50])
    expect(progress.percent).toBe(50)
  })

  it('keeps one write in flight and writes the latest value after it', async () => {
    const pending: Array<() => void> = []
    const progress = reporter({
      write: (percent) => {
        written.push(percent)
        return new Promise<void>((resolve) => pending.push(resolve))
      },
    })
    progress.report(10)
    await vi.advanceTimersByTimeAsync(0)
    progress.report(20)
    progress.report(30)
    await vi.advanceTimersByTimeAsync(0)
    expect(written).toEqual([10])
    pending.shift()?.()
    await vi.advanceTimersByTimeAsync(0)
    expect(written).toEqual([10, 30])
  })

  it('close() drops what is not written yet and waits for the write in flight', async () => {
    let finished = false
    const progress = reporter({
      write: async (percent) => {
        written.push(percent)
        await new Promise((resolve) => setTimeout(resolve, 100))
        finished = true
      },
    })
    progress.report(10)
    await vi.advanceTimersByTimeAsync(0)
    progress.report(11)
    const closed = progress.close()
    await vi.advanceTimersByTimeAsync(1000)
    await closed
    expect(finished).toBe(true)
    expect(written).toEqual([10])
  })

  it('logs a failed write and writes again with the next report', async () => {
    let fail = true
    const progress = reporter({
      write: async (percent) => {
        if (fail) throw new Error('database is busy')
        written.push(percent)
      },
    })
    progress.report(10)
    await vi.advanceTimersByTimeAsync(0)
    fail = false
    progress.report(11)
    await vi.advanceTimersByTimeAsync(0)
    expect(written).toEqual([11])
  })
})
