import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BATCH_COLUMNS } from '../src-shared/api/cim-batch.js';
import { useAuditKey } from '../src-service/audit/audit-log.js';
import type { SessionContext } from '../src-service/auth/session-store.js';
import { applyAssignmentBatch, checkAssignmentBatch } from '../src-service/cim/batch-assignments.js';
import type { ServiceContext } from '../src-service/service-context.js';
import { checkBatchRows } from '../src-service/cim/batch-check.js';
import { readBatchFile } from '../src-service/cim/batch-csv.js';
import { todayUtc } from '../src-service/seed/calendar.js';
import { seededRandom, type Random } from '../src-service/seed/prng.js';
import { seedDatabase } from '../src-service/seed/seed-file.js';
import { openDatabase, type Db } from '../src-service/store/database.js';
import type { Engine } from '../src-service/store/sql-dialect.js';
import { startPostgresCluster } from '../test/support/postgres-cluster.js';
import { median, percentile } from './support/stats.js';
import { runIfMain } from './support/run-main.js';

// Checking a 10,000-row batch file (batch position management), on SQLite, PostgreSQL or both:
// seed a synthetic directory, write a file of random rows against it (adds by NI number or UUID,
// by position id or by ODS code and title, changes and removals of real assignments, and some
// rows naming nobody), then time what POST /v1/assignment-batches does with it: read the CSV
// and check every row against the directory in bulk. Prints the median and p95 per engine, and
// then, once, the whole upload and the Apply of that file (one transaction, one audit entry per change).
//
// npx tsx bench/cim-batch-validate.ts [--engine sqlite|postgres|both] [--users N] [--rows R] [--runs K] [--seed S]

const ukDate = (iso: string): string => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

interface Person {
  readonly uuid: string;
  readonly ni: string | null;
}
interface Post {
  readonly id: number;
  readonly title: string;
  readonly code: string;
}

async function sampleDirectory(db: Db, count: number) {
  const users: Person[] = await db.selectFrom('users').select(['uuid', 'ni_number as ni']).orderBy('id').limit(count * 2).execute();
  const positions: Post[] = await db
    .selectFrom('positions as p')
    .innerJoin('organisations as o', 'o.id', 'p.org_id')
    .select(['p.id', 'p.title', 'o.code'])
    .where('p.closed', '=', 0)
    .orderBy('p.id')
    .limit(5000)
    .execute();
  const held = await db
    .selectFrom('position_assignments as pa')
    .innerJoin('users as u', 'u.id', 'pa.user_id')
    .select(['u.uuid', 'pa.position_id as positionId'])
    .where('pa.removed_at', 'is', null)
    .orderBy('pa.id')
    .limit(count)
    .execute();
  return { users, positions, held };
}

/** A file of `rows` rows as an RA manager might write one: mostly adds, some changes and removals, a few mistakes. */
function batchFile(random: Random, sample: Awaited<ReturnType<typeof sampleDirectory>>, rows: number, today: string): string {
  const start = ukDate(new Date(Date.parse(`${today}T00:00:00Z`) + 14 * 86_400_000).toISOString().slice(0, 10));
  const end = ukDate(new Date(Date.parse(`${today}T00:00:00Z`) + 200 * 86_400_000).toISOString().slice(0, 10));
  const lines = [BATCH_COLUMNS.join(',')];
  const pick = <T>(list: readonly T[]): T => list[random.int(list.length)] as T;
  for (let i = 0; i < rows; i++) {
    const roll = random.int(100);
    if (roll < 10 && sample.held.length > 0) {
      const a = pick(sample.held);
      lines.push(roll < 5 ? `change,${a.uuid},,${a.positionId},,,,${end}` : `remove,${a.uuid},,${a.positionId},,,,`);
      continue;
    }
    const user = sample.users[i % sample.users.length] as Person;
    const position = pick(sample.positions);
    const who = roll < 55 && user.ni ? `,${user.ni}` : `${user.uuid},`;
    const where = roll % 2 === 0 ? `${position.id},,` : `,${position.code},"${position.title.replace(/"/g, '""')}"`;
    // About one row in fifty names nobody.
    const person = roll >= 98 ? ',JX123456C' : who;
    lines.push(`add,${person},${where},${start},${roll < 40 ? '' : end}`);
  }
  return lines.join('\r\n') + '\r\n';
}

