#!/usr/bin/env node
// Launcher committed in plain JavaScript so npm can link the `birdhouse` bin at install time,
// before the TypeScript build has produced dist/.
import { existsSync } from 'node:fs'

const entry = new URL('../dist/bin.js', import.meta.url)
if (!existsSync(entry)) {
  console.error('birdhouse is not built yet: run `npm run build` in the repository root first.')
  process.exit(2)
}
await import(entry.href)
