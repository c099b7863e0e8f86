/**
 * The rules of subtitle tracks shared by every backend: one track per language, listed in byte-wise
 * order of the language code (the order of the SQL backends' `COLLATE "C"` / binary collation).
 */
import type { SubtitleTrack } from '../metadata-store.js'

/** Orders two language codes byte-wise: negative when `a` comes first. */
export function compareLanguageCodes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** Keeps the last track of each language and orders them by language code. */
export function normalizedTracks(tracks: readonly SubtitleTrack[]): SubtitleTrack[] {
  const byLanguage = new Map(tracks.map((track) => [track.languageCode, track]))
  return [...byLanguage.values()].sort((a, b) => compareLanguageCodes(a.languageCode, b.languageCode))
}
