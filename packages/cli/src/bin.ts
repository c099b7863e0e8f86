#!/usr/bin/env node
/**
 * The `birdhouse` command.
 *
 * @example
 * npx birdhouse serve --port 8080
 * TOKEN=$(npx birdhouse token)
 * npx birdhouse worker          # processing only, next to BIRDHOUSE_WORKERS=0 servers
 */
import { buildProgram } from './program.js'

await buildProgram().parseAsync(process.argv)
