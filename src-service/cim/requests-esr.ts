import { sql, type SqlBool } from 'kysely';
import type { EsrRecord, RequestStatus, WaitingRequest } from '../../src-shared/api/cim-requests.js';
import { appendAudit } from '../audit/audit-log.js';
import type { SessionContext } from '../auth/session-store.js';
import { conflict } from '../service-error.js';
import type { ServiceContext } from '../service-context.js';
import type { Db } from '../store/database.js';
import { fullName } from '../store/full-name.js';
import { inTransaction } from '../store/transaction.js';
import { applyDetailChanges, niNumberHeldByOther } from './apply-detail-changes.js';
import { createUserProfile } from './create-user.js';
import { isoDateTime, utcDate } from './dates.js';
import { authorizeDecision, CHANGED_FIELDS, checkReason, FIELD_LABELS, foundOr404, markDecided, OWN_REQUEST } from './requests-decision.js';
import { orgUnderSession, userUnderSession } from './requests-scope.js';

// ESR create-user and modify-user requests, once imported (requests-esr-import.ts). RA staff and
// sponsors (the matrix: "manage requests (incl. accept/reject create/modify user requests from
// ESR) | RAM, RAA(A), RAA, S") accept or reject them. Scope: a create's organisation, a modify's
// user. Accepting a create makes the profile (createUserProfile), unless someone already has the
// NI number: then the existing profile is shown and the request can only be rejected. Accepting a modify changes the
// fields it names.

const DUPLICATE = 'A profile with this National Insurance number already exists: reject the request.';

function query(db: Db, session: SessionContext, today: string) {
  return db
    .selectFrom('esr_requests as r')
    .leftJoin('organisations as o', 'o.id', 'r.org_id')
    .leftJoin('users as u', 'u.id', 'r.user_id')
    .leftJoin('organisations as uo', 'uo.id', 'u.home_org_id')
    .leftJoin('users as q', 'q.id', 'r.imported_by')
    .where(sql<SqlBool>`((r.kind = 'create' AND ${orgUnderSession(session, 'o.path')}) OR (r.kind = 'modify' AND ${userUnderSession(session, 'r.user_id', today)}))`);
}

async function rows(db: Db, session: SessionContext, today: string, filter: { status?: RequestStatus; id?: number }, limit: number) {
  let q = query(db, session, today)
    // A pending create for someone who already has a profile: that profile.
    .leftJoin('users as e', (join) => join.onRef('e.ni_number', '=', 'r.ni_number').on('r.status', '=', 'pending'));
  if (filter.status !== undefined) q = q.where('r.status', '=', filter.status);
  if (filter.id !== undefined) q = q.where('r.id', '=', filter.id);
  return q
    .select([
      'r.id',
      'r.esr_id',
      'r.kind',
      'r.user_id',
      'r.record',
      'r.status',
      'r.imported_at',
      'r.decision_reason',
      'o.name as org_name',
      'uo.name as user_org_name',
      'u.uuid as user_uuid',
      'u.given_name',
      'u.family_name',
      'u.ni_number',
      'u.date_of_birth',
      'u.email',
      'u.mobile',
      'e.uuid as existing_uuid',
    ])
    .select([fullName('u').as('user_name'), fullName('q').as('importer_name'), fullName('e').as('existing_name')])
    .orderBy('r.imported_at')
    .orderBy('r.id')
    .limit(limit)
    .execute();
}
type Row = Awaited<ReturnType<typeof rows>>[number];

const recordOf = (row: { record: string }): EsrRecord => JSON.parse(row.record) as EsrRecord;

function createDetails(record: Extract<EsrRecord, { kind: 'create' }>, orgName: string | null): { label: string; value: string }[] {
  return [
    { label: 'Given name', value: record.givenName },
    { label: 'Family name', value: record.familyName },
    { label: 'Date of birth', value: record.dateOfBirth },
    { label: 'National Insurance number', value: record.niNumber },
    { label: 'Email address', value: record.email ?? '(none)' },
    { label: 'Mobile number', value: record.mobile ?? '(none)' },
    { label: 'Organisation', value: `${orgName ?? ''} (${record.odsCode.toUpperCase()})` },
    { label: 'Position', value: record.positionTitle ?? '(none)' },
  ];
}

function modifyDetails(record: Extract<EsrRecord, { kind: 'modify' }>, row: Row): { label: string; value: string }[] {
  const current = { givenName: row.given_name, familyName: row.family_name, niNumber: row.ni_number, dateOfBirth: row.date_of_birth, email: row.email, mobile: row.mobile };
  return CHANGED_FIELDS.filter((f) => record[f] !== undefined).map((f) => ({ label: FIELD_LABELS[f], value: `${current[f] ?? '(none)'} to ${record[f] ?? ''}` }));
}

function whyNotEsr(session: SessionContext, row: { status: RequestStatus; kind: 'create' | 'modify'; user_id: number | null }, existing: boolean): string | null {
  if (row.status !== 'pending') return 'This request has been decided.';
  if (row.kind === 'modify' && row.user_id === session.userId) return OWN_REQUEST;
  if (row.kind === 'create' && existing) return DUPLICATE;
  return null;
}

