import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { WorkstationKey } from '../../src-main/service-client/workstation-key.js';
import { DPOP_HEADER, DPOP_SCHEME } from '../../src-shared/api/service-login.js';
import type { RoleCode } from '../../src-shared/domain/roles.js';
import { inject } from 'vitest';
import { openSession } from '../../src-service/auth/session-store.js';
import type { OrganisationsTable } from '../../src-service/store/tables.js';
import type { RunningService } from '../../src-service/start-service.js';
import type { Db } from '../../src-service/store/database.js';

type OrgKind = OrganisationsTable['kind'];

// Small, explicit directories for service tests: organisations, users, positions, assignments,
// cards and sessions written straight into a real database, so a test reads like its scenario.
// The database is a SQLite file, or, in the PostgreSQL run of the service tests (vitest.config.ts,
// project service-postgres), a fresh schema in the run's cluster: the same tests, both engines.

let schemas = 0;

/** Where a test's service keeps its data: a new SQLite file, or a new PostgreSQL schema. */
export function tempDbFile(prefix = 'cis-'): string {
  const postgres = postgresUrl();
  if (postgres) return `${postgres}?schema=t_${process.pid}_${++schemas}_${randomUUID().slice(0, 8)}`;
  return join(mkdtempSync(join(tmpdir(), prefix)), 'service.sqlite');
}

/**
 * A test service's storage: its database (as tempDbFile) and its secret file, which PostgreSQL
 * needs named (there is no folder beside the database to keep it in). Spread into startService.
 */
export function testStorage(prefix = 'cis-'): { dbFile: string; secretFile: string } {
  const dbFile = tempDbFile(prefix);
  const folder = dbFile.startsWith('postgres') ? mkdtempSync(join(tmpdir(), prefix)) : dirname(dbFile);
  return { dbFile, secretFile: join(folder, 'service-secret.json') };
}

/** The engine this test run exercises. */
export const testEngine = (): 'sqlite' | 'postgres' => (postgresUrl() ? 'postgres' : 'sqlite');

function postgresUrl(): string | undefined {
  try {
    return inject('postgresUrl');
  } catch {
    // Outside a vitest worker (a bench, a script): SQLite.
    return undefined;
  }
}

const norm = (s: string): string => s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();

export async function addOrg(db: Db, o: { code: string; name: string; kind?: OrgKind; parentId?: number | null }): Promise<{ id: number; path: string }> {
  const parentPath = o.parentId ? (await db.selectFrom('organisations').select('path').where('id', '=', o.parentId).executeTakeFirstOrThrow()).path : '/';
  const { id } = await db
    .insertInto('organisations')
    .values({ code: o.code, name: o.name, name_norm: norm(o.name), kind: o.kind ?? 'trust', parent_id: o.parentId ?? null, path: 'pending' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const path = `${parentPath}${id}/`;
  await db.updateTable('organisations').set({ path }).where('id', '=', id).execute();
  return { id, path };
}

export async function addUser(
  db: Db,
  u: { given: string; family: string; homeOrgId: number; ni?: string | null; email?: string | null; mobile?: string | null; status?: 'open' | 'closed' },
): Promise<{ id: number; uuid: string }> {
  const uuid = randomUUID();
  const { id } = await db
    .insertInto('users')
    .values({
      uuid,
      given_name: u.given,
      family_name: u.family,
      family_name_norm: norm(u.family),
      given_name_norm: norm(u.given),
      ni_number: u.ni ?? null,
      email: u.email ?? null,
      mobile: u.mobile ?? null,
      status: u.status ?? 'open',
      home_org_id: u.homeOrgId,
      created_at: new Date().toISOString(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id, uuid };
}

export async function addPosition(db: Db, p: { orgId: number; title: string; jobRole?: string; roles?: RoleCode[]; assignable?: boolean }): Promise<number> {
  const { id } = await db
    .insertInto('positions')
    .values({ org_id: p.orgId, title: p.title, job_role: p.jobRole ?? p.title, roles: (p.roles ?? []).join(','), assignable: p.assignable === false ? 0 : 1 })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

export async function assign(db: Db, userId: number, positionId: number, start = '2020-01-01', end: string | null = null): Promise<number> {
  const { id } = await db
    .insertInto('position_assignments')
    .values({ user_id: userId, position_id: positionId, start_date: start, end_date: end })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

export async function addCard(db: Db, userId: number, c: { status?: 'active' | 'locked' | 'revoked' | 'cancelled'; uuid?: string } = {}): Promise<{ id: number; uuid: string }> {
  const uuid = c.uuid ?? randomUUID();
  const { id } = await db
    .insertInto('cards')
    .values({ uuid, serial: Math.floor(Math.random() * 0x7fffffff), user_id: userId, status: c.status ?? 'active', algorithm: 'rsa2048', created_at: new Date().toISOString() })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id, uuid };
}

/** The workstation key test sessions are bound to, unless a test brings another. */
export const TEST_KEY = WorkstationKey.ephemeral();

/**
 * The headers of a call to `service` made with session `token`, as the agent sends them: the
 * DPoP scheme and a fresh proof from `key` for this method and path, dated by the service's clock.
 * Without a token: the proof alone (opening a session).
 */
export async function proofHeaders(service: RunningService, method: string, path: string, token?: string, key = TEST_KEY): Promise<Record<string, string>> {
  const url = `${service.url}${path.split('?', 1)[0] as string}`;
  const proved = { method, url, now: service.ctx.now() };
  return {
    ...(token !== undefined ? { authorization: `${DPOP_SCHEME} ${token}` } : {}),
    [DPOP_HEADER]: await key.proof(token !== undefined ? { ...proved, token } : proved),
  };
}

/** A live session for `userId` working as `positionId`, as if they had logged in with a card (bound to TEST_KEY). */
export async function sessionFor(db: Db, userId: number, positionId: number, ttlMs = 3_600_000): Promise<string> {
  const card = await db.selectFrom('cards').select('id').where('user_id', '=', userId).where('status', '=', 'active').limit(1).executeTakeFirst();
  const cardId = card?.id ?? (await addCard(db, userId)).id;
  return (await openSession(db, { userId, cardId, positionId, workstationId: 'test-ws', keyThumbprint: TEST_KEY.thumbprint, ttlMs })).token;
}

/** One user holding `roles` through a position at `orgId`, signed in as that position. */
export async function actor(
  db: Db,
  orgId: number,
  roles: RoleCode[],
  name = roles.join('+') || 'Clinician',
): Promise<{ userId: number; uuid: string; positionId: number; token: string }> {
  const user = await addUser(db, { given: 'Test', family: name, homeOrgId: orgId, email: `${name.replace(/\W/g, '').toLowerCase() || 'user'}@nhs.net` });
  const positionId = await addPosition(db, { orgId, title: `${name} position`, roles });
  await assign(db, user.id, positionId);
  return { userId: user.id, uuid: user.uuid, positionId, token: await sessionFor(db, user.id, positionId) };
}

/** The audit log, oldest first. */
export async function auditRows(db: Db): Promise<{ action: string; actor: string | null; subject: string | null; workstation_id: string | null; details: string }[]> {
  return db.selectFrom('audit_log').select(['action', 'actor', 'subject', 'workstation_id', 'details']).orderBy('seq').execute();
}
