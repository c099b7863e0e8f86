import { describe, expect, it } from 'vitest'
import { ProgressMeter, parseProgressLine } from './ffmpeg-progress.js'

/** One `-progress` block as ffmpeg prints it. */
function block(outTimeUs: number | 'N/A', end = false): string[] {
  const time = outTimeUs === 'N/A' ? 'N/A' : String(outTimeUs)
  return [
    'frame=12',
    'fps=0.00',
    `out_time_us=${time}`,
    `out_time_ms=${time}`,
    'speed=1.5x',
    `progress=${end ? 'end' : 'continue'}`,
  ]
}

function feed(meter: ProgressMeter, lines: readonly string[]): void {
  for (const line of lines) meter.line(line)
}

describe('parseProgressLine', () => {
  it.each([
    ['out_time_us=1500000', 1_500_000],
    ['out_time_ms=1500000', 1_500_000],
    ['out_time=00:01:02.500000', 62_500_000],
    ['out_time=-00:00:00.040000', -40_000],
    ['out_time_us=N/A', undefined],
    ['frame=12', undefined],
    ['progress=continue', undefined],
  ])('reads %s', (line, expected) => {
    expect(parseProgressLine(line)).toBe(expected)
  })
})

describe('ProgressMeter', () => {
  it('reports whole percents of the duration, holding 100 back until the run ends', () => {
    const seen: number[] = []
    const meter = new ProgressMeter(10, (percent) => seen.push(percent))
    feed(meter, [...block(0), ...block(2_500_000), ...block(9_999_000), ...block(10_000_000)])
    expect(seen).toEqual([0, 25, 99])
    feed(meter, block(10_000_000, true))
    expect(seen).toEqual([0, 25, 99, 100])
  })

  it('never goes backwards, whatever ffmpeg prints', () => {
    const seen: number[] = []
    const meter = new ProgressMeter(4, (percent) => seen.push(percent))
    feed(meter, [...block(2_000_000), ...block(1_000_000), ...block('N/A'), ...block(-40_000), ...block(3_000_000)])
    expect(seen).toEqual([50, 75])
    expect(meter.percent).toBe(75)
  })

  it('maps a run into its slice of the job', () => {
    const seen: number[] = []
    const meter = new ProgressMeter(2, (percent) => seen.push(percent), { from: 40, to: 60 })
    expect(meter.percent).toBe(40)
    feed(meter, [...block(1_000_000), ...block(2_000_000)])
    meter.done()
    expect(seen).toEqual([50, 59, 60])
  })

  it('reports only the end when the duration is unknown', () => {
    const seen: number[] = []
    const meter = new ProgressMeter(0, (percent) => seen.push(percent))
    feed(meter, [...block(1_000_000), ...block(2_000_000, true)])
    expect(seen).toEqual([100])
  })
})
