import { mkdir, mkdtemp, readdir, readlink, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { prepareConcatInput } from './concat-input.js'
import { ProcessingError } from './processing-error.js'

let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'birdhouse-concat-test-'))
  await mkdir(join(dir, 'segments'))
  await mkdir(join(dir, 'work'))
  for (const name of ['0', '1', 'a|b']) await writeFile(join(dir, 'segments', name), name)
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('prepareConcatInput', () => {
  it('names one file with the file: protocol, relative to its directory', async () => {
    expect(await prepareConcatInput([join(dir, 'segments', '0')])).toEqual({
      cwd: join(dir, 'segments'),
      url: 'file:0',
    })
  })

  it('concatenates several files by relative name from their common directory', async () => {
    const input = await prepareConcatInput([join(dir, 'segments', '0'), join(dir, 'segments', '1')])
    expect(input).toEqual({ cwd: join(dir, 'segments'), url: 'concat:file:0|file:1' })
  })

  it('links unsafe names into the caller’s temp dir and removes the links afterwards', async () => {
    const paths = [join(dir, 'segments', '0'), join(dir, 'segments', 'a|b')]
    const input = await prepareConcatInput(paths, { tempDir: join(dir, 'work') })
    expect(input.url).toBe('concat:file:0|file:1')
    expect(input.cwd.startsWith(join(dir, 'work', 'birdhouse-input-'))).toBe(true)
    expect(await readlink(join(input.cwd, '1'))).toBe(paths[1])
    await input.cleanup?.()
    expect(await readdir(join(dir, 'work'))).toEqual([])
  })

  it('reports missing or no input as a server failure', async () => {
    await expect(prepareConcatInput([])).rejects.toBeInstanceOf(ProcessingError)
    await expect(prepareConcatInput([join(dir, 'segments')])).rejects.toMatchObject({
      reason: 'failed',
      message: `input is not a file: ${join(dir, 'segments')}`,
    })
  })
})
