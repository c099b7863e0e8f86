import { describe, expect, it } from 'vitest'
import { ProcessingError } from './processing-error.js'
import { parseSubtitles, type SubtitleFormat, subtitleFormatOf } from './subtitles.js'

const SRT = `1
00:00:01,000 --> 00:00:02,500
Hello there.

2
00:00:02,000 --> 00:00:04,250
Overlapping speaker,
on two lines.

5
00:01:00,000 --> 00:01:03,000 X1:100 X2:200 Y1:10 Y2:50
Numbers may skip.
`

const VTT = `WEBVTT - a title
Kind: captions
Language: en

NOTE written by hand,
over two lines

STYLE
::cue { color: yellow }

intro
00:01.000 --> 00:02.500 align:start position:10%
Hello <b>there</b>.

00:00:02.000 --> 00:00:04.250
No identifier, hours given.

01:00:00.000 --> 01:00:01.000
An hour in.
`

function failureOf(input: string | Buffer, format?: SubtitleFormat): string {
  try {
    parseSubtitles(input, format === undefined ? {} : { format })
  } catch (error) {
    expect(error).toBeInstanceOf(ProcessingError)
    const { reason, failure } = error as ProcessingError
    expect(reason).toBe('invalid-media')
    expect(failure).toMatchObject({ code: 1, name: 'InvalidMedia' })
    expect(failure.message).toMatch(/^Invalid subtitle file: /)
    return failure.message.replace('Invalid subtitle file: ', '')
  }
  return expect.fail('expected the file to be refused')
}

describe('parseSubtitles: valid files', () => {
  it('counts the cues of an SRT file and its duration', () => {
    expect(parseSubtitles(SRT)).toEqual({ format: 'srt', cueCount: 3, durationSecs: 63 })
  })

  it('reads SRT with CRLF line ends, a BOM, a dot before milliseconds and trailing blank lines', () => {
    const windows = `\uFEFF${SRT.replace('00:00:01,000', '00:00:01.000').replaceAll('\n', '\r\n')}\r\n\r\n`
    expect(parseSubtitles(Buffer.from(windows, 'utf8'))).toEqual({ format: 'srt', cueCount: 3, durationSecs: 63 })
  })

  it('reads WebVTT with header metadata, NOTE and STYLE blocks, identifiers and settings', () => {
    expect(parseSubtitles(VTT)).toEqual({ format: 'vtt', cueCount: 3, durationSecs: 3601 })
    expect(parseSubtitles(Buffer.from(VTT), { format: 'vtt' }).cueCount).toBe(3)
  })

  it('reads a minimal WebVTT file', () => {
    expect(parseSubtitles('WEBVTT\n\n00:00.000 --> 00:00.500\nHi\n')).toEqual({
      format: 'vtt',
      cueCount: 1,
      durationSecs: 0.5,
    })
  })
})

describe('parseSubtitles: broken files', () => {
  it.each([
    ['an empty file', '', 'no cues'],
    ['blank lines only', '\n\n  \n', 'no cues'],
    [
      'text with no cue number',
      'Hello\n00:00:01,000 --> 00:00:02,000\n',
      'line 1: expected a cue number, found "Hello"',
    ],
    ['a missing timing line', '1\n', 'line 1: cue 1 has no timing line'],
    [
      'a bad arrow',
      '1\n00:00:01,000 -> 00:00:02,000\nHi\n',
      'line 2: malformed SRT cue timing "00:00:01,000 -> 00:00:02,000"',
    ],
    ['61 seconds', '1\n00:00:61,000 --> 00:01:02,000\nHi\n', 'line 2: malformed SRT cue timing'],
    [
      'numbers going backwards',
      '2\n00:00:01,000 --> 00:00:02,000\nA\n\n1\n00:00:03,000 --> 00:00:04,000\nB\n',
      'line 5: cue number 1 does not follow 2',
    ],
    [
      'a cue ending before it starts',
      '1\n00:00:05,000 --> 00:00:04,000\nA\n',
      'line 2: cue ends at 4 s, before it starts at 5 s',
    ],
    [
      'cues out of order',
      '1\n00:00:05,000 --> 00:00:06,000\nA\n\n2\n00:00:01,000 --> 00:00:02,000\nB\n',
      'line 6: cue starts at 1 s, before the previous cue at 5 s',
    ],
    [
      'a blank line inside a cue’s text',
      '1\n00:00:01,000 --> 00:00:02,000\nA\n\nstill A\n',
      'line 5: expected a cue number, found "still A"',
    ],
  ])('refuses SRT with %s', (_, input, message) => {
    expect(failureOf(input)).toContain(message)
  })

  it.each([
    ['no header', '00:00.000 --> 00:01.000\nHi\n', 'line 1: a WebVTT file must start with "WEBVTT"'],
    ['a header glued to a word', 'WEBVTTX\n\n00:00.000 --> 00:01.000\nHi\n', 'line 1: a WebVTT file must start with'],
    ['a comma before milliseconds', 'WEBVTT\n\n00:00,000 --> 00:01,000\nHi\n', 'line 3: malformed WebVTT cue timing'],
    ['two-digit milliseconds', 'WEBVTT\n\n00:00.00 --> 00:01.00\nHi\n', 'line 3: malformed WebVTT cue timing'],
    ['text where a cue should be', 'WEBVTT\n\nHello\nWorld\n', 'line 3: expected a cue timing line, found "Hello"'],
    ['no cues', 'WEBVTT\n\nNOTE nothing here\n', 'no cues'],
    [
      'cues out of order',
      'WEBVTT\n\n00:05.000 --> 00:06.000\nA\n\n00:01.000 --> 00:02.000\nB\n',
      'line 6: cue starts at 1 s, before the previous cue at 5 s',
    ],
  ])('refuses WebVTT with %s', (_, input, message) => {
    expect(failureOf(input, 'vtt')).toContain(message)
  })

  it('refuses bytes that are not UTF-8', () => {
    expect(failureOf(Buffer.from([0x31, 0x0a, 0xff, 0xfe, 0x0a]))).toBe('not UTF-8 text')
  })

  it('refuses an SRT file uploaded as text/vtt', () => {
    expect(failureOf(SRT, 'vtt')).toBe('line 1: a WebVTT file must start with "WEBVTT"')
  })
})

describe('subtitleFormatOf', () => {
  it('maps subtitle media types, including x-ruby’s application/x-subrip (spec §8.2)', () => {
    expect(subtitleFormatOf('text/srt')).toBe('srt')
    expect(subtitleFormatOf('application/x-subrip')).toBe('srt')
    expect(subtitleFormatOf('TEXT/VTT; charset=utf-8')).toBe('vtt')
    expect(subtitleFormatOf('video/mp4')).toBeUndefined()
  })
})
