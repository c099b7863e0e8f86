/**
 * twitter-api-v2 1.28.0 from npm, unchanged, against the built server: `v1.uploadMedia` of an MP4
 * from a path (chunked, 3 APPENDs in flight) with OAuth 1.0a, `v2.uploadMedia` of a PNG with OAuth
 * 1.0a and of an MP4 with an OAuth 2.0 user token from the library's own PKCE flow, and
 * `v2.tweet` with media. The library reaches the server through `LoopbackAgent` (Recipe A of
 * real-clients.md), so every URL, Host header and signature is what it would send to X.
 * Checks: the segments stored when FINALIZE arrived (read by `FinalizeTap`) hash to the source, the photo's media URL serves the PNG's bytes,
 * and `GET /2/tweets/:id?expansions=attachments.media_keys` shows the media on the posts.
 */
import { createHash } from 'node:crypto'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type TwitterApi as Client, TwitterApi } from 'twitter-api-v2'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useBirdhouse } from '../harness.js'
import { generateMedia, type MediaFiles, sha256File } from '../media.js'
import { type FinalizeTap, openFinalizeTap } from './finalize-tap.js'
import { LoopbackAgent, portOf } from './loopback-agent.js'
import { approveAuthorization, createTestApp, REAL_CLIENT_ENV, REDIRECT_URI, type TestApp } from './test-app.js'

const MiB = 1024 * 1024
const SCOPES = ['tweet.read', 'tweet.write', 'users.read', 'media.write', 'offline.access']

const server = useBirdhouse({ env: REAL_CLIENT_ENV })
let workDir = ''
let media: MediaFiles
let app: TestApp
let tap: FinalizeTap
let agent: LoopbackAgent
let oauth1: Client

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'birdhouse-twitter-api-v2-'))
  media = await generateMedia(workDir)
  app = await createTestApp(server().url)
  tap = await openFinalizeTap(portOf(server().url), server().dataDir)
  agent = new LoopbackAgent(tap.port)
  oauth1 = new TwitterApi(
    {
      appKey: app.consumerKey,
      appSecret: app.consumerSecret,
      accessToken: app.accessToken,
      accessSecret: app.accessTokenSecret,
    },
    { httpAgent: agent },
  )
})
afterAll(async () => {
  agent?.destroy()
  await tap?.close()
  if (workDir !== '') await rm(workDir, { recursive: true, force: true })
})

/** Logs in through twitter-api-v2's OAuth 2.0 PKCE helpers, approving on the server. */
async function oauth2Client(): Promise<Client> {
  const login = new TwitterApi({ clientId: app.clientId, clientSecret: app.clientSecret }, { httpAgent: agent })
  const link = login.generateOAuth2AuthLink(REDIRECT_URI, { scope: SCOPES })
  const code = await approveAuthorization(link.url, server().url)
  const { client, scope, refreshToken } = await login.loginWithOAuth2({
    code,
    codeVerifier: link.codeVerifier,
    redirectUri: REDIRECT_URI,
  })
  expect(scope).toEqual(SCOPES)
  expect(refreshToken).toBeTypeOf('string')
  return client
}

/** Asserts that at FINALIZE the stored segments of `mediaId` were 0…n-1, one APPEND each, concatenating to `file`. */
async function expectStoredSegments(mediaId: string, file: string, chunkBytes: number): Promise<void> {
  const { size } = await stat(file)
  const segmentCount = Math.ceil(size / chunkBytes)
  const stored = tap.storedAtFinalize.get(mediaId)
  if (stored === undefined) throw new Error(`no FINALIZE of ${mediaId} went through the tap`)
  expect(tap.appendCounts.get(mediaId)).toBe(segmentCount)
  expect(stored.indexes).toEqual(Array.from({ length: segmentCount }, (_, index) => index))
  expect(stored.sizeBytes).toBe(size)
  expect(stored.sha256).toBe(await sha256File(file))
}

type MediaView = { media_key: string; type: string; url?: string }

/** Reads a post back with its media expanded, as a v2 client would. */
async function readPost(client: Client, id: string) {
  const post = await client.v2.singleTweet(id, {
    expansions: ['attachments.media_keys'],
    'media.fields': ['url', 'type', 'variants'],
  })
  return { post, media: (post.includes?.media ?? []) as MediaView[] }
}

describe('twitter-api-v2 1.28.0, unchanged, through an agent to birdhouse', () => {
  let photoId = ''
  let videoId = ''

  it('uploads an MP4 with v1.uploadMedia in 1 MiB chunks, 3 in flight, with OAuth 1.0a', async () => {
    const mediaId = await oauth1.v1.uploadMedia(media.mp4, { mimeType: 'video/mp4' })
    expect(mediaId).toMatch(/^\d+$/)
    await expectStoredSegments(mediaId, media.mp4, MiB)
    const info = await oauth1.v1.mediaInfo(mediaId)
    expect(info.processing_info?.state).toBe('succeeded')
  })

  it('uploads a PNG with v2.uploadMedia and OAuth 1.0a', async () => {
    const png = await readFile(media.png)
    photoId = await oauth1.v2.uploadMedia(png, { media_type: 'image/png', media_category: 'tweet_image' })
    expect(photoId).toMatch(/^\d+$/)
    await expectStoredSegments(photoId, media.png, MiB)
  })

  it('uploads an MP4 with v2.uploadMedia and an OAuth 2.0 user token from the PKCE flow', async () => {
    const client = await oauth2Client()
    const mp4 = await readFile(media.mp4)
    videoId = await client.v2.uploadMedia(mp4, { media_type: 'video/mp4', media_category: 'tweet_video' })
    expect(videoId).toMatch(/^\d+$/)
    await expectStoredSegments(videoId, media.mp4, MiB)
  })

  it('posts the photo with v2.tweet and serves its bytes at the media URL', async () => {
    const created = await oauth1.v2.tweet({ text: 'A photo from twitter-api-v2', media: { media_ids: [photoId] } })
    expect(created.data.text).toMatch(/^A photo from twitter-api-v2 https:\/\/t\.co\/\w{10}$/)
    const { post, media: attached } = await readPost(oauth1, created.data.id)
    expect(post.data.attachments?.media_keys).toEqual([`3_${photoId}`])
    expect(attached).toMatchObject([{ media_key: `3_${photoId}`, type: 'photo' }])
    const url = new URL(attached[0]?.url ?? 'missing:')
    expect(url.pathname).toMatch(/^\/media\/[\w-]+\.png$/)
    const served = await fetch(`${server().url}${url.pathname}`)
    expect(served.status).toBe(200)
    const digest = createHash('sha256')
      .update(Buffer.from(await served.arrayBuffer()))
      .digest('hex')
    expect(digest).toBe(await sha256File(media.png))
  })

  it('posts the video with v2.tweet and an OAuth 2.0 user token', async () => {
    const client = await oauth2Client()
    const created = await client.v2.tweet({ text: 'A video from twitter-api-v2', media: { media_ids: [videoId] } })
    const { post, media: attached } = await readPost(client, created.data.id)
    expect(post.data.attachments?.media_keys).toEqual([`7_${videoId}`])
    expect(attached).toMatchObject([{ media_key: `7_${videoId}`, type: 'video' }])
  })
})
