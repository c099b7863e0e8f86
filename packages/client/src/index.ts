/**
 * `@birdhouse/client`: the uploader SDK. This first cut exposes X's error model for callers; the
 * uploader itself (parallel, resumable, retrying) is the client SDK issue's work.
 */
export { buildV1Error, buildV2Problem, ERROR_CODES, type ErrorCode, sniffMediaType } from '@birdhouse/protocol'
