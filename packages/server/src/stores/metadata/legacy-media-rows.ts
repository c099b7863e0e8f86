/**
 * Test support for migration tests: inserting a media row into a database still at an older schema
 * version, which lacks the columns later migrations added.
 */
import type { MediaRecord } from '../metadata-store.js'
import { MEDIA_COLUMNS, mediaValues } from './sql-rows.js'

/** The schema version that added each media column not in version 1. */
const ADDED_IN: Readonly<Record<string, number>> = { alt_text: 2, pinned: 2, video: 2, files: 4 }

const columnsAt = (version: number) => MEDIA_COLUMNS.filter((column) => (ADDED_IN[column] ?? 1) <= version)

/** The INSERT of a media row at schema `version`; `placeholder(i)` spells the i-th (1-based) parameter. */
export function legacyMediaInsert(version: number, placeholder: (i: number) => string): string {
  const columns = columnsAt(version)
  return `INSERT INTO media (${columns.join(', ')}) VALUES (${columns.map((_, i) => placeholder(i + 1)).join(', ')})`
}

/** Values of `media` for `legacyMediaInsert` at the same `version`. */
export function legacyMediaValues(version: number, media: MediaRecord): unknown[] {
  const values = mediaValues(media)
  return MEDIA_COLUMNS.flatMap((column, i) => ((ADDED_IN[column] ?? 1) <= version ? [values[i]] : []))
}
