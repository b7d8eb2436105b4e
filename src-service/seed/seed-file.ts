import { existsSync, rmSync, statSync } from 'node:fs';
import { analyse, prepareBulkLoad, storeBytes } from '../store/bulk-load.js';
import { describeStore, openDatabase } from '../store/database.js';
import { parseDatabaseTarget, type DatabaseTarget } from '../store/database-target.js';
import { addTrainingPersonas, assertNoDirectory, checkSeedOptions, DIRECTORY_TABLES, seedDirectory, type SeedCounts, type SeedOptions } from './seed-directory.js';

// Seeding a database: a SQLite file, or a PostgreSQL database (a postgres:// URL). The directory
// is written in bulk mode (store/bulk-load.ts): secondary indexes built once at the end, and on
// SQLite no rollback journal, no fsync and no foreign-key look-ups. A crash then can leave a
// broken SQLite file, which is why there bulk mode is only for a file that did not exist, and on
// failure the file is deleted; an existing file keeps its journal. PostgreSQL loses nothing of
// its safety in bulk mode (the index and key changes are transactional), so it is always used.
// Either way the database must not yet have a directory.

export interface SeedFileReport extends SeedCounts {
  /** The database in words (engine and place, never a password). */
  readonly database: string;
  readonly seconds: number;
  readonly bytes: number;
  readonly bulk: boolean;
}

/** `target`: a SQLite file or a postgres:// URL, or the target a service configuration names. */
export async function seedDatabase(target: string | DatabaseTarget, options: SeedOptions): Promise<SeedFileReport> {
  const started = performance.now();
  checkSeedOptions(options);
  const parsed = typeof target === 'string' ? parseDatabaseTarget(target) : target;
  const newFile = parsed.engine === 'sqlite' && (!existsSync(parsed.file) || statSync(parsed.file).size === 0);
  const bulk = parsed.engine === 'postgres' || newFile;
  const db = await openDatabase(parsed);
  let counts: SeedCounts;
  try {
    await assertNoDirectory(db);
    if (bulk) {
      const restore = await prepareBulkLoad(db, DIRECTORY_TABLES);
      try {
        counts = await seedDirectory(db, { ...options, personas: false });
      } finally {
        await restore();
      }
      // With the indexes back: finding where the personas go reads by them.
      if (options.personas) await addTrainingPersonas(db, counts);
    } else {
      counts = await seedDirectory(db, options);
      await analyse(db, DIRECTORY_TABLES);
    }
  } catch (err) {
    await db.destroy();
    if (newFile) for (const f of [parsed.file, `${parsed.file}-wal`, `${parsed.file}-shm`]) rmSync(f, { force: true });
    throw err;
  }
  const bytes = await storeBytes(db);
  const database = describeStore(db);
  await db.destroy();
  return { ...counts, database, bulk, seconds: (performance.now() - started) / 1000, bytes };
}
