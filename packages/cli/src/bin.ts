#!/usr/bin/env node
/**
 * The `birdhouse` command.
 *
 * @example
 * npx birdhouse serve --port 8080
 * TOKEN=$(npx birdhouse token)
 */
import { buildProgram } from './program.js'

await buildProgram().parseAsync(process.argv)
