import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkstationKey } from '../../src-main/service-client/workstation-key.js';
import { DPOP_HEADER, DPOP_SCHEME } from '../../src-shared/api/service-login.js';
import type { RoleCode } from '../../src-shared/domain/roles.js';
import { openSession } from '../../src-service/auth/session-store.js';
import type { RunningService } from '../../src-service/start-service.js';
import type { Db } from '../../src-service/store/database.js';

// Small, explicit directories for service tests: organisations, users, positions, assignments,
// cards and sessions written straight into a real SQLite file, so a test reads like its scenario.

export function tempDbFile(prefix = 'cis-'): string {
  return join(mkdtempSync(join(tmpdir(), prefix)), 'service.sqlite');
}

const norm = (s: string): string => s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();

export function addOrg(db: Db, o: { code: string; name: string; kind?: string; parentId?: number | null }): { id: number; path: string } {
  const parentPath = o.parentId ? (db.prepare('SELECT path FROM organisations WHERE id = ?').pluck().get(o.parentId) as string) : '/';
  const info = db
    .prepare('INSERT INTO organisations (code, name, name_norm, kind, parent_id, path) VALUES (?, ?, ?, ?, ?, ?)')
    .run(o.code, o.name, norm(o.name), o.kind ?? 'trust', o.parentId ?? null, 'pending');
  const id = Number(info.lastInsertRowid);
  const path = `${parentPath}${id}/`;
  db.prepare('UPDATE organisations SET path = ? WHERE id = ?').run(path, id);
  return { id, path };
}

export function addUser(
  db: Db,
  u: { given: string; family: string; homeOrgId: number; ni?: string | null; email?: string | null; mobile?: string | null; status?: 'open' | 'closed' },
): { id: number; uuid: string } {
  const uuid = randomUUID();
  const info = db
    .prepare(
      `INSERT INTO users (uuid, given_name, family_name, family_name_norm, given_name_norm, ni_number, email, mobile, status, home_org_id, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(uuid, u.given, u.family, norm(u.family), norm(u.given), u.ni ?? null, u.email ?? null, u.mobile ?? null, u.status ?? 'open', u.homeOrgId, new Date().toISOString());
  return { id: Number(info.lastInsertRowid), uuid };
}

export function addPosition(db: Db, p: { orgId: number; title: string; jobRole?: string; roles?: RoleCode[]; assignable?: boolean }): number {
  const info = db
    .prepare('INSERT INTO positions (org_id, title, job_role, roles, assignable) VALUES (?, ?, ?, ?, ?)')
    .run(p.orgId, p.title, p.jobRole ?? p.title, (p.roles ?? []).join(','), p.assignable === false ? 0 : 1);
  return Number(info.lastInsertRowid);
}

export function assign(db: Db, userId: number, positionId: number, start = '2020-01-01', end: string | null = null): number {
  const info = db.prepare('INSERT INTO position_assignments (user_id, position_id, start_date, end_date) VALUES (?, ?, ?, ?)').run(userId, positionId, start, end);
  return Number(info.lastInsertRowid);
}

export function addCard(db: Db, userId: number, c: { status?: 'active' | 'locked' | 'revoked' | 'cancelled'; uuid?: string } = {}): { id: number; uuid: string } {
  const uuid = c.uuid ?? randomUUID();
  const info = db
    .prepare("INSERT INTO cards (uuid, serial, user_id, status, algorithm, created_at) VALUES (?, ?, ?, ?, 'rsa2048', ?)")
    .run(uuid, Math.floor(Math.random() * 0x7fffffff), userId, c.status ?? 'active', new Date().toISOString());
  return { id: Number(info.lastInsertRowid), uuid };
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
export function sessionFor(db: Db, userId: number, positionId: number, ttlMs = 3_600_000): string {
  const cardId =
    (db.prepare("SELECT id FROM cards WHERE user_id = ? AND status = 'active' LIMIT 1").pluck().get(userId) as number | undefined) ?? addCard(db, userId).id;
  return openSession(db, { userId, cardId, positionId, workstationId: 'test-ws', keyThumbprint: TEST_KEY.thumbprint, ttlMs }).token;
}

/** One user holding `roles` through a position at `orgId`, signed in as that position. */
export function actor(db: Db, orgId: number, roles: RoleCode[], name = roles.join('+') || 'Clinician'): { userId: number; uuid: string; positionId: number; token: string } {
  const user = addUser(db, { given: 'Test', family: name, homeOrgId: orgId, email: `${name.replace(/\W/g, '').toLowerCase() || 'user'}@nhs.net` });
  const positionId = addPosition(db, { orgId, title: `${name} position`, roles });
  assign(db, user.id, positionId);
  return { userId: user.id, uuid: user.uuid, positionId, token: sessionFor(db, user.id, positionId) };
}

/** The audit log, oldest first. */
export function auditRows(db: Db): { action: string; actor: string | null; subject: string | null; workstation_id: string | null; details: string }[] {
  return db.prepare('SELECT action, actor, subject, workstation_id, details FROM audit_log ORDER BY seq').all() as {
    action: string;
    actor: string | null;
    subject: string | null;
    workstation_id: string | null;
    details: string;
  }[];
}
