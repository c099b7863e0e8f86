/** HTTP Basic parsing for client authentication (RFC 6749 §2.3.1) and the auto-approve host check. */
import { describe, expect, it } from 'vitest'
import { isLoopbackHost } from './auto-approve.js'
import { parseBasic } from './client-auth.js'

const b64 = (text: string) => Buffer.from(text).toString('base64')

describe('parseBasic', () => {
  it('splits at the first colon and form-decodes both halves', () => {
    expect(parseBasic(`Basic ${b64('id:se:cret')}`)).toEqual({ id: 'id', secret: 'se:cret' })
    expect(parseBasic(`basic ${b64('my%20id:a+b%2B')}`)).toEqual({ id: 'my id', secret: 'a b+' })
  })

  it('tells an absent header from a malformed one', () => {
    expect(parseBasic(undefined)).toBeUndefined()
    expect(parseBasic('Bearer abc')).toBeUndefined()
    expect(parseBasic('Basic')).toBeNull()
    expect(parseBasic(`Basic ${b64('no-colon')}`)).toBeNull()
    expect(parseBasic(`Basic ${b64(':secret')}`)).toBeNull()
  })
})

describe('isLoopbackHost', () => {
  it.each(['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1'])('accepts %s', (host) => {
    expect(isLoopbackHost(host)).toBe(true)
  })
  it.each(['0.0.0.0', '::', '10.0.0.1', 'example.com', '128.0.0.1'])('refuses %s', (host) => {
    expect(isLoopbackHost(host)).toBe(false)
  })
})
