/**
 * v2 posts: `POST /2/tweets` with media, `GET /2/tweets/{id}`, `GET /2/tweets?ids=`,
 * `DELETE /2/tweets/{id}` and `GET /2/users/{id}/tweets`. Lookups answer 200 with X's partial
 * `errors` for ids that do not exist, as X does.
 */
import { buildResourceNotFound, ID_PATTERN } from '@birdhouse/protocol'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { ApiError } from '../errors.js'
import type { TweetRecord, UserRecord } from '../stores/metadata-store.js'
import type { RequestBody } from './body-parsers.js'
import { userIdOf } from './context.js'
import { parseMediaId } from './param-parsers.js'
import { readCreatePost } from './post-request.js'
import { baseUrlOf, buildIncludes, buildPost, type FieldSelection, readFieldSelection } from './post-view.js'
import { requireAuth } from './require-auth.js'
import { sendV2 } from './serialize.js'

type Query = Record<string, unknown>

async function createPost(request: FastifyRequest, reply: FastifyReply) {
  const body = request.body as RequestBody | undefined
  if (body !== undefined && body.kind !== 'json') throw new ApiError('CONTENT_TYPE_NOT_JSON')
  const post = await request.server.posts.create(userIdOf(request), readCreatePost(body?.text ?? ''))
  return sendV2(reply, 201, { data: { id: post.id, text: post.text, edit_history_tweet_ids: [post.id] } })
}

async function usersOf(request: FastifyRequest, posts: readonly TweetRecord[], selection: FieldSelection) {
  const users = new Map<string, UserRecord>()
  if (!selection.expansions.has('author_id')) return users
  for (const id of new Set(posts.map((p) => p.authorId))) {
    const user = await request.server.metadata.getUser(id)
    if (user !== undefined) users.set(id, user)
  }
  return users
}

async function lookupBody(request: FastifyRequest, posts: TweetRecord[], single: boolean, missing: string[]) {
  const selection = readFieldSelection(request.query as Query)
  const media = await request.server.posts.mediaOf(posts)
  const users = await usersOf(request, posts, selection)
  const data = posts.map((p) => buildPost(p, media, selection))
  const body: Record<string, unknown> = {}
  if (data.length > 0) body.data = single ? data[0] : data
  const includes = buildIncludes(posts, media, users, selection, baseUrlOf(request))
  if (includes !== undefined) body.includes = includes
  if (missing.length > 0) body.errors = missing.map((id) => buildResourceNotFound('tweet', id, single ? 'id' : 'ids'))
  return body
}

async function getPost(request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) {
  const id = parseMediaId(request.params.id, 'id')
  const post = await request.server.posts.get(id)
  return sendV2(
    reply,
    200,
    await lookupBody(request, post === undefined ? [] : [post], true, post === undefined ? [id] : []),
  )
}

async function getPosts(request: FastifyRequest, reply: FastifyReply) {
  const raw = (request.query as Query).ids
  const ids = [...new Set((Array.isArray(raw) ? raw.join(',') : String(raw ?? '')).split(',').filter((s) => s !== ''))]
  if (ids.length === 0)
    throw new ApiError('MISSING_PARAMETER', { params: { parameter: 'ids' }, parameters: { ids: [] } })
  if (ids.length > 100 || ids.some((id) => !ID_PATTERN.test(id))) {
    throw new ApiError('INVALID_PARAMETER', {
      params: { parameter: 'ids', reason: 'give 1 to 100 comma-separated post ids.' },
      parameters: { ids },
    })
  }
  const posts = await request.server.posts.getMany(ids)
  const found = new Set(posts.map((p) => p.id))
  return sendV2(
    reply,
    200,
    await lookupBody(
      request,
      posts,
      false,
      ids.filter((id) => !found.has(id)),
    ),
  )
}

async function deletePost(request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) {
  await request.server.posts.delete(userIdOf(request), parseMediaId(request.params.id, 'id'))
  return sendV2(reply, 200, { data: { deleted: true } })
}

function pageSize(query: Query): number {
  const raw = query.max_results
  if (raw === undefined) return 10
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 5 || value > 100) {
    throw new ApiError('INVALID_PARAMETER', {
      params: { parameter: 'max_results', reason: 'must be an integer from 5 to 100.' },
      parameters: { max_results: [String(raw)] },
    })
  }
  return value
}

async function userPosts(request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) {
  const userId = parseMediaId(request.params.id, 'id')
  const query = request.query as Query
  const limit = pageSize(query)
  const token = typeof query.pagination_token === 'string' ? query.pagination_token : undefined
  const untilId = query.until_id === undefined ? undefined : parseMediaId(String(query.until_id), 'until_id')
  const until = token === undefined ? untilId : decodeToken(token)
  const page = await request.server.posts.listByUser(userId, limit + 1, until)
  const posts = page.slice(0, limit)
  const body = await lookupBody(request, posts, false, [])
  const meta: Record<string, unknown> = { result_count: posts.length }
  if (posts.length > 0) {
    meta.newest_id = posts[0]?.id
    meta.oldest_id = posts[posts.length - 1]?.id
  }
  if (page.length > limit) meta.next_token = encodeToken(posts[posts.length - 1]?.id ?? '')
  return sendV2(reply, 200, { ...body, meta })
}

/** Pagination tokens are opaque to clients, as X's are. */
function encodeToken(id: string): string {
  return Buffer.from(`until:${id}`).toString('base64url')
}

function decodeToken(token: string): string {
  const match = /^until:(\d{1,19})$/.exec(Buffer.from(token, 'base64url').toString())
  if (match?.[1] === undefined) {
    throw new ApiError('INVALID_PARAMETER', {
      params: { parameter: 'pagination_token', reason: 'is not a token this server issued.' },
      parameters: { pagination_token: [token] },
    })
  }
  return match[1]
}

/** Registers the post endpoints. */
export function registerTweets(app: FastifyInstance): void {
  app.post('/2/tweets', requireAuth('POST /2/tweets'), createPost)
  app.get('/2/tweets', requireAuth('GET /2/tweets'), getPosts)
  app.get<{ Params: { id: string } }>('/2/tweets/:id', requireAuth('GET /2/tweets/:id'), getPost)
  app.delete<{ Params: { id: string } }>('/2/tweets/:id', requireAuth('DELETE /2/tweets/:id'), deletePost)
  app.get<{ Params: { id: string } }>('/2/users/:id/tweets', requireAuth('GET /2/users/:id/tweets'), userPosts)
}
