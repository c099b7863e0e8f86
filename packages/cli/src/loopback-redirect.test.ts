import { describe, expect, it } from 'vitest'
import { openLoopbackRedirect } from './loopback-redirect.js'

describe('openLoopbackRedirect', () => {
  it("listens on 127.0.0.1, ignores another login's redirect, and resolves to the code of its own", async () => {
    const redirect = await openLoopbackRedirect()
    try {
      expect(redirect.redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/)
      const code = redirect.waitForCode('s1', new AbortController().signal)
      expect((await fetch(`${redirect.redirectUri}?state=other&code=stolen`)).status).toBe(400)
      expect((await fetch(`${redirect.redirectUri.replace('/callback', '/elsewhere')}?state=s1&code=c`)).status).toBe(
        404,
      )
      const page = await fetch(`${redirect.redirectUri}?state=s1&code=the-code`)
      expect(page.status).toBe(200)
      expect(await page.text()).toContain('You can close this tab')
      expect(await code).toBe('the-code')
    } finally {
      await redirect.close()
    }
  })

  it('fails as an auth error when the user denies, and with the reason on abort', async () => {
    const redirect = await openLoopbackRedirect()
    try {
      const denied = expect(redirect.waitForCode('s', new AbortController().signal)).rejects.toMatchObject({
        kind: 'auth',
        message: 'authorization failed: access_denied (The user denied)',
      })
      await fetch(`${redirect.redirectUri}?state=s&error=access_denied&error_description=The+user+denied`)
      await denied
      const controller = new AbortController()
      const aborted = redirect.waitForCode('s', controller.signal)
      controller.abort(new Error('stop'))
      await expect(aborted).rejects.toThrow('stop')
    } finally {
      await redirect.close()
    }
  })

  it('listens where a registered redirect URI says, and refuses one that is not loopback http', async () => {
    const redirect = await openLoopbackRedirect({ redirectUri: 'http://127.0.0.1:0/cb' })
    await redirect.close()
    expect(redirect.redirectUri).toBe('http://127.0.0.1:0/cb')
    await expect(openLoopbackRedirect({ redirectUri: 'https://example.com/cb' })).rejects.toMatchObject({
      kind: 'usage',
    })
  })
})
