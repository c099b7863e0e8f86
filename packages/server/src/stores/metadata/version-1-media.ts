/**
 * Test support for migration tests: inserting a media row into a database still at schema version
 * 1, which lacks the columns version 2 added.
 */
import type { MediaRecord } from '../metadata-store.js'
import { MEDIA_COLUMNS, mediaValues } from './sql-rows.js'

const ADDED_IN_VERSION_2: readonly string[] = ['alt_text', 'pinned', 'video']
const VERSION_1_COLUMNS = MEDIA_COLUMNS.filter((column) => !ADDED_IN_VERSION_2.includes(column))

/** The INSERT of a version-1 media row; `placeholder(i)` spells the i-th (1-based) parameter. */
export function version1MediaInsert(placeholder: (i: number) => string): string {
  return `INSERT INTO media (${VERSION_1_COLUMNS.join(', ')}) VALUES (${VERSION_1_COLUMNS.map((_, i) => placeholder(i + 1)).join(', ')})`
}

/** Values of `media` for `version1MediaInsert`. */
export function version1MediaValues(media: MediaRecord): unknown[] {
  const values = mediaValues(media)
  return MEDIA_COLUMNS.flatMap((column, i) => (ADDED_IN_VERSION_2.includes(column) ? [] : [values[i]]))
}
