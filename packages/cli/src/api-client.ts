/** Builds the SDK client an API command uses, from its flags and the environment. */
import { type Client, createClient } from '@birdhouse/client/node'
import { type ApiOptions, cliTransport, resolveAuth, resolveEndpoints } from './api-options.js'

/** A client for `options`: base URL from `--base-url`/`BIRDHOUSE_BASE_URL` (else X), credentials as `resolveAuth` finds them. */
export async function openApiClient(options: ApiOptions): Promise<Client> {
  const { baseUrl } = resolveEndpoints(options)
  const auth = await resolveAuth(options)
  return createClient({
    auth,
    transport: cliTransport(),
    userAgent: 'birdhouse-cli',
    ...(baseUrl === undefined ? {} : { apiBaseUrl: baseUrl, uploadBaseUrl: baseUrl }),
  })
}
