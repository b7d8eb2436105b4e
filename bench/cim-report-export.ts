import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { todayUtc } from '../src-service/seed/calendar.js';
import { seedDatabase } from '../src-service/seed/seed-file.js';
import { startService } from '../src-service/start-service.js';
import type { Engine } from '../src-service/store/sql-dialect.js';
import { startPostgresCluster } from '../test/support/postgres-cluster.js';
import { actor, proofHeaders } from '../test/support/service-fixtures.js';
import { fmt, median } from './support/stats.js';
import { runIfMain } from './support/run-main.js';

// Reports over the synthetic national directory (bench/service-seed-and-search.ts's seed, bulk
// loaded), on SQLite, PostgreSQL or both: a fresh database of --users people, an RA manager at
// the national root (so every person is in scope) and one at a trust, then
// - viewing: the first page (25 rows, default sort, with the total) of "users in my organisations
//   with their positions" nationally and for one trust, and of "smartcards expiring within 30
//   days" nationally: the median of --views runs each;
// - exporting: the national "users in my organisations" as CSV over HTTP, read to the end and
//   counted (not kept): seconds, rows a second, and the peak RSS of the process the service runs
//   in (sampled every 50 ms; the client in it only counts bytes).
// Figures only, for a reader.
//
// npx tsx bench/cim-report-export.ts [--engine sqlite|postgres|both] [--users N] [--views V]

const VIEWS: [string, string][] = [
  ['users-positions, national', '/v1/reports/users-positions?pageSize=25'],
  ['users-positions, one trust', '/v1/reports/users-positions?pageSize=25&organisation=@TRUST'],
  ['cards-expiring 30 days, national', '/v1/reports/cards-expiring?pageSize=25&days=30'],
];

interface Result {
  readonly engine: Engine;
  readonly users: number;
  readonly seedSeconds: number;
  readonly views: { name: string; medianMs: number; total: number }[];
  readonly export: { rows: number; bytes: number; seconds: number; peakRssMiB: number };
}

async function benchEngine(engine: Engine, dbFile: string, secretFile: string, users: number, views: number): Promise<Result> {
  const today = todayUtc();
  const seeded = await seedDatabase(dbFile, { users, seed: 1, asOf: today, personas: true });
  console.log(`${engine}: seeded ${seeded.users.toLocaleString('en-GB')} users, ${seeded.assignments.toLocaleString('en-GB')} assignments, ${seeded.cards.toLocaleString('en-GB')} cards in ${seeded.seconds.toFixed(1)} s`);
  const service = await startService({ dbFile, secretFile, host: '127.0.0.1', port: 0 });
  try {
    const db = service.ctx.db;
    const root = await db.selectFrom('organisations').select(['id', 'path']).where('parent_id', 'is', null).orderBy('id').limit(1).executeTakeFirstOrThrow();
    const trust = await db.selectFrom('organisations').select(['id', 'code']).where('kind', '=', 'trust').orderBy('id').limit(1).executeTakeFirstOrThrow();
    const national = await actor(db, root.id, ['RAM'], 'Bench National');
    const local = await actor(db, trust.id, ['RAM'], 'Bench Trust');
    const get = async (path: string, token: string): Promise<Response> =>
      fetch(`${service.url}${path}`, { headers: await proofHeaders(service, 'GET', path, token) });

    const viewed: Result['views'] = [];
    for (const [name, template] of VIEWS) {
      const path = template.replace('@TRUST', trust.code);
      const token = name.includes('one trust') ? local.token : national.token;
      const samples: number[] = [];
      let total = 0;
      for (let i = 0; i < views; i++) {
        const started = performance.now();
        const res = await get(path, token);
        const body = (await res.json()) as { total: number };
        if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`);
        samples.push(performance.now() - started);
        total = body.total;
      }
      viewed.push({ name, medianMs: median(samples), total });
      console.log(`${engine}: ${name}: first page median ${fmt(median(samples))} of ${views} (${total.toLocaleString('en-GB')} rows in all)`);
    }

    // The seed ran in this process too: what the export adds is the peak over this starting point.
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 50);
    const started = performance.now();
    const res = await get('/v1/reports/users-positions/export', national.token);
    if (res.status !== 200 || !res.body) throw new Error(`export: ${res.status}`);
    let lines = 0;
    let bytes = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      for (const byte of chunk) if (byte === 0x0a) lines++;
    }
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    const rows = lines - 1;
    const peakRssMiB = peak / 1_048_576;
    console.log(`${engine}: export of users-positions, national: ${rows.toLocaleString('en-GB')} rows, ${(bytes / 1_048_576).toFixed(0)} MB in ${seconds.toFixed(1)} s (${Math.round(rows / seconds).toLocaleString('en-GB')} rows/s), peak RSS ${peakRssMiB.toFixed(0)} MiB (${((peak - before) / 1_048_576).toFixed(0)} MiB over the ${(before / 1_048_576).toFixed(0)} MiB before the export)`);
    return { engine, users, seedSeconds: seeded.seconds, views: viewed, export: { rows, bytes, seconds, peakRssMiB } };
  } finally {
    await service.close();
  }
}

export async function benchCimReportExport(argv: string[] = process.argv.slice(2)): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      engine: { type: 'string', default: 'both' },
      users: { type: 'string', default: '1500000' },
      views: { type: 'string', default: '5' },
    },
    strict: true,
  });
  if (!['sqlite', 'postgres', 'both'].includes(values.engine)) throw new Error('--engine must be sqlite, postgres or both');
  const engines: Engine[] = values.engine === 'both' ? ['sqlite', 'postgres'] : [values.engine as Engine];
  const users = Number(values.users);
  const views = Number(values.views);
  console.log(`# Reports: view and CSV export (${users.toLocaleString('en-GB')} users; ${engines.join(' and ')})`);
  const results: Result[] = [];
  for (const engine of engines) {
    const dir = mkdtempSync(join(tmpdir(), 'cis-bench-reports-'));
    const secretFile = join(dir, 'service-secret.json');
    try {
      if (engine === 'sqlite') results.push(await benchEngine(engine, join(dir, 'directory.sqlite'), secretFile, users, views));
      else {
        const cluster = await startPostgresCluster({
          database: 'cis_bench',
          settings: { shared_buffers: '1GB', maintenance_work_mem: '512MB', max_wal_size: '8GB', effective_cache_size: '4GB' },
        });
        try {
          results.push(await benchEngine(engine, cluster.url, secretFile, users, views));
        } finally {
          await cluster.stop();
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  console.log('\nengine    | ' + VIEWS.map(([n]) => n).join(' | ') + ' | export rows | export s | rows/s | peak RSS');
  for (const r of results) {
    console.log(
      `${r.engine.padEnd(9)} | ${r.views.map((v) => fmt(v.medianMs)).join(' | ')} | ${r.export.rows} | ${r.export.seconds.toFixed(1)} | ${Math.round(r.export.rows / r.export.seconds)} | ${r.export.peakRssMiB.toFixed(0)} MiB`,
    );
  }
}

runIfMain(import.meta.url, () => benchCimReportExport());
