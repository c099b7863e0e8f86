/**
 * Conformance tests for what processing leaves on a media record: the files it produced (through
 * FINALIZE and processing updates), releasing the APPEND segments once processing ended, and
 * subtitle tracks linked per language.
 */
import { expect } from 'vitest'
import type { MediaFile, MetadataStore, SubtitleTrack } from '../metadata-store.js'
import { createFinalized, createUpload, finalizeChange, mustGet, newMedia } from './metadata-fixtures.js'
import type { SuiteContext } from './metadata-store.suite.js'

const UNKNOWN_ID = '1880028106020515999'

let fileSequence = 0

/** A produced file with a unique blob key. */
function file(role: MediaFile['role'], overrides: Partial<MediaFile> = {}): MediaFile {
  const image = role !== 'variant'
  fileSequence += 1
  return {
    role,
    contentType: image ? 'image/jpeg' : 'video/mp4',
    width: 1280,
    height: 720,
    bitRate: image ? null : 2_176_000,
    sizeBytes: 2 ** 32 + 9,
    blobKey: `files/${role}/${fileSequence}-ünïcode`,
    ...overrides,
  }
}

/** A subtitle track of `languageCode`, its subtitle media id derived from the code. */
function track(languageCode: string, displayName = `Langue ${languageCode} — 字幕 🎬`): SubtitleTrack {
  const digits = [...languageCode].map((c) => String(c.charCodeAt(0)).padStart(3, '0')).join('')
  return { languageCode, displayName, subtitleMediaId: `1880028106020${digits}` }
}

const TEN_LANGUAGES = ['ZH', 'EN', 'RU', 'FR', 'PT', 'DE', 'KO', 'ES', 'JA', 'IT']

/** Finalizes a fresh upload with three segments and moves its processing to `outcome`. */
async function createProcessed(store: MetadataStore, outcome: 'succeeded' | 'failed') {
  const media = await createUpload(store, [1, 2, 3])
  expect(await store.finalizeMedia(media.id, media.segmentsVersion, finalizeChange(), null)).toBe(true)
  const error = outcome === 'failed' ? { code: 1, name: 'InvalidMedia', message: 'bad' } : null
  expect(await store.updateProcessing(media.id, { state: outcome, progressPercent: 100, error })).toBe(true)
  const keys = (await store.listSegments(media.id)).map((s) => s.blobKey)
  return { media: await mustGet(store, media.id), keys }
}

