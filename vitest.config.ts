import { defineConfig } from 'vitest/config';

// Three projects: unit tests run anywhere in parallel, the service's on SQLite; the service
// tests again on PostgreSQL (a cluster the run starts and stops, test/support/postgres-global-setup.ts),
// so every store query is proved on both engines; integration tests share the machine's pcscd
// and its two vpcd readers, so they run one file at a time in a single worker.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'service-postgres',
          include: ['test/unit/service/**/*.test.ts'],
          // About the SQLite file itself (its permissions, its journal): nothing to run on PostgreSQL.
          exclude: ['**/*.sqlite.test.ts'],
          globalSetup: ['test/support/postgres-global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
