/** Exit codes of the `birdhouse` command, one per class of failure (documented in the CLI README). */
export const EXIT = {
  /** Success. */
  ok: 0,
  /** Unexpected failure. */
  internal: 1,
  /** Bad flags or configuration. */
  usage: 2,
  /** A store or port could not be opened. */
  unavailable: 3,
} as const
