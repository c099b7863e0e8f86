/**
 * The SDK contender of `npm run bench:client`: `@birdhouse/client/node`'s `createClient` with its
 * defaults (v2 endpoints, 4 MiB segments, 4 in flight, waiting for processing) and the server's
 * development token, uploading the file by path.
 */

/** Why the SDK cannot run (its build lacks the Node entry's `createClient`), or undefined. */
export async function sdkUnavailableReason() {
  try {
    const sdk = await import('@birdhouse/client/node')
    return typeof sdk.createClient === 'function' && typeof sdk.bearer === 'function'
      ? undefined
      : '@birdhouse/client/node exports no createClient/bearer yet'
  } catch (error) {
    return `@birdhouse/client/node does not load (run npm run build): ${error.message.split('\n')[0]}`
  }
}

/** Returns the timed call: one `uploadMedia(file)` against `baseUrl`. */
export async function prepareSdkUpload(baseUrl, file, credentials) {
  const { bearer, createClient } = await import('@birdhouse/client/node')
  const client = createClient({ apiBaseUrl: baseUrl, auth: bearer(credentials.bearer_token), env: {} })
  return async () => {
    const result = await client.uploadMedia(file)
    return { mediaId: result.mediaId, state: result.processing?.state ?? 'none' }
  }
}
