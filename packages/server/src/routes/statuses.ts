/**
 * v1.1 `POST /1.1/statuses/update.json`: `status` and `media_ids` (csv), in the query or a form
 * body, answered with a v1.1 Tweet object; errors in v1.1's shapes (324, 325, 323, 386, 186, 44).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { postMediaType } from '../posts/post-rules.js'
import type { MediaRecord, TweetRecord, UserRecord } from '../stores/metadata-store.js'
import type { RequestBody } from './body-parsers.js'
import { userIdOf } from './context.js'
import { Params } from './params.js'
import { baseUrlOf, mediaFileUrl } from './post-view.js'
import { requireAuth } from './require-auth.js'
import { sendV1 } from './serialize.js'
import { JsonNumber } from './wire-json.js'

function v1Media(media: MediaRecord, baseUrl: string): Record<string, unknown> {
  const url = mediaFileUrl(baseUrl, media)
  return {
    id: new JsonNumber(media.id),
    id_str: media.id,
    media_key: media.mediaKey,
    media_url_https: url,
    type: postMediaType(media),
    ...(media.image === null
      ? {}
      : { sizes: { large: { w: media.image.width, h: media.image.height, resize: 'fit' } } }),
    ...(media.altText === null ? {} : { ext_alt_text: media.altText }),
  }
}

/** A v1.1 Tweet object. */
export function buildV1Tweet(post: TweetRecord, author: UserRecord | undefined, media: MediaRecord[], baseUrl: string) {
  const items = media.map((m) => v1Media(m, baseUrl))
  return {
    created_at: new Date(post.createdAtMs)
      .toUTCString()
      .replace(/^(\w+), (\d+) (\w+) (\d+) ([\d:]+) GMT$/, '$1 $3 $2 $5 +0000 $4'),
    id: new JsonNumber(post.id),
    id_str: post.id,
    text: post.text,
    truncated: false,
    entities: { hashtags: [], symbols: [], user_mentions: [], urls: [], ...(items.length > 0 ? { media: items } : {}) },
    ...(items.length > 0 ? { extended_entities: { media: items } } : {}),
    user:
      author === undefined
        ? null
        : { id: new JsonNumber(author.id), id_str: author.id, name: author.name, screen_name: author.handle },
  }
}

async function update(request: FastifyRequest, reply: FastifyReply) {
  const params = Params.fromQuery(request.query)
  const body = request.body as RequestBody | undefined
  if (body?.kind === 'form')
    for (const [name, values] of body.fields) for (const value of values) params.add(name, value)
  const raw = params.all('media_ids')
  const mediaIds =
    raw.length === 0
      ? undefined
      : raw
          .flatMap((v) => v.split(','))
          .map((v) => v.trim())
          .filter((v) => v !== '')
  const post = await request.server.posts.create(userIdOf(request), {
    text: params.first('status') ?? '',
    mediaIds,
    taggedUserIds: [],
    mediaIdsParameter: 'media_ids',
  })
  const media = await request.server.posts.mediaOf([post])
  const author = await request.server.metadata.getUser(post.authorId)
  const attached = post.mediaIds.flatMap((id) => media.get(id) ?? [])
  return sendV1(reply, 200, buildV1Tweet(post, author, attached, baseUrlOf(request)))
}

/** Registers `statuses/update`. */
export function registerStatuses(app: FastifyInstance): void {
  app.post('/1.1/statuses/update.json', requireAuth('POST /1.1/statuses/update.json'), update)
}
