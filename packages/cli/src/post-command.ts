/**
 * `birdhouse post "text" --media f1 f2 …`: uploads up to four files at once (with alt text from
 * `--alt`, in order), then creates the post. If an upload fails nothing is posted, and the error
 * says which files failed and which media ids did upload.
 *
 * @example
 * npx birdhouse post 'New birdhouse!' --media front.jpg side.jpg --alt 'the front' --alt 'the side'
 */
import type { CreatedPost } from '@birdhouse/client/node'
import type { Command } from 'commander'
import { openApiClient } from './api-client.js'
import { abortOnSignals, failApi } from './api-failure.js'
import { CliError } from './cli-error.js'
import { checkFiles, type MediaFlags, uploadOptionsFrom, withMediaFlags } from './upload-command.js'
import { createProgressReporter } from './upload-progress.js'

interface PostFlags extends MediaFlags {
  media: string[]
}

/** Adds `birdhouse post`. */
export function registerPostCommand(program: Command): void {
  withMediaFlags(
    program
      .command('post [text]')
      .description('upload up to 4 media files and post them with text')
      .option('--media <files...>', 'media files to upload and attach (at most 4)', []),
  ).action((text: string | undefined, options: PostFlags) =>
    post(text, options).catch((error: unknown) => failApi(error, options.json === true)),
  )
}

async function post(text: string | undefined, options: PostFlags): Promise<void> {
  const files = options.media
  if (text === undefined && files.length === 0) throw new CliError('usage', 'post needs text, --media or both')
  if (files.length > 4) throw new CliError('usage', `a post takes at most 4 media, not ${files.length}`)
  if (options.alt.length > files.length)
    throw new CliError('usage', `${options.alt.length} --alt texts for ${files.length} files`)
  const base = uploadOptionsFrom(options)
  await checkFiles(files)
  const client = await openApiClient(options)
  const signal = abortOnSignals()
  const progress = createProgressReporter(options.json === true)
  let created: CreatedPost
  try {
    created = await client.createPost({
      ...(text === undefined ? {} : { text }),
      media: files.map((file, index) => {
        const alt = options.alt[index]
        return { source: file, ...base, ...(alt === undefined ? {} : { altText: alt }) }
      }),
      onProgress: (index, update) => progress.forFile(files[index] ?? String(index))(update),
      signal,
    })
  } finally {
    progress.stop()
  }
  if (options.json === true) {
    const line = { event: 'posted', id: created.id, text: created.text, media_ids: created.mediaIds }
    process.stdout.write(`${JSON.stringify(line)}\n`)
    return
  }
  const media = created.mediaIds.length === 0 ? '' : ` with media ${created.mediaIds.join(', ')}`
  console.log(`Posted ${created.id}${media}`)
}
