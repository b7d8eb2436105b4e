import type { TestProject } from 'vitest/node';
import { startPostgresCluster } from './postgres-cluster.js';

// The service tests' PostgreSQL run: one cluster for the whole run; every test database is a
// schema of its own in it (test/support/service-fixtures.ts, tempDbFile).

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cluster = await startPostgresCluster({ database: 'cis_tests' });
  project.provide('postgresUrl', cluster.url);
  return () => cluster.stop();
}
