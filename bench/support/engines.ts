import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Engine } from '../../src-service/store/sql-dialect.js';
import { startPostgresCluster } from '../../test/support/postgres-cluster.js';

// The store benches run the same measurement on each engine asked for: SQLite in a file of a
// temporary folder, PostgreSQL in a cluster of its own; both are gone afterwards.

export interface EngineStore {
  readonly engine: Engine;
  /** A SQLite file, or the cluster's postgres:// URL. */
  readonly db: string;
  /** The service's secret file (PostgreSQL needs a named one), in the temporary folder. */
  readonly secretFile: string;
  /** The temporary folder, for anything else the bench writes. */
  readonly dir: string;
}

export async function onEachEngine<T>(engines: readonly Engine[], name: string, run: (store: EngineStore) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (const engine of engines) {
    const dir = mkdtempSync(join(tmpdir(), `cis-bench-${name}-`));
    try {
      const secretFile = join(dir, 'service-secret.json');
      if (engine === 'sqlite') {
        results.push(await run({ engine, db: join(dir, `${name}.sqlite`), secretFile, dir }));
      } else {
        const cluster = await startPostgresCluster({ database: 'cis_bench' });
        try {
          results.push(await run({ engine, db: cluster.url, secretFile, dir }));
        } finally {
          await cluster.stop();
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return results;
}
