/**
 * A processing worker in a process of its own, for tests that kill a worker mid-job: opens the
 * SQLite database and disk blob store named on the command line and runs one worker loop with the
 * given lease, printing `ready <worker id>` once it polls. Run it with vite-node:
 *
 *   vite-node processing-worker-child.ts <db path> <blob root> <work dir> <lease ms>
 *
 * It never exits on its own; tests end it with a signal.
 */
import { systemClock } from '../clock.js'
import { resolveMediaTools } from '../processing/binaries.js'
import { DiskBlobStore } from '../stores/blob/disk.js'
import { SqliteMetadataStore } from '../stores/metadata/sqlite.js'
import { ProcessingWorker } from '../uploads/processing-worker.js'

const [dbPath, blobRoot, workDir, leaseMs] = process.argv.slice(2)
if (dbPath === undefined || blobRoot === undefined || workDir === undefined || leaseMs === undefined) {
  process.stderr.write('usage: processing-worker-child.ts <db path> <blob root> <work dir> <lease ms>\n')
  process.exit(2)
}
const store = await SqliteMetadataStore.open({ path: dbPath })
const blobs = await DiskBlobStore.open({ root: blobRoot })
const worker = new ProcessingWorker({
  store,
  blobs,
  clock: systemClock,
  limits: 'default',
  mediaTools: () => resolveMediaTools(),
  workDir,
  leaseMs: Number(leaseMs),
  pollMs: 50,
})
worker.start(1)
process.stdout.write(`ready ${worker.id}\n`)
