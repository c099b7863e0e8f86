/** Exit codes of the `birdhouse` command, one per class of failure (documented in the CLI README). */
export const EXIT = {
  /** Success. */
  ok: 0,
  /** Unexpected failure. */
  internal: 1,
  /** Bad flags, arguments or configuration, or a missing input file. */
  usage: 2,
  /** A store, port or server could not be reached (network errors, timeouts, 5xx and 429 after retries). */
  unavailable: 3,
  /** No credentials, or the server refused them (401, 403, a refused refresh token). */
  auth: 4,
  /** The server (or the SDK's preflight with the server's rules) refused the request: any other 4xx. */
  rejected: 5,
  /** Media processing failed or did not finish in time. */
  processingFailed: 6,
  /** Interrupted (SIGINT or SIGTERM); 128 + SIGINT, as shells report it. */
  aborted: 130,
} as const

/** One of the exit codes. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT]
