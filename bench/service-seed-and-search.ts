import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { findUsers, type FindUsersCriteria } from '../src-service/cim/find-users.js';
import { todayUtc } from '../src-service/seed/calendar.js';
import { seededRandom, type Random } from '../src-service/seed/prng.js';
import { seedDatabaseFile } from '../src-service/seed/seed-file.js';
import { openDatabase, type Db } from '../src-service/store/database.js';
import { fmt, median, percentile } from './support/stats.js';
import { runIfMain } from './support/run-main.js';

// The synthetic national directory and the user search over it: seed a fresh database, then
// time 1,000 random searches (surname prefix, NI number, card UUID) through findUsers, the
// function POST /v1/users/search calls, and compare the surname searches with the naive way (a LIKE
// scan of the table). Figures only: the targets (seed <= 120 s, p95 <= 10 ms) are for a reader.
//
// npx tsx bench/service-seed-and-search.ts [--users N] [--seed K]

const QUERIES = 1_000;
const WARM_UP = 50;
const NAIVE_SAMPLE = 20;
const LIMIT = 25;

type Kind = 'surname prefix' | 'NI number' | 'card UUID';
interface Query {
  readonly kind: Kind;
  readonly criteria: FindUsersCriteria;
  readonly prefix?: string;
}

/** Search terms taken from random users, so every search is one a real user could type. */
function randomQueries(db: Db, random: Random, users: number, count: number, today: string): Query[] {
  const user = db.prepare('SELECT u.family_name AS family, u.ni_number AS ni, c.uuid AS card FROM users u JOIN cards c ON c.user_id = u.id WHERE u.id = ?');
  const kinds: Kind[] = ['surname prefix', 'NI number', 'card UUID'];
  return Array.from({ length: count }, (_, i) => {
    const row = user.get(1 + random.int(users)) as { family: string; ni: string; card: string };
    const kind = kinds[i % kinds.length] as Kind;
    const base = { limit: LIMIT, today };
    if (kind === 'NI number') return { kind, criteria: { ...base, niNumber: row.ni } };
    if (kind === 'card UUID') return { kind, criteria: { ...base, cardUuid: row.card } };
    // Two letters up to the whole name, as people type.
    const prefix = row.family.slice(0, Math.min(row.family.length, 2 + random.int(row.family.length)));
    return { kind, prefix, criteria: { ...base, name: prefix } };
  });
}

function time(fn: () => unknown): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

const line = (label: string, samples: number[]): string =>
  `${label.padEnd(16)} n=${String(samples.length).padStart(4)}  median ${fmt(median(samples)).padStart(9)}  p95 ${fmt(percentile(samples, 95)).padStart(9)}  max ${fmt(Math.max(...samples)).padStart(9)}`;

export async function benchServiceSeedAndSearch(argv: string[] = process.argv.slice(2)): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { users: { type: 'string', default: '1500000' }, seed: { type: 'string', default: '1' } }, strict: true });
  const users = Number(values.users);
  const seed = Number(values.seed);
  const dir = mkdtempSync(join(tmpdir(), 'cis-bench-search-'));
  const file = join(dir, 'directory.sqlite');
  try {
    console.log(`# Synthetic directory and user search (${users.toLocaleString('en-GB')} users, seed ${seed})`);
    const report = seedDatabaseFile(file, { users, seed, asOf: todayUtc(), personas: true });
    console.log(
      `seed: ${report.seconds.toFixed(1)} s, database ${(report.bytes / 1_048_576).toFixed(0)} MB ` +
        `(${report.organisations} organisations, ${report.positions} positions, ${report.users} users, ${report.assignments} assignments, ${report.cards} cards)`,
    );

    const db = openDatabase(file);
    const today = todayUtc();
    const random = seededRandom(seed, 99);
    const warmUp = randomQueries(db, random, users, WARM_UP, today);
    for (const q of warmUp) findUsers(db, q.criteria);
    const queries = randomQueries(db, random, users, QUERIES, today);
    const byKind = new Map<Kind, number[]>();
    const all: number[] = [];
    let results = 0;
    for (const q of queries) {
      let found = 0;
      const ms = time(() => {
        found = findUsers(db, q.criteria).results.length;
      });
      results += found;
      all.push(ms);
      byKind.set(q.kind, [...(byKind.get(q.kind) ?? []), ms]);
    }
    console.log(`findUsers (limit ${LIMIT}, after ${WARM_UP} warm-up searches; ${results} results in all):`);
    for (const [kind, samples] of byKind) console.log(`  ${line(kind, samples)}`);
    console.log(`  ${line('overall', all)}`);

    // The same surname searches within one trust ("only my organisations"), for the record.
    const trustPath = db.prepare("SELECT path FROM organisations WHERE kind = 'trust' AND code <> 'RZZ' ORDER BY id LIMIT 1").pluck().get() as string;
    const surnames = queries.filter((q) => q.kind === 'surname prefix');
    const scoped = surnames.map((q) => time(() => findUsers(db, { ...q.criteria, withinOrgPath: trustPath })));
    console.log(`  ${line('prefix in trust', scoped)}`);

    const naive = db.prepare(
      "SELECT id, given_name, family_name FROM users WHERE lower(family_name) LIKE '%' || lower(?) || '%' ORDER BY family_name, given_name LIMIT ?",
    );
    const ratios: number[] = [];
    const naiveMs: number[] = [];
    for (const q of surnames.slice(0, NAIVE_SAMPLE)) {
      const indexed = time(() => findUsers(db, q.criteria));
      const scan = time(() => naive.all(q.prefix, LIMIT + 1));
      naiveMs.push(scan);
      ratios.push(scan / indexed);
    }
    console.log(`naive lower(family_name) LIKE '%x%' scan, ${NAIVE_SAMPLE} of the surname searches: median ${fmt(median(naiveMs))}; median ratio naive / indexed ${median(ratios).toFixed(0)}x`);
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

runIfMain(import.meta.url, () => benchServiceSeedAndSearch());
