/**
 * The posting steps of the seed documents (../shared/seeds) against the built server, as real
 * curl processes, once per metadata backend: SEED0 step 5 (a post with the processed
 * `amplify_video`), SEED1's image, video and four-image posts, and SEED4's `statuses/update.json`.
 * The post curls are the documents' lines with only the host, token and ids swapped; the uploads
 * before them are compact curls of the same requests (the upload steps themselves are checked
 * line by line in seeds.test.ts). SEED4's twurl line runs as the equivalent curl with a bearer
 * header (OAuth 1.0a is later work) and twurl's `-d` body unchanged.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type CurlResponse, curl, docCommand } from './curl.js'
import { backendCases, registerUnavailable, useBirdhouse } from './harness.js'
import { generateMedia, type MediaFiles } from './media.js'
import { MEDIA_ID } from './seeds/expect-upload.js'
import { pollUntilProcessed } from './status-polling.js'

const execFileAsync = promisify(execFile)

const SEED0_POST = String.raw`curl -X POST "https://api.x.com/2/tweets" \
  -H "Authorization: Bearer $USER_ACCESS_TOKEN" \
  -H "Content-Type: application/json" \
  -d '{
    "text": "Check out this video!",
    "media": {
      "media_ids": ["1880028106020515840"]
    }
  }'`

const SEED1_PHOTO_POST = String.raw`curl -X POST "https://api.x.com/2/tweets" \
  -H "Authorization: Bearer {access_token}" \
  -H "Content-Type: application/json" \
  -d '{
    "text": "Check out this photo!",
    "media": {
      "media_ids": ["1234567890123456789"]
    }
  }'`

const SEED1_VIDEO_POST = SEED1_PHOTO_POST.replace('Check out this photo!', 'Check out this video!')

const SEED1_MULTI_POST = String.raw`curl -X POST "https://api.x.com/2/tweets" \
  -H "Authorization: Bearer {access_token}" \
  -H "Content-Type: application/json" \
  -d '{
    "text": "A few photos from today",
    "media": {
      "media_ids": [
        "1111111111111111111",
        "2222222222222222222",
        "3333333333333333333",
        "4444444444444444444"
      ]
    }
  }'`

/** twurl "/1.1/statuses/update.json" -d "media_ids= 931263015239933952&text=Sample Tweet with media_ids and twurl" */
const SEED4_TWURL_BODY = 'media_ids= 931263015239933952&text=Sample Tweet with media_ids and twurl'

const LINK = 'https:\\/\\/t\\.co\\/[0-9A-Za-z]{10}'
const backends = await backendCases()

let workDir = ''
let media: MediaFiles | undefined
beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'birdhouse-seed-posts-'))
  media = await generateMedia(workDir)
})
afterAll(async () => {
  if (workDir !== '') await rm(workDir, { recursive: true, force: true })
})
const files = () => {
  if (media === undefined) throw new Error('media were not generated (see the beforeAll error)')
  return media
}

type Data = { data: { id: string; text: string; edit_history_tweet_ids: string[] } }

/** Asserts X's 201 create-post body and returns its data. */
function expectCreated(response: CurlResponse, text: string): Data['data'] {
  expect(response.status, response.body).toBe(201)
  expect(response.headers['content-type']).toMatch(/^application\/json/)
  const { data } = response.json() as Data
  expect(data).toEqual({
    id: expect.stringMatching(MEDIA_ID),
    text: expect.any(String),
    edit_history_tweet_ids: [data.id],
  })
  expect(data.text).toMatch(new RegExp(`^${text} ${LINK}$`))
  return data
}

