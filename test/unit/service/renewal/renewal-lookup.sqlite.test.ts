import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../../src-service/store/database.js';
import { tempDbFile } from '../../../support/service-fixtures.js';

// The roll-forward lookup at login (only when a certificate is not listed) must stay an index
// search by serial, however many renewals the directory holds: SQLite's own query plan says so.

const dbFile = tempDbFile('cis-renewal-lookup-');
let db: Db;
beforeAll(async () => {
  db = await openDatabase(dbFile);
});
afterAll(async () => {
  await db.destroy();
  rmSync(dirname(dbFile), { recursive: true, force: true });
});

it('the roll-forward lookup (only when a certificate is not listed) is an index search by serial', async () => {
  const plan = await sql<{ detail: string }>`EXPLAIN QUERY PLAN SELECT 1 FROM card_renewals WHERE issued_serial = 'ab' AND status IN ('opened','authenticated','issued')`.execute(db);
  expect(plan.rows.map((p) => p.detail).join(' ')).toMatch(/USING INDEX card_renewals_issued_serial/);
});
