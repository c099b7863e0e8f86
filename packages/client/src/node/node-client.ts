/**
 * The Node flavour of `createClient`: base URLs and a custom CA from the environment
 * (`client-env.ts`), the no-copy `nodeTransport` (unless a `fetch` or `transport` is given), a
 * `User-Agent`, and `uploadMedia` / `createPost` sources that may also be file paths or `file:`
 * URLs, read segment by segment from a file handle.
 */

import { buildClient, type ClientOptions, type Client as CoreClient } from '../client.js'
import { type OpenedSource, openSource, type UploadSource } from '../sources/open-source.js'
import { readClientEnv } from './client-env.js'
import { openFileSource } from './file-source.js'
import { type NodeTransportOptions, nodeTransport, nodeTransportFromEnv } from './node-transport.js'

/** What the Node client uploads: everything the core takes, plus file paths and `file:` URLs. */
export type NodeUploadSource = UploadSource | string | URL

/** A client whose `uploadMedia` and `createPost` also take file paths (the core `Client` with Node sources). */
export type Client<Source = NodeUploadSource> = CoreClient<Source>

/** Options of the Node `createClient`: the core's, a custom CA, and the environment to read (default `process.env`). */
export interface NodeClientOptions extends ClientOptions {
  /** PEM certificates trusted besides Node's roots; default the file named by `BIRDHOUSE_CA_FILE`. */
  ca?: NodeTransportOptions['ca']
  env?: NodeJS.ProcessEnv
}

async function openNodeSource(source: NodeUploadSource): Promise<OpenedSource> {
  if (typeof source === 'string' || source instanceof URL) return { source: await openFileSource(source), owned: true }
  return openSource(source)
}

/**
 * Creates a client whose sources may be file paths; base URLs fall back to the environment.
 * @example
 * import { bearer, createClient, FileCheckpointStore } from '@birdhouse/client/node'
 * const client = createClient({ auth: bearer(process.env.BIRDHOUSE_TOKEN ?? '') }) // BIRDHOUSE_API_URL=http://127.0.0.1:8080
 * const store = await FileCheckpointStore.open()
 * const media = await client.uploadMedia('clip.mp4', { resume: { store }, onProgress: (p) => console.log(p) })
 */
export function createClient(options: NodeClientOptions): Client<NodeUploadSource> {
  const { env, ca, ...rest } = options
  const fromEnv = readClientEnv(env)
  if (ca !== undefined && (options.transport !== undefined || options.fetch !== undefined)) {
    throw new TypeError(
      'createClient: `ca` configures the Node transport; with your own `transport` or `fetch`, give it the CA',
    )
  }
  const transport =
    options.transport ??
    (options.fetch === undefined ? (ca === undefined ? nodeTransportFromEnv(env) : nodeTransport({ ca })) : undefined)
  return buildClient<NodeUploadSource>(
    {
      ...rest,
      transport,
      apiBaseUrl: options.apiBaseUrl ?? fromEnv.apiBaseUrl,
      uploadBaseUrl: options.uploadBaseUrl ?? fromEnv.uploadBaseUrl,
      userAgent: options.userAgent ?? `birdhouse-client (node ${process.versions.node})`,
    },
    openNodeSource,
  )
}
