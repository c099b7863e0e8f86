import { defineConfig } from 'vitest/config'

/**
 * Three projects, run in this order by CI: unit and route tests (in-process, memory stores),
 * store conformance suites (real SQLite, PostgreSQL, disk), and e2e tests (the built server as a
 * process, driven by curl and clients).
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts'],
          exclude: ['packages/server/src/stores/**', '**/dist/**', '**/node_modules/**'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'stores',
          include: ['packages/server/src/stores/**/*.test.ts'],
          exclude: ['**/dist/**', '**/node_modules/**'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          exclude: ['**/dist/**', '**/node_modules/**'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
})
