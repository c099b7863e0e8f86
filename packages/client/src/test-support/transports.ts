/**
 * The SDK's two transports, for suites that must behave the same over each: `fetch` (the portable
 * one, whose Blob copies the body) and `node` (node:http writing the caller's buffers as they are).
 */
import { fetchTransport, type Transport } from '../http/transport.js'
import { nodeTransport } from '../node/node-transport.js'

/** `[name, make]` pairs for `describe.each` / `it.each`; `make` builds a fresh transport. */
export const TRANSPORTS: [name: 'fetch' | 'node', make: () => Transport][] = [
  ['fetch', () => fetchTransport()],
  ['node', () => nodeTransport()],
]
