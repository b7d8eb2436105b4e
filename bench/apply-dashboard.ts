import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import type { ApplicationStatus, DashboardTab } from '../src-shared/api/apply.js';
import type { RoleCode } from '../src-shared/domain/roles.js';
import { applicationDashboard } from '../src-service/apply/dashboard.js';
import type { SessionContext } from '../src-service/auth/session-store.js';
import type { ServiceContext } from '../src-service/service-context.js';
import { openDatabase, type Db } from '../src-service/store/database.js';
import type { Engine } from '../src-service/store/sql-dialect.js';
import { onEachEngine } from './support/engines.js';
import { runIfMain } from './support/run-main.js';
import { fmt, median, percentile } from './support/stats.js';

// The Apply for Care ID dashboard over N applications (10,000 by default) spread over every tab,
// two trusts with sites and 24 sponsors: each call is what GET /v1/apply/dashboard does
// (applicationDashboard: every tab's count and the first page of one tab), for a sponsor (their
// own applications) and for an RA manager at a trust (its whole subtree), on the In progress and
// Resend required tabs. Prints per engine and reader the median and p95 over R timed calls,
// after a few warm-up calls, and the counts the reader saw.
//
// npx tsx bench/apply-dashboard.ts [--engine sqlite|postgres|both] [--applications N] [--rounds R]

const DAY = 86_400_000;
const NOW = Date.parse('2026-03-02T10:00:00.000Z');
const REFERENCE_CHARS = '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ';
const WARM_UP = 3;

interface Reader {
  readonly who: string;
  readonly session: SessionContext;
}

interface Row {
  readonly engine: Engine;
  readonly who: string;
  readonly tab: DashboardTab;
  readonly samples: number[];
  readonly counted: number;
  readonly shown: number;
}

/** The n-th reference: distinct for every n below 34^8. */
function reference(n: number): string {
  let s = '';
  let v = n;
  for (let i = 0; i < 8; i++) {
    s = (REFERENCE_CHARS[v % REFERENCE_CHARS.length] as string) + s;
    v = Math.floor(v / REFERENCE_CHARS.length);
  }
  return `ACI-${s}`;
}