/** An RA manager at the top of the tree: every row is in scope, so each one is checked in full. */
const NATIONAL_RAM: SessionContext = {
  sessionId: 0,
  userId: 0,
  userUuid: '00000000-0000-4000-8000-000000000000',
  userName: 'Bench Manager',
  cardId: 0,
  positionId: 0,
  orgId: 0,
  orgPath: '/',
  roles: ['RAM'],
  workstationId: 'bench',
  keyThumbprint: 'bench',
  expiresAt: Number.MAX_SAFE_INTEGER,
};

/** Upload and apply once, as the endpoints do, by a manager who is a real user (the batch names its author). */
async function timeApply(db: Db, csv: string): Promise<{ checkMs: number; applyMs: number; applied: number }> {
  useAuditKey(db, { key: randomBytes(32), keyedAfter: 0 });
  const author = await db.selectFrom('users').select(['id', 'uuid']).orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
  const session = { ...NATIONAL_RAM, userId: author.id, userUuid: author.uuid };
  // Only what the batch functions read of the service.
  const ctx = { db, now: () => new Date() } as unknown as ServiceContext;
  const t0 = performance.now();
  const report = await checkAssignmentBatch(ctx, session, { csv, fileName: 'bench.csv' });
  const t1 = performance.now();
  const result = await applyAssignmentBatch(ctx, session, report.batchId);
  return { checkMs: t1 - t0, applyMs: performance.now() - t1, applied: result.applied };
}

async function benchEngine(engine: Engine, target: string, options: { users: number; rows: number; runs: number; seed: number }): Promise<number[]> {
  const today = todayUtc();
  const report = await seedDatabase(target, { users: options.users, seed: options.seed, asOf: today, personas: false });
  console.log(`${engine}: seeded ${report.users} users, ${report.positions} positions, ${report.assignments} assignments in ${report.seconds.toFixed(1)} s`);
  const db = await openDatabase(target);
  try {
    const random = seededRandom(options.seed, 7);
    const csv = batchFile(random, await sampleDirectory(db, options.rows), options.rows, today);
    const samples: number[] = [];
    let summary = '';
    // One warm-up run, then the timed ones.
    for (let run = 0; run <= options.runs; run++) {
      const t0 = performance.now();
      const file = readBatchFile(csv);
      const check = await checkBatchRows(db, NATIONAL_RAM, file.rows, file.header.length, today);
      const ms = performance.now() - t0;
      if (run > 0) samples.push(ms);
      summary = `${file.rows.length} rows, ${check.changes.length} can be applied, ${new Set(check.errors.map((e) => e.row)).size} refused`;
    }
    console.log(`${engine}: ${summary} (${(csv.length / 1024).toFixed(0)} KB)`);
    const applied = await timeApply(db, csv);
    console.log(`${engine}: upload (check and store) ${applied.checkMs.toFixed(0)} ms; Apply of ${applied.applied} changes ${applied.applyMs.toFixed(0)} ms`);
    return samples;
  } finally {
    await db.destroy();
  }
}

export async function benchBatchValidate(argv: string[] = process.argv.slice(2)): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      engine: { type: 'string', default: 'both' },
      users: { type: 'string', default: '50000' },
      rows: { type: 'string', default: '10000' },
      runs: { type: 'string', default: '7' },
      seed: { type: 'string', default: '1' },
    },
    strict: true,
  });
  if (!['sqlite', 'postgres', 'both'].includes(values.engine)) throw new Error('--engine must be sqlite, postgres or both');
  const engines: Engine[] = values.engine === 'both' ? ['sqlite', 'postgres'] : [values.engine as Engine];
  const options = { users: Number(values.users), rows: Number(values.rows), runs: Number(values.runs), seed: Number(values.seed) };
  console.log(`# Checking a ${options.rows.toLocaleString('en-GB')}-row batch file (${options.users.toLocaleString('en-GB')} users; ${engines.join(' and ')})`);
  const results: [Engine, number[]][] = [];
  for (const engine of engines) {
    if (engine === 'sqlite') {
      const dir = mkdtempSync(join(tmpdir(), 'cis-bench-batch-'));
      try {
        results.push([engine, await benchEngine(engine, join(dir, 'directory.sqlite'), options)]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    } else {
      const cluster = await startPostgresCluster({ database: 'cis_bench' });
      try {
        results.push([engine, await benchEngine(engine, cluster.url, options)]);
      } finally {
        await cluster.stop();
      }
    }
  }
  for (const [engine, samples] of results) {
    console.log(`${engine}: check of ${options.rows} rows: median ${median(samples).toFixed(0)} ms, p95 ${percentile(samples, 95).toFixed(0)} ms (${samples.length} runs)`);
  }
}

runIfMain(import.meta.url, () => benchBatchValidate());
