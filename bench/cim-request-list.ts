import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import type { SessionContext } from '../src-service/auth/session-store.js';
import { listPositionRequests } from '../src-service/cim/position-requests.js';
import type { ServiceContext } from '../src-service/service-context.js';
import { openDatabase, type Db } from '../src-service/store/database.js';
import type { Engine } from '../src-service/store/sql-dialect.js';
import { startPostgresCluster } from '../test/support/postgres-cluster.js';
import { fmt, median, percentile } from './support/stats.js';
import { runIfMain } from './support/run-main.js';

// The Position Request List with thousands waiting: a trust with sites, positions and N pending
// requests (and as many decided ones, which the list must skip), read a page at a time by an RA
// agent at the trust through listPositionRequests, the function GET /v1/position-requests calls,
// following nextCursor to the end. Prints per engine the median and p95 ms per page, the first
// page's median, and the count the list gives (which must equal N).
//
// npx tsx bench/cim-request-list.ts [--engine sqlite|postgres|both] [--requests N] [--limit L] [--rounds R]

interface Result {
  readonly engine: Engine;
  readonly pages: number[];
  readonly firstPages: number[];
  readonly total: number;
  readonly pagesPerWalk: number;
}

async function org(db: Db, code: string, parentPath: string | null): Promise<{ id: number; path: string }> {
  const { id } = await db
    .insertInto('organisations')
    .values({ code, name: `Bench ${code}`, name_norm: `bench ${code.toLowerCase()}`, kind: parentPath === null ? 'trust' : 'site', parent_id: null, path: '' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const path = `${parentPath ?? '/'}${id}/`;
  await db.updateTable('organisations').set({ path }).where('id', '=', id).execute();
  return { id, path };
}

/** A trust, 5 sites, 50 positions, `requests` people each with one waiting request and one decided one. */
async function fill(db: Db, requests: number): Promise<{ trust: { id: number; path: string }; agent: number }> {
  const trust = await org(db, 'RBN', null);
  const sites: { id: number; path: string }[] = [];
  for (let i = 0; i < 5; i++) sites.push(await org(db, `RBN0${i}`, trust.path));
  const positions: number[] = [];
  for (let i = 0; i < 50; i++) {
    const site = sites[i % sites.length] as { id: number };
    const { id } = await db.insertInto('positions').values({ org_id: site.id, title: `Position ${i}`, job_role: 'Bench', roles: '', assignable: 1 }).returning('id').executeTakeFirstOrThrow();
    positions.push(id);
  }
  const { id: agent } = await db
    .insertInto('users')
    .values({ uuid: crypto.randomUUID(), given_name: 'Bench', family_name: 'Agent', given_name_norm: 'bench', family_name_norm: 'agent', home_org_id: trust.id, created_at: new Date().toISOString(), ni_number: null, email: null, mobile: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  const start = Date.parse('2025-06-01T08:00:00.000Z');
  for (let done = 0; done < requests; done += 500) {
    const batch = Math.min(500, requests - done);
    const users = await db
      .insertInto('users')
      .values(
        Array.from({ length: batch }, (_, i) => ({
          uuid: crypto.randomUUID(),
          given_name: 'Waiting',
          family_name: `Person ${done + i}`,
          given_name_norm: 'waiting',
          family_name_norm: `person ${done + i}`,
          home_org_id: (sites[(done + i) % sites.length] as { id: number; path: string }).id,
          created_at: new Date().toISOString(),
          ni_number: null,
          email: null,
          mobile: null,
        })),
      )
      .returning('id')
      .execute();
    const rows = users.flatMap(({ id }, i) => {
      const n = done + i;
      const base = { user_id: id, position_id: positions[n % positions.length] as number, start_date: '2025-07-01', end_date: '2026-07-01', requested_by: id };
      return [
        { ...base, requested_at: new Date(start + n * 60_000).toISOString(), status: 'pending' as const, decided_by: null, decided_at: null },
        { ...base, requested_at: new Date(start - n * 60_000).toISOString(), status: 'granted' as const, decided_by: agent, decided_at: new Date(start).toISOString() },
      ];
    });
    await db.insertInto('position_requests').values(rows).execute();
  }
  return { trust, agent };
}

async function benchEngine(engine: Engine, target: string, requests: number, limit: number, rounds: number): Promise<Result> {
  const db = await openDatabase(target);
  try {
    const { trust, agent } = await fill(db, requests);
    // Statistics as a live database has them (PostgreSQL's autovacuum, SQLite's optimize).
    await sql.raw(engine === 'postgres' ? 'ANALYZE' : 'PRAGMA optimize').execute(db);
    const ctx = { db, now: () => new Date() } as unknown as ServiceContext;
    const session = { userId: agent, orgId: trust.id, orgPath: trust.path, roles: ['RAA'] } as unknown as SessionContext;
    const pages: number[] = [];
    const firstPages: number[] = [];
    let total = 0;
    let pagesPerWalk = 0;
    for (let round = 0; round < rounds; round++) {
      let cursor: string | undefined;
      let walked = 0;
      let seen = 0;
      do {
        const began = performance.now();
        const page = await listPositionRequests(ctx, session, { status: 'pending', limit, ...(cursor ? { cursor } : {}) });
        const ms = performance.now() - began;
        // The first walk warms the caches.
        if (round > 0) {
          pages.push(ms);
          if (walked === 0) firstPages.push(ms);
        }
        total = page.total;
        seen += page.requests.length;
        cursor = page.nextCursor ?? undefined;
        walked++;
      } while (cursor !== undefined);
      if (seen !== total) throw new Error(`${engine}: the walk saw ${seen} requests but the list counts ${total}`);
      pagesPerWalk = walked;
    }
    return { engine, pages, firstPages, total, pagesPerWalk };
  } finally {
    await db.destroy();
  }
}

export async function benchCimRequestList(): Promise<void> {
  const { values } = parseArgs({
    options: {
      engine: { type: 'string', default: 'both' },
      requests: { type: 'string', default: '5000' },
      limit: { type: 'string', default: '25' },
      rounds: { type: 'string', default: '4' },
    },
  });
  if (!['sqlite', 'postgres', 'both'].includes(values.engine)) throw new Error('--engine must be sqlite, postgres or both');
  const engines: Engine[] = values.engine === 'both' ? ['sqlite', 'postgres'] : [values.engine as Engine];
  const requests = Number(values.requests);
  const limit = Number(values.limit);
  const rounds = Math.max(2, Number(values.rounds));
  console.log(`# Position Request List: ${requests.toLocaleString('en-GB')} waiting, ${limit} a page (${engines.join(' and ')})`);
  const results: Result[] = [];
  for (const engine of engines) {
    if (engine === 'sqlite') {
      const dir = mkdtempSync(join(tmpdir(), 'cis-bench-requests-'));
      try {
        results.push(await benchEngine(engine, join(dir, 'requests.sqlite'), requests, limit, rounds));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    } else {
      const cluster = await startPostgresCluster({ database: 'cis_bench' });
      try {
        results.push(await benchEngine(engine, cluster.url, requests, limit, rounds));
      } finally {
        await cluster.stop();
      }
    }
  }
  for (const r of results) {
    console.log(
      `${r.engine}: count ${r.total}, ${r.pagesPerWalk} pages; per page median ${fmt(median(r.pages))}, p95 ${fmt(percentile(r.pages, 95))}; first page median ${fmt(median(r.firstPages))} (${r.pages.length} pages timed)`,
    );
  }
}

runIfMain(import.meta.url, () => benchCimRequestList());