/** Registers the file, segment-release and subtitle tests. */
export function fileTests({ group, test, store }: SuiteContext): void {
  group('media files', () => {
    test('round-trips files and subtitles given at createMedia, tracks ordered by language code', async () => {
      const files = [file('variant'), file('variant', { bitRate: 0, width: 2 ** 31 }), file('poster')]
      const [fr, de, ja] = [track('FR', 'Français'), track('DE', 'Deutsch'), track('JA', '日本語')]
      const media = newMedia({ files, subtitles: [fr, de, ja] })
      expect(await store().createMedia(media)).toBe(true)
      expect(await store().getMedia(media.id)).toEqual({ ...media, subtitles: [de, fr, ja] })
    })

    test('stores the files FINALIZE gives', async () => {
      const media = await createUpload(store(), [10])
      const files = (['orig', 'large', 'medium', 'small', 'thumb'] as const).map((role) => file(role))
      const change = finalizeChange({ state: 'succeeded', processing: false, mediaType: 'image/jpeg', files })
      expect(await store().finalizeMedia(media.id, media.segmentsVersion, change, null)).toBe(true)
      expect(await store().getMedia(media.id)).toEqual({ ...media, ...change })
    })

    test('stores files a processing change gives and keeps them when a later change omits them', async () => {
      const { media } = await createFinalized(store())
      const files = [file('variant'), file('poster')]
      const progress = { state: 'in_progress', progressPercent: 90, error: null, files } as const
      expect(await store().updateProcessing(media.id, progress)).toBe(true)
      expect(await store().getMedia(media.id)).toEqual({ ...media, ...progress })
      const done = { state: 'succeeded', progressPercent: 100, error: null } as const
      expect(await store().updateProcessing(media.id, done)).toBe(true)
      expect(await store().getMedia(media.id)).toEqual({ ...media, ...done, files })
    })

    test('replaces the files when a later change gives others', async () => {
      const { media } = await createFinalized(store())
      const poster = [file('poster')]
      await store().updateProcessing(media.id, {
        state: 'in_progress',
        progressPercent: 50,
        error: null,
        files: poster,
      })
      const files = [file('variant'), file('variant', { bitRate: 832_000 })]
      const done = { state: 'succeeded', progressPercent: 100, error: null, files } as const
      expect(await store().updateProcessing(media.id, done)).toBe(true)
      expect((await mustGet(store(), media.id)).files).toEqual(files)
    })
  })

  group('releaseSegments', () => {
    test('deletes the segments of succeeded media and returns their keys in index order', async () => {
      const { media, keys } = await createProcessed(store(), 'succeeded')
      expect(await store().releaseSegments(media.id)).toEqual(keys)
      expect(await store().listSegments(media.id)).toEqual([])
      expect(await store().getMedia(media.id)).toEqual(media)
    })

    test('deletes the segments of failed media', async () => {
      const { media, keys } = await createProcessed(store(), 'failed')
      expect(await store().releaseSegments(media.id)).toEqual(keys)
      expect(await store().listSegments(media.id)).toEqual([])
    })

    test('deletes the segments of media ready at FINALIZE', async () => {
      const media = await createUpload(store(), [4, 5])
      const keys = (await store().listSegments(media.id)).map((s) => s.blobKey)
      const change = finalizeChange({ state: 'succeeded', processing: false })
      await store().finalizeMedia(media.id, media.segmentsVersion, change, null)
      expect(await store().releaseSegments(media.id)).toEqual(keys)
    })

    test('resolves [] on a second call', async () => {
      const { media } = await createProcessed(store(), 'succeeded')
      await store().releaseSegments(media.id)
      expect(await store().releaseSegments(media.id)).toEqual([])
    })

    test('resolves [] and keeps the segments while uploading, pending or in progress', async () => {
      const uploading = await createUpload(store(), [1, 2])
      const pending = (await createFinalized(store())).media
      const inProgress = (await createFinalized(store())).media
      await store().updateProcessing(inProgress.id, { state: 'in_progress', progressPercent: 10, error: null })
      for (const media of [uploading, pending, inProgress]) {
        const before = await store().listSegments(media.id)
        expect(await store().releaseSegments(media.id), media.state).toEqual([])
        expect(await store().listSegments(media.id)).toEqual(before)
        expect(before.length).toBeGreaterThan(0)
      }
    })

    test('resolves [] for expired and unknown media', async () => {
      const expired = await createUpload(store(), [1])
      await store().expireMedia(expired.id, expired.expiresAtMs)
      expect(await store().releaseSegments(expired.id)).toEqual([])
      expect(await store().releaseSegments(UNKNOWN_ID)).toEqual([])
    })

    test('hands each key to exactly one of 10 concurrent calls', async () => {
      const { media, keys } = await createProcessed(store(), 'succeeded')
      const released = await Promise.all(Array.from({ length: 10 }, () => store().releaseSegments(media.id)))
      expect(released.flat().sort()).toEqual(keys.slice().sort())
      expect(released.filter((r) => r.length > 0)).toHaveLength(1)
    })
  })

  group('subtitles', () => {
    test('links a track to a video', async () => {
      const { media } = await createFinalized(store())
      const en = track('EN', 'English')
      expect(await store().putSubtitle(media.id, en)).toBe(true)
      expect(await store().getMedia(media.id)).toEqual({ ...media, subtitles: [en] })
    })

    test('replaces the track of the same language and keeps the others', async () => {
      const { media } = await createFinalized(store())
      const en = track('EN', 'English')
      await store().putSubtitle(media.id, en)
      await store().putSubtitle(media.id, track('FR', 'Français'))
      const replacement = { ...track('FR', 'Français (Canada) 🍁'), subtitleMediaId: '1880028106020515777' }
      expect(await store().putSubtitle(media.id, replacement)).toBe(true)
      expect((await mustGet(store(), media.id)).subtitles).toEqual([en, replacement])
    })

    test('lists tracks ordered by language code whatever order they were linked in', async () => {
      const { media } = await createFinalized(store())
      for (const code of TEN_LANGUAGES) await store().putSubtitle(media.id, track(code))
      const codes = (await mustGet(store(), media.id)).subtitles.map((t) => t.languageCode)
      expect(codes).toEqual([...TEN_LANGUAGES].sort())
    })

    test('keeps every track of 10 concurrent links of different languages', async () => {
      const { media } = await createFinalized(store())
      const tracks = TEN_LANGUAGES.map((code) => track(code))
      expect(await Promise.all(tracks.map((t) => store().putSubtitle(media.id, t)))).toEqual(tracks.map(() => true))
      const sorted = tracks.slice().sort((a, b) => (a.languageCode < b.languageCode ? -1 : 1))
      expect((await mustGet(store(), media.id)).subtitles).toEqual(sorted)
    })

    test('keeps one track after 10 concurrent links of the same language', async () => {
      const { media } = await createFinalized(store())
      const tracks = Array.from({ length: 10 }, (_, i) => ({ ...track('EN'), displayName: `English ${i}` }))
      await Promise.all(tracks.map((t) => store().putSubtitle(media.id, t)))
      const stored = (await mustGet(store(), media.id)).subtitles
      expect(stored).toHaveLength(1)
      expect(tracks).toContainEqual(stored[0])
    })

    test('unlinks one language, resolving true, and false when there was none', async () => {
      const { media } = await createFinalized(store())
      const en = track('EN')
      await store().putSubtitle(media.id, en)
      await store().putSubtitle(media.id, track('DE'))
      expect(await store().deleteSubtitle(media.id, 'DE')).toBe(true)
      expect((await mustGet(store(), media.id)).subtitles).toEqual([en])
      expect(await store().deleteSubtitle(media.id, 'DE')).toBe(false)
      expect(await store().deleteSubtitle(media.id, 'ES')).toBe(false)
      expect((await mustGet(store(), media.id)).subtitles).toEqual([en])
    })

    test('resolves false for an unknown video and links nothing', async () => {
      expect(await store().putSubtitle(UNKNOWN_ID, track('EN'))).toBe(false)
      expect(await store().deleteSubtitle(UNKNOWN_ID, 'EN')).toBe(false)
      expect(await store().getMedia(UNKNOWN_ID)).toBeUndefined()
    })

    test('keeps the tracks of different videos apart', async () => {
      const a = (await createFinalized(store())).media
      const b = (await createFinalized(store())).media
      await store().putSubtitle(a.id, track('EN', 'English A'))
      await store().putSubtitle(b.id, track('EN', 'English B'))
      expect(await store().deleteSubtitle(a.id, 'EN')).toBe(true)
      expect((await mustGet(store(), a.id)).subtitles).toEqual([])
      expect((await mustGet(store(), b.id)).subtitles).toEqual([track('EN', 'English B')])
    })
  })
}
