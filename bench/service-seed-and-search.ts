import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { findUsers, type FindUsersCriteria } from '../src-service/cim/find-users.js';
import { normaliseName } from '../src-service/cim/normalise-name.js';
import { todayUtc } from '../src-service/seed/calendar.js';
import { seededRandom, type Random } from '../src-service/seed/prng.js';
import { seedDatabase } from '../src-service/seed/seed-file.js';
import { openDatabase, type Db } from '../src-service/store/database.js';
import type { Engine } from '../src-service/store/sql-dialect.js';
import { startPostgresCluster } from '../test/support/postgres-cluster.js';
import { fmt, median, percentile } from './support/stats.js';
import { runIfMain } from './support/run-main.js';

// The synthetic national directory and the user search over it, on SQLite, PostgreSQL or both:
// seed a fresh database (PostgreSQL: a throwaway cluster of its own), then time random searches
// through findUsers, the function POST /v1/users/search calls, for every criterion (surname
// prefix, "given surname", NI number, card UUID; typed in any case, with or without accents),
// each across the whole directory and "only my organisation and child organisations" (the
// subtree of the searcher's trust). Prints the seed time and database size per engine, and per
// criterion and scope the median and p95 per engine and their ratio. Figures only: the targets
// (seed <= 120 s, p95 <= 10 ms at 1.5 million users) are for a reader.
//
// npx tsx bench/service-seed-and-search.ts [--engine sqlite|postgres|both] [--users N] [--seed K] [--queries Q]

const WARM_UP = 100;
const LIMIT = 25;
const NAIVE_SAMPLE = 10;

const CRITERIA = ['surname prefix', 'given surname', 'NI number', 'card UUID'] as const;
type Criterion = (typeof CRITERIA)[number];
const SCOPES = ['national', 'own trust'] as const;
type Scope = (typeof SCOPES)[number];
const cell = (c: Criterion, s: Scope): string => `${c} / ${s}`;

interface Query {
  readonly cell: string;
  readonly criteria: FindUsersCriteria;
}

interface Sampled {
  family: string;
  given: string;
  ni: string;
  card: string;
  homePath: string;
}

/** As people type: all lower case, all upper case, or as written; accents kept or left off. */
function typed(random: Random, text: string): string {
  const plain = random.chance(0.5) ? normaliseName(text) : text;
  const form = random.int(3);
  return form === 0 ? plain.toLowerCase() : form === 1 ? plain.toUpperCase() : plain;
}