function toView(session: SessionContext, row: Row): WaitingRequest {
  const record = recordOf(row);
  const user = row.user_uuid !== null && row.user_name !== null ? { uuid: row.user_uuid, name: row.user_name } : null;
  const existingProfile = row.existing_uuid !== null && row.existing_name !== null ? { uuid: row.existing_uuid, name: row.existing_name } : null;
  const whyNot = whyNotEsr(session, row, existingProfile !== null);
  const changed = record.kind === 'modify' ? CHANGED_FIELDS.filter((f) => record[f] !== undefined).map((f) => FIELD_LABELS[f].toLowerCase()) : [];
  return {
    kind: 'esr',
    id: row.id,
    status: row.status,
    user,
    subjectName: record.kind === 'create' ? `${record.givenName} ${record.familyName}` : (user?.name ?? ''),
    organisation: record.kind === 'create' ? row.org_name : row.user_org_name,
    summary: record.kind === 'create' ? 'ESR: create a user profile' : `ESR: change ${changed.join(', ')}`,
    details: [{ label: 'ESR id', value: row.esr_id }, ...(record.kind === 'create' ? createDetails(record, row.org_name) : modifyDetails(record, row))],
    requestedAt: isoDateTime(row.imported_at),
    requestedBy: row.importer_name ?? 'ESR feed',
    reason: row.decision_reason,
    existingProfile,
    mayDecide: whyNot === null,
    whyNot,
  };
}

export async function listEsrRequests(db: Db, session: SessionContext, today: string, status: RequestStatus, limit: number): Promise<WaitingRequest[]> {
  return (await rows(db, session, today, { status }, limit)).map((row) => toView(session, row));
}

export async function countEsrRequests(db: Db, session: SessionContext, today: string, status: RequestStatus): Promise<number> {
  const row = await query(db, session, today)
    .where('r.status', '=', status)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function esrRequest(db: Db, session: SessionContext, today: string, id: number): Promise<WaitingRequest | undefined> {
  const [row] = await rows(db, session, today, { id }, 1);
  return row && toView(session, row);
}

async function stored(trx: Db, id: number) {
  const row = await trx
    .selectFrom('esr_requests as r')
    .leftJoin('organisations as o', 'o.id', 'r.org_id')
    .leftJoin('users as u', 'u.id', 'r.user_id')
    .select(['r.esr_id', 'r.kind', 'r.org_id', 'r.user_id', 'r.record', 'r.status', 'o.path as org_path', 'u.uuid as user_uuid'])
    .where('r.id', '=', id)
    .executeTakeFirst();
  return foundOr404(row, 'That ESR request');
}
type Stored = Awaited<ReturnType<typeof stored>>;

/** Scope (the create's organisation, the modify's user), own profile, still pending. */
async function authorizeEsr(trx: Db, session: SessionContext, row: Stored, now: Date): Promise<void> {
  const whyNot = row.kind === 'modify' && row.user_id === session.userId ? OWN_REQUEST : null;
  const request = row.kind === 'modify' && row.user_id !== null ? { userId: row.user_id, status: row.status } : { orgPath: row.org_path, status: row.status };
  await authorizeDecision(trx, session, request, whyNot, now);
}

async function decided(ctx: ServiceContext, session: SessionContext, id: number): Promise<WaitingRequest> {
  const view = await esrRequest(ctx.db, session, utcDate(ctx.now()), id);
  if (!view) throw new Error('a decided request left the scope it was decided in');
  return view;
}

/** POST /v1/esr-requests/:id/accept: a create makes the profile; a modify changes the fields it names. */
export async function acceptEsrRequest(ctx: ServiceContext, session: SessionContext, id: number): Promise<WaitingRequest> {
  const now = ctx.now();
  await inTransaction(ctx.db, async (trx) => {
    const row = await stored(trx, id);
    await authorizeEsr(trx, session, row, now);
    const record = recordOf(row);
    let subject: string;
    if (record.kind === 'create') {
      if (row.org_id === null) throw new Error('an ESR create request without its organisation');
      // A profile for this person already (or their NI number on someone else's): a 409 naming it.
      const { givenName, familyName, dateOfBirth, niNumber } = record;
      const fields = { givenName, familyName, dateOfBirth, niNumber, email: record.email ?? null, mobile: record.mobile ?? null, homeOrgId: row.org_id };
      const created = await createUserProfile(trx, fields, session.userId, now, session.workstationId);
      await trx.updateTable('esr_requests').set({ user_id: created.id }).where('id', '=', id).execute();
      subject = created.uuid;
    } else {
      if (row.user_id === null || row.user_uuid === null) throw new Error('an ESR modify request without its user');
      if (record.niNumber !== undefined && (await niNumberHeldByOther(trx, record.niNumber, row.user_id))) {
        throw conflict('That National Insurance number now belongs to another user: reject the request.');
      }
      await applyDetailChanges(trx, row.user_id, record, now.getTime());
      subject = row.user_uuid;
    }
    await markDecided(trx, 'esr_requests', id, session, 'accepted', null, now);
    await appendAudit(
      trx,
      { action: 'esr-request.accepted', actor: session.userUuid, subject, workstationId: session.workstationId, details: { requestId: id, esrId: row.esr_id, kind: row.kind } },
      now,
    );
  });
  return decided(ctx, session, id);
}

/** POST /v1/esr-requests/:id/reject: nothing is created or changed; the reason is kept and shown. */
export async function rejectEsrRequest(ctx: ServiceContext, session: SessionContext, id: number, reason: string): Promise<WaitingRequest> {
  checkReason(reason);
  const now = ctx.now();
  await inTransaction(ctx.db, async (trx) => {
    const row = await stored(trx, id);
    await authorizeEsr(trx, session, row, now);
    await markDecided(trx, 'esr_requests', id, session, 'rejected', reason, now);
    await appendAudit(
      trx,
      { action: 'esr-request.rejected', actor: session.userUuid, subject: row.user_uuid, workstationId: session.workstationId, details: { requestId: id, esrId: row.esr_id, reason } },
      now,
    );
  });
  return decided(ctx, session, id);
}
