import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { seedDatabase } from '../../../../src-service/seed/seed-file.js';
import { openDatabase } from '../../../../src-service/store/database.js';

// A new SQLite file is seeded in bulk mode (no journal, no fsync, no foreign-key look-ups) and
// must come out of it in the service's mode, whole.

const dir = mkdtempSync(join(tmpdir(), 'cis-seed-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('seed: a new SQLite file', () => {
  it('rule: leaves the file in the service mode: WAL journal, foreign keys consistent, no corruption', async () => {
    const file = join(dir, 'directory.sqlite');
    const report = await seedDatabase(file, { users: 1_000, seed: 7, asOf: '2025-06-01', personas: true });
    expect(report.bulk).toBe(true);
    const db = await openDatabase(file);
    try {
      expect((await sql<{ journal_mode: string }>`PRAGMA journal_mode`.execute(db)).rows[0]?.journal_mode).toBe('wal');
      expect((await sql`PRAGMA foreign_key_check`.execute(db)).rows).toEqual([]);
      expect((await sql<{ integrity_check: string }>`PRAGMA integrity_check`.execute(db)).rows[0]?.integrity_check).toBe('ok');
    } finally {
      await db.destroy();
    }
  });
});
