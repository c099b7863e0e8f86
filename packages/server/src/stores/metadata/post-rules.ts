/**
 * The rules of posts shared by every backend: which media a post may attach, and how post ids
 * order. Ids are decimal snowflakes of varying length that JS numbers cannot hold, so they compare
 * by length first and then as strings, the same order the SQL backends get from `(length(id), id)`.
 */
import type { MediaRecord } from '../metadata-store.js'

/** Whether `media` may be attached to a new post at `nowMs`: succeeded, and pinned already or unexpired. */
export function isAttachable(media: MediaRecord | undefined, nowMs: number): media is MediaRecord {
  return media !== undefined && media.state === 'succeeded' && (media.pinned || media.expiresAtMs > nowMs)
}

/** Whether every id in `mediaIds` names attachable media among `found`. */
export function allAttachable(mediaIds: readonly string[], found: readonly MediaRecord[], nowMs: number): boolean {
  const byId = new Map(found.map((media) => [media.id, media]))
  return mediaIds.every((id) => isAttachable(byId.get(id), nowMs))
}

/** Orders two decimal ids numerically: negative when `a` is lower. */
export function compareIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length
  return a < b ? -1 : a > b ? 1 : 0
}