async function org(db: Db, code: string, parent: { id: number; path: string } | null): Promise<{ id: number; path: string }> {
  const { id } = await db
    .insertInto('organisations')
    .values({ code, name: `Bench ${code}`, name_norm: `bench ${code.toLowerCase()}`, kind: parent ? 'site' : 'trust', parent_id: parent?.id ?? null, path: '' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const path = `${parent?.path ?? '/'}${id}/`;
  await db.updateTable('organisations').set({ path }).where('id', '=', id).execute();
  return { id, path };
}

async function person(db: Db, family: string, homeOrgId: number): Promise<number> {
  const { id } = await db
    .insertInto('users')
    .values({ uuid: crypto.randomUUID(), given_name: 'Bench', family_name: family, given_name_norm: 'bench', family_name_norm: family.toLowerCase(), home_org_id: homeOrgId, created_at: new Date(NOW).toISOString(), ni_number: null, email: null, mobile: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

/** What the n-th application is: most undecided (a third of those idle past the resend rule), the rest across the decided lists. */
function stateOf(n: number): { status: ApplicationStatus; lastActivity: number; finished: boolean } {
  const slot = n % 20;
  // Spread over the last 61 days, so about 3 in 61 are within the resend rule's 3 days.
  const lastActivity = NOW - ((n * 7) % 61) * DAY - (n % 1440) * 60_000;
  if (slot < 10) return { status: 'in-progress', lastActivity, finished: slot < 2 };
  const decided: ApplicationStatus[] = ['approved', 'approved', 'approved', 'duplicate', 'rejected', 'rejected', 'cancelled', 'cancelled', 'done', 'done'];
  return { status: decided[slot - 10] as ApplicationStatus, lastActivity, finished: true };
}

/** Two trusts with 4 and 2 sites, 4 sponsors a site, N applications raised by them in turn. */
async function fill(db: Db, applications: number): Promise<{ sponsor: Reader; manager: Reader }> {
  const trustA = await org(db, 'RBA', null);
  const trustB = await org(db, 'RBB', null);
  const sites = [];
  for (let i = 0; i < 4; i++) sites.push(await org(db, `RBA0${i}`, trustA));
  for (let i = 0; i < 2; i++) sites.push(await org(db, `RBB0${i}`, trustB));
  const sponsors: { id: number; orgId: number; path: string }[] = [];
  for (const site of sites) for (let i = 0; i < 4; i++) sponsors.push({ id: await person(db, `Sponsor ${sponsors.length}`, site.id), orgId: site.id, path: site.path });
  const managerId = await person(db, 'Manager', trustA.id);

  for (let done = 0; done < applications; done += 500) {
    const batch = Math.min(500, applications - done);
    await db
      .insertInto('applications')
      .values(
        Array.from({ length: batch }, (_, i) => {
          const n = done + i;
          const by = sponsors[n % sponsors.length] as (typeof sponsors)[number];
          const s = stateOf(n);
          const raisedAt = s.lastActivity - DAY;
          return {
            reference: reference(n),
            org_id: by.orgId,
            raised_by: by.id,
            raised_at: raisedAt,
            given_name: 'Alex',
            family_name: `Applicant ${n}`,
            given_name_norm: 'alex',
            family_name_norm: `applicant ${n}`,
            date_of_birth: '1990-04-12',
            ni_number: `AB${String(n).padStart(6, '0')}C`,
            email: `applicant.${n}@example.nhs.net`,
            email_norm: `applicant.${n}@example.nhs.net`,
            mobile: '07700900500',
            applicant_provides_address: 1,
            access_kind: 'position' as const,
            notes: '',
            status: s.status,
            status_changed_at: s.lastActivity,
            details_started_at: s.finished ? raisedAt : null,
            details_confirmed_at: s.finished ? raisedAt : null,
            identity_started_at: s.finished ? raisedAt : null,
            identity_submitted_at: s.finished ? s.lastActivity : null,
            invites_sent: 1,
            last_invited_at: raisedAt,
            last_activity_at: s.lastActivity,
            done_from: s.status === 'done' ? 'rejected' : null,
          };
        }),
      )
      .execute();
  }
  const base = { sessionId: 0, userUuid: '', userName: '', cardId: 0, positionId: 0, workstationId: 'bench', keyThumbprint: '', expiresAt: NOW + DAY };
  const session = (userId: number, o: { id: number; path: string }, roles: RoleCode[]): SessionContext => ({ ...base, userId, orgId: o.id, orgPath: o.path, roles });
  const first = sponsors[0] as (typeof sponsors)[number];
  return {
    sponsor: { who: 'sponsor (S, own)', session: session(first.id, { id: first.orgId, path: first.path }, ['S']) },
    manager: { who: 'RA manager (RAM, trust)', session: session(managerId, trustA, ['RAM']) },
  };
}

async function benchEngine(engine: Engine, target: string, applications: number, rounds: number): Promise<Row[]> {
  const db = await openDatabase(target);
  try {
    const readers = await fill(db, applications);
    // Statistics as a live database has them (PostgreSQL's autovacuum, SQLite's optimize).
    await sql.raw(engine === 'postgres' ? 'ANALYZE' : 'PRAGMA optimize').execute(db);
    const ctx = { db, now: () => new Date(NOW) } as unknown as ServiceContext;
    const rows: Row[] = [];
    for (const reader of [readers.sponsor, readers.manager]) {
      for (const tab of ['in-progress', 'resend-required'] as const) {
        const samples: number[] = [];
        let counted = 0;
        let shown = 0;
        for (let round = 0; round < WARM_UP + rounds; round++) {
          const began = performance.now();
          const board = await applicationDashboard(ctx, reader.session, { tab, page: 1 });
          const ms = performance.now() - began;
          if (round >= WARM_UP) samples.push(ms);
          counted = Object.values(board.counts).reduce((s, n) => s + n, 0);
          shown = board.applications.length;
        }
        rows.push({ engine, who: reader.who, tab, samples, counted, shown });
      }
    }
    return rows;
  } finally {
    await db.destroy();
  }
}

export async function benchApplyDashboard(): Promise<void> {
  const { values } = parseArgs({
    options: {
      engine: { type: 'string', default: 'both' },
      applications: { type: 'string', default: '10000' },
      rounds: { type: 'string', default: '50' },
    },
  });
  if (!['sqlite', 'postgres', 'both'].includes(values.engine)) throw new Error('--engine must be sqlite, postgres or both');
  const engines: Engine[] = values.engine === 'both' ? ['sqlite', 'postgres'] : [values.engine as Engine];
  const applications = Number(values.applications);
  const rounds = Math.max(30, Number(values.rounds));
  console.log(`# Apply for Care ID dashboard: tab counts + first page, ${applications.toLocaleString('en-GB')} applications (${rounds} timed calls each; ${engines.join(' and ')})`);
  const results = (await onEachEngine(engines, 'apply-dashboard', ({ engine, db }) => benchEngine(engine, db, applications, rounds))).flat();
  const header = ['engine', 'reader', 'tab', 'median', 'p95', 'in scope', 'on page'];
  const table = results.map((r) => [r.engine, r.who, r.tab, fmt(median(r.samples)), fmt(percentile(r.samples, 95)), String(r.counted), String(r.shown)]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => (row[i] as string).length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of table) console.log(line(row));
}

runIfMain(import.meta.url, () => benchApplyDashboard());