describe.each(backends)('seed posting steps on $name', (backend) => {
  if (registerUnavailable(backend)) return
  const server = useBirdhouse({ backend: backend.name })
  const bearer = () => ['-H', `Authorization: Bearer ${server().token}`]
  const v2 = (path: string) => `${server().url}/2${path}`
  const dataId = (response: CurlResponse) => {
    expect(response.status, response.body).toBeLessThan(300)
    return (response.json() as { data: { id: string } }).data.id
  }

  /** `curl -X POST <url>` with the bearer header and `args`. */
  const postTo = (url: string, ...args: string[]) => curl(['-X', 'POST', url, ...bearer(), ...args])

  /** One-shot v2 upload of a file, as SEED1 step 1 does. */
  const uploadImage = async (file: string, type: string) =>
    dataId(
      await postTo(
        v2('/media/upload'),
        '-F',
        `media=@${file}`,
        '-F',
        'media_category=tweet_image',
        '-F',
        `media_type=${type}`,
      ),
    )

  /** v2 dedicated-endpoint upload of a video in one segment, polled to a terminal state. */
  async function uploadVideo(file: string, category: string): Promise<string> {
    const init = { media_type: 'video/mp4', total_bytes: (await readFile(file)).length, media_category: category }
    const json = ['-H', 'Content-Type: application/json', '-d', JSON.stringify(init)]
    const id = dataId(await postTo(v2('/media/upload/initialize'), ...json))
    dataId(await postTo(v2(`/media/upload/${id}/append`), '-F', 'segment_index=0', '-F', `media=@${file}`))
    dataId(await postTo(v2(`/media/upload/${id}/finalize`)))
    const status = await pollUntilProcessed(['-X', 'GET', v2(`/media/upload?media_id=${id}`), ...bearer()])
    expect((status.json() as { data: unknown }).data).toMatchObject({ processing_info: { state: 'succeeded' } })
    return id
  }

  /** GET /2/tweets/{id} with the media expansion and fields. */
  const lookup = async (postId: string) => {
    const fields = 'media.fields=media_key,type,url,width,height,duration_ms,variants'
    const response = await curl([v2(`/tweets/${postId}?expansions=attachments.media_keys&${fields}`), ...bearer()])
    expect(response.status, response.body).toBe(200)
    return response.json() as {
      data: { attachments: { media_keys: string[] } }
      includes: {
        media: { media_key: string; type: string; url?: string; duration_ms?: number; variants?: { url: string }[] }[]
      }
    }
  }

  /** Fetches a media URL without auth and asserts it serves exactly `file`'s bytes. */
  /**
   * The served file is what processing made of the upload: a photo re-encoded by X's rules keeps
   * its type and pixel size; a compliant video is remuxed, so its video stream is the upload's.
   */
  async function expectServes(url: string, file: string): Promise<void> {
    const response = await fetch(url)
    expect(response.status).toBe(200)
    const served = join(await mkdtemp(join(tmpdir(), 'served-')), basename(file))
    await writeFile(served, new Uint8Array(await response.arrayBuffer()))
    if (file.endsWith('.mp4')) {
      expect(await videoStreamMd5(served)).toBe(await videoStreamMd5(file))
    } else {
      expect(await pixelSize(served)).toEqual(await pixelSize(file))
    }
  }

  async function videoStreamMd5(path: string): Promise<string> {
    const { stdout } = await execFileAsync('ffmpeg', [
      '-v',
      'error',
      '-i',
      path,
      '-map',
      '0:v:0',
      '-c',
      'copy',
      '-f',
      'md5',
      '-',
    ])
    return stdout.trim()
  }

  async function pixelSize(path: string): Promise<string> {
    const args = [
      '-v',
      'error',
      '-select_streams',
      'v:0',
      '-show_entries',
      'stream=width,height',
      '-of',
      'csv=p=0',
      path,
    ]
    return (await execFileAsync('ffprobe', args)).stdout.trim()
  }

  it('SEED0 step 5: posts the processed amplify_video with the doc curl (201, text plus the media link)', async () => {
    const mediaId = await uploadVideo(files().mp4OneMiB, 'amplify_video')
    const command = docCommand(SEED0_POST, server().url, {
      $USER_ACCESS_TOKEN: server().token,
      '1880028106020515840': mediaId,
    })
    const post = expectCreated(await curl(command), 'Check out this video!')
    const body = await lookup(post.id)
    expect(body.data.attachments.media_keys).toEqual([`13_${mediaId}`])
    expect(body.includes.media[0]).toMatchObject({ media_key: `13_${mediaId}`, type: 'video' })
  })

  const fill = (text: string, ids: Record<string, string>) =>
    docCommand(text, server().url, { '{access_token}': server().token, ...ids })

  it("SEED1 step 2: posts the one-shot JPEG; the photo's url serves it re-encoded at its size", async () => {
    const mediaId = await uploadImage(files().jpeg, 'image/jpeg')
    const post = expectCreated(
      await curl(fill(SEED1_PHOTO_POST, { '1234567890123456789': mediaId })),
      'Check out this photo!',
    )
    const photo = (await lookup(post.id)).includes.media[0]
    expect(photo).toEqual({
      media_key: `3_${mediaId}`,
      type: 'photo',
      url: `${server().url}/media/3_${mediaId}.jpg`,
      width: 800,
      height: 450,
    })
    await expectServes(photo?.url ?? '', files().jpeg)
  })

  it('SEED1 step 5: posts the processed tweet_video; its variant serves the uploaded video stream', async () => {
    const mediaId = await uploadVideo(files().mp4, 'tweet_video')
    const post = expectCreated(
      await curl(fill(SEED1_VIDEO_POST, { '1234567890123456789': mediaId })),
      'Check out this video!',
    )
    const video = (await lookup(post.id)).includes.media[0]
    expect(video).toMatchObject({ media_key: `7_${mediaId}`, type: 'video', width: 640, height: 360 })
    // The clip is 6 s of video; AAC priming can make the container a few milliseconds longer.
    expect(Math.round((video?.duration_ms ?? 0) / 100)).toBe(60)
    await expectServes(video?.variants?.[0]?.url ?? '', files().mp4)
  })

  it('SEED1 multi-image: posts four photos in the order given', async () => {
    const ids = [
      await uploadImage(files().jpeg, 'image/jpeg'),
      await uploadImage(files().png, 'image/png'),
      await uploadImage(files().jpeg, 'image/jpeg'),
      await uploadImage(files().png, 'image/png'),
    ]
    const placeholders = ['1111111111111111111', '2222222222222222222', '3333333333333333333', '4444444444444444444']
    const command = fill(SEED1_MULTI_POST, Object.fromEntries(placeholders.map((p, i) => [p, ids[i] as string])))
    const post = expectCreated(await curl(command), 'A few photos from today')
    expect((await lookup(post.id)).data.attachments.media_keys).toEqual(ids.map((id) => `3_${id}`))
  })

  it('SEED1 multi-image with a fifth id: 400 with the maximum-items message', async () => {
    const command = fill(SEED1_MULTI_POST, { '"4444444444444444444"': '"4444444444444444444", "5555555555555555555"' })
    const response = await curl(command)
    expect(response.status).toBe(400)
    expect(response.json()).toMatchObject({
      errors: [{ message: '$.media.media_ids: there must be a maximum of 4 items in the array' }],
      title: 'Invalid Request',
    })
  })

  describe('SEED4 statuses/update.json', () => {
    const v1 = (path: string) => `${server().url}/1.1${path}`

    /** SEED4's v1.1 chunked amplify_video upload (INIT, APPEND, FINALIZE, STATUS), as seeds.test.ts runs it. */
    async function uploadV1Video(): Promise<string> {
      const size = (await readFile(files().mp4)).length
      const endpoint = v1('/media/upload.json')
      const init = await postTo(
        `${endpoint}?additional_owners=3805104374`,
        '-d',
        `command=INIT&media_type=video/mp4&media_category=amplify_video&total_bytes=${size}`,
      )
      const id = (init.json() as { media_id_string: string }).media_id_string
      const append = [
        '-F',
        'command=APPEND',
        '-F',
        `media_id=${id}`,
        '-F',
        'segment_index=0',
        '-F',
        `media=@${files().mp4}`,
      ]
      await postTo(endpoint, ...append)
      await postTo(endpoint, '-d', `command=FINALIZE&media_id=${id}`)
      const status = await pollUntilProcessed(['-X', 'GET', `${endpoint}?command=STATUS&media_id=${id}`, ...bearer()])
      expect(status.json()).toMatchObject({ processing_info: { state: 'succeeded' } })
      return id
    }

    it("posts the video with twurl's body: 200, exact numeric ids; `text` is not v1.1's `status`, so the text is the link alone", async () => {
      const mediaId = await uploadV1Video()
      const body = SEED4_TWURL_BODY.replace('931263015239933952', mediaId)
      const response = await postTo(v1('/statuses/update.json'), '-d', body)
      expect(response.status, response.body).toBe(200)
      expect(response.headers['content-type']).toBe('application/json;charset=utf-8')
      const tweet = response.json() as {
        id_str: string
        text: string
        extended_entities: { media: { id_str: string; type: string }[] }
      }
      expect(response.body).toContain(`"id":${tweet.id_str},"id_str":"${tweet.id_str}"`)
      expect(tweet.text).toMatch(new RegExp(`^${LINK}$`))
      expect(tweet.extended_entities.media).toMatchObject([{ id_str: mediaId, type: 'video' }])
    })

    it('posts the text when it is sent as status, the v1.1 parameter', async () => {
      const mediaId = await uploadImage(files().png, 'image/png')
      const body = `media_ids=${mediaId}&status=Sample Tweet with media_ids and twurl`
      const response = await postTo(v1('/statuses/update.json'), '-d', body)
      expect(response.status, response.body).toBe(200)
      expect((response.json() as { text: string }).text).toMatch(
        new RegExp(`^Sample Tweet with media_ids and twurl ${LINK}$`),
      )
    })

    it('answers 325 for an id that does not exist (the doc id itself)', async () => {
      const response = await postTo(v1('/statuses/update.json'), '-d', SEED4_TWURL_BODY)
      expect([response.status, response.json()]).toEqual([
        400,
        { errors: [{ code: 325, message: 'A media id was not found.' }] },
      ])
    })
  })
})
