import { existsSync, rmSync, statSync } from 'node:fs';
import { openDatabase, type Db } from '../store/database.js';
import { seedDirectory, type SeedCounts, type SeedOptions } from './seed-directory.js';

// Seeding a database file. A new file is written in bulk mode: no rollback journal, no fsync,
// no foreign-key look-ups, a large page cache, and the secondary indexes built once at the end
// (sorting the keys once beats inserting them one by one: 46 s against 62 s for 1.5 million
// users on the 2-core development machine). A crash then can leave a broken file, which is why
// bulk mode is only for a file that did not exist, and on failure the file is deleted.
// Afterwards the file is put back into the service's normal mode (WAL, foreign keys on).
// An existing file keeps its journal; it must not yet have a directory.

export interface SeedFileReport extends SeedCounts {
  readonly file: string;
  readonly seconds: number;
  readonly bytes: number;
  readonly bulk: boolean;
}

/** Tables whose secondary indexes are dropped during a bulk seed and rebuilt afterwards. */
const BULK_TABLES = ['organisations', 'positions', 'users', 'position_assignments', 'cards', 'certificates'];

function dropSecondaryIndexes(db: Db): string[] {
  // sql IS NULL marks the automatic indexes behind UNIQUE and PRIMARY KEY: those stay.
  const rows = db
    .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${BULK_TABLES.map(() => '?').join(',')}) ORDER BY name`)
    .all(...BULK_TABLES) as { name: string; sql: string }[];
  for (const { name } of rows) db.exec(`DROP INDEX "${name.replace(/"/g, '""')}"`);
  return rows.map((r) => r.sql);
}

export function seedDatabaseFile(file: string, options: SeedOptions): SeedFileReport {
  const started = performance.now();
  const bulk = !existsSync(file) || statSync(file).size === 0;
  const db = openDatabase(file);
  let counts: SeedCounts;
  try {
    if (bulk) {
      db.pragma('journal_mode = OFF');
      db.pragma('synchronous = OFF');
      db.pragma('foreign_keys = OFF');
      db.pragma('cache_size = -1048576');
      db.pragma('temp_store = MEMORY');
      const indexes = dropSecondaryIndexes(db);
      counts = seedDirectory(db, options);
      for (const sql of indexes) db.exec(sql);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
    } else {
      counts = seedDirectory(db, options);
    }
    // Statistics for the query planner, from a sample of each index (fast even at full size).
    db.pragma('analysis_limit = 1000');
    db.exec('ANALYZE');
  } catch (err) {
    db.close();
    if (bulk) for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
    throw err;
  }
  db.close();
  return { ...counts, file, bulk, seconds: (performance.now() - started) / 1000, bytes: statSync(file).size };
}