/** Search terms taken from random users, so every search is one a real user could type. */
async function randomQueries(db: Db, random: Random, users: number, perCell: number, today: string): Promise<Query[]> {
  const trusts = new Map((await db.selectFrom('organisations').select(['id', 'path']).where('kind', '=', 'trust').execute()).map((t) => [String(t.id), t.path]));
  const trustOf = (path: string): string | undefined => path.split('/').map((id) => trusts.get(id)).find((p) => p !== undefined);
  const sample = async (): Promise<Sampled> =>
    db
      .selectFrom('users as u')
      .innerJoin('cards as c', 'c.user_id', 'u.id')
      .innerJoin('organisations as o', 'o.id', 'u.home_org_id')
      .select(['u.family_name as family', 'u.given_name as given', 'u.ni_number as ni', 'c.uuid as card', 'o.path as homePath'])
      .where('u.id', '=', 1 + random.int(users))
      .executeTakeFirstOrThrow() as Promise<Sampled>;
  const queries: Query[] = [];
  for (let i = 0; i < perCell; i++) {
    for (const criterion of CRITERIA) {
      for (const scope of SCOPES) {
        let row = await sample();
        let trust = trustOf(row.homePath);
        // Scoped searches are made by someone at the person's trust (GP practices sit outside trusts).
        while (scope === 'own trust' && trust === undefined) {
          row = await sample();
          trust = trustOf(row.homePath);
        }
        const base = { limit: LIMIT, today, ...(scope === 'own trust' ? { withinOrgPath: trust } : {}) };
        const search =
          criterion === 'NI number'
            ? { niNumber: row.ni }
            : criterion === 'card UUID'
              ? { cardUuid: random.chance(0.5) ? row.card.toUpperCase() : row.card }
              : criterion === 'given surname'
                ? { name: typed(random, `${row.given} ${row.family}`) }
                : // Two letters up to the whole name, as people type.
                  { name: typed(random, row.family.slice(0, Math.min(row.family.length, 2 + random.int(row.family.length)))) };
        queries.push({ cell: cell(criterion, scope), criteria: { ...base, ...search } });
      }
    }
  }
  return queries;
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

interface EngineResult {
  readonly engine: Engine;
  readonly seedSeconds: number;
  readonly bytes: number;
  readonly samples: Map<string, number[]>;
}

async function benchEngine(engine: Engine, target: string, users: number, seed: number, perCell: number): Promise<EngineResult> {
  const today = todayUtc();
  const report = await seedDatabase(target, { users, seed, asOf: today, personas: true });
  console.log(
    `${engine}: seeded in ${report.seconds.toFixed(1)} s, database ${(report.bytes / 1_048_576).toFixed(0)} MB ` +
      `(${report.organisations} organisations, ${report.positions} positions, ${report.users} users, ${report.assignments} assignments, ${report.cards} cards)`,
  );
  const db = await openDatabase(target);
  try {
    const random = seededRandom(seed, 99);
    for (const q of await randomQueries(db, random, users, Math.ceil(WARM_UP / 8), today)) await findUsers(db, q.criteria);
    const samples = new Map<string, number[]>();
    let results = 0;
    // Criteria interleaved, so a noisy moment on the shared machine does not land on one of them.
    for (const q of await randomQueries(db, random, users, perCell, today)) {
      const ms = await time(async () => {
        results += (await findUsers(db, q.criteria)).results.length;
      });
      samples.set(q.cell, [...(samples.get(q.cell) ?? []), ms]);
    }
    console.log(`${engine}: ${perCell} searches per criterion and scope (limit ${LIMIT}, after ${WARM_UP} warm-up searches), ${results} results in all`);

    // The naive way, for the record: a case-insensitive substring scan of the table.
    const surnames = (await randomQueries(db, random, users, NAIVE_SAMPLE, today)).filter((q) => q.cell === cell('surname prefix', 'national'));
    const ratios: number[] = [];
    for (const q of surnames) {
      const indexed = await time(() => findUsers(db, q.criteria));
      const scan = await time(() =>
        sql`SELECT id, given_name, family_name FROM users WHERE lower(family_name) LIKE '%' || lower(${q.criteria.name}) || '%' ORDER BY family_name, given_name LIMIT ${LIMIT + 1}`.execute(db),
      );
      ratios.push(scan / indexed);
    }
    console.log(`${engine}: a naive lower(family_name) LIKE '%x%' scan takes ${median(ratios).toFixed(0)}x as long as the indexed surname search (median of ${ratios.length})`);
    return { engine, seedSeconds: report.seconds, bytes: report.bytes, samples };
  } finally {
    await db.destroy();
  }
}

function printTable(results: readonly EngineResult[]): void {
  const head = ['criterion / scope'.padEnd(30), ...results.flatMap((r) => [`${r.engine} median`.padStart(16), `${r.engine} p95`.padStart(14)])];
  if (results.length === 2) head.push('p95 ratio pg/sqlite'.padStart(20));
  console.log(head.join(''));
  for (const criterion of CRITERIA) {
    for (const scope of SCOPES) {
      const key = cell(criterion, scope);
      const p95s = results.map((r) => percentile(r.samples.get(key) ?? [], 95));
      const columns = results.flatMap((r, i) => [fmt(median(r.samples.get(key) ?? [])).padStart(16), fmt(p95s[i] as number).padStart(14)]);
      if (results.length === 2) columns.push(`${((p95s[1] as number) / (p95s[0] as number)).toFixed(2)}x`.padStart(20));
      console.log([key.padEnd(30), ...columns].join(''));
    }
  }
  for (const r of results) console.log(`${r.engine}: seed ${r.seedSeconds.toFixed(1)} s, database ${(r.bytes / 1_048_576).toFixed(0)} MB`);
}

export async function benchServiceSeedAndSearch(argv: string[] = process.argv.slice(2)): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      engine: { type: 'string', default: 'both' },
      users: { type: 'string', default: '1500000' },
      seed: { type: 'string', default: '1' },
      queries: { type: 'string', default: '200' },
    },
    strict: true,
  });
  if (!['sqlite', 'postgres', 'both'].includes(values.engine)) throw new Error('--engine must be sqlite, postgres or both');
  const engines: Engine[] = values.engine === 'both' ? ['sqlite', 'postgres'] : [values.engine as Engine];
  const users = Number(values.users);
  const seed = Number(values.seed);
  const perCell = Number(values.queries);
  console.log(`# Synthetic directory and user search (${users.toLocaleString('en-GB')} users, seed ${seed}; ${engines.join(' and ')})`);
  const results: EngineResult[] = [];
  for (const engine of engines) {
    if (engine === 'sqlite') {
      const dir = mkdtempSync(join(tmpdir(), 'cis-bench-search-'));
      try {
        results.push(await benchEngine(engine, join(dir, 'directory.sqlite'), users, seed, perCell));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    } else {
      // Memory for the server as a deployment would give it (the defaults suit a laptop).
      const cluster = await startPostgresCluster({
        database: 'cis_bench',
        settings: { shared_buffers: '1GB', maintenance_work_mem: '512MB', max_wal_size: '8GB', effective_cache_size: '4GB' },
      });
      try {
        results.push(await benchEngine(engine, cluster.url, users, seed, perCell));
      } finally {
        await cluster.stop();
      }
    }
  }
  printTable(results);
}

runIfMain(import.meta.url, () => benchServiceSeedAndSearch());
