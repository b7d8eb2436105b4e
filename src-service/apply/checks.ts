import type { z } from 'zod';
import type { CheckDetail, CheckListResponse, DocumentContent, IdentityDocumentKind } from '../../src-shared/api/apply.js';
import { UPLOAD_MIME_TYPES } from '../../src-shared/api/apply.js';
import { appendAudit } from '../audit/audit-log.js';
import { authorize, inScope } from '../auth/authorize.js';
import type { SessionContext } from '../auth/session-store.js';
import { utcDate } from '../cim/dates.js';
import { currentAssignment } from '../cim/position-summary.js';
import { open } from '../crypto/secret-box.js';
import { conflict, notFound } from '../service-error.js';
import type { ServiceContext } from '../service-context.js';
import type { Db } from '../store/database.js';
import { fullName } from '../store/full-name.js';
import { inTransaction } from '../store/transaction.js';
import { documentSealContext } from './applicant-upload.js';
import { toSummary, summaryQuery } from './application-summary.js';
import { detailQuery, toApplicationDetail } from './application-view.js';
import { inSessionSubtree, isReadyForCheck, readyForCheck } from './tabs.js';

// The ID check (seed 003, "Manage the application process"): ID checkers and RA staff see the
// applications whose applicants have finished both steps, in their organisation's subtree, and
// open the identity documents. Sponsors never read the documents: the activity is not theirs.

/** One application as the ID check reads it: the detail the sponsor sees, and what deciding it needs. */
const checkQuery = (db: Db) => detailQuery(db).select(['a.org_id', 'a.created_user_id', 'a.posted_at', 'o.path as org_path']);

export type CheckRow = Awaited<ReturnType<ReturnType<typeof checkQuery>['executeTakeFirstOrThrow']>>;

/** An application the session may check, or 404 in the same words whether it is missing or outside the scope. */
export async function checkableApplication(db: Db, session: SessionContext, reference: string, activity: 'check-applications' | 'issue-smartcard' = 'check-applications'): Promise<CheckRow> {
  authorize(session, activity);
  const row = await checkQuery(db).where('a.reference', '=', reference).executeTakeFirst();
  if (!row || !inScope(session, row.org_path)) throw notFound(`Application ${reference}`);
  return row;
}

const DECIDED: Record<Exclude<CheckRow['status'], 'in-progress'>, string> = {
  approved: 'has already been approved',
  duplicate: 'has already been found to be a duplicate',
  rejected: 'has already been rejected',
  cancelled: 'has been cancelled',
  done: 'has already been marked as done',
};

/**
 * An application the session may approve or reject now: in its scope, undecided, and the
 * applicant has finished both steps. In the caller's transaction, so two checkers cannot both decide.
 */
export async function decidableApplication(trx: Db, session: SessionContext, reference: string): Promise<CheckRow> {
  const row = await checkableApplication(trx, session, reference);
  if (row.status !== 'in-progress') throw conflict(`Application ${row.reference} ${DECIDED[row.status]}.`);
  if (!isReadyForCheck(row)) throw conflict(`Application ${row.reference} is not ready for the ID check: the applicant has not finished both steps yet.`);
  return row;
}

/** GET /v1/apply/checks: ready for the ID check in the session's subtree, the longest waiting first. */
export async function listChecks(ctx: ServiceContext, session: SessionContext): Promise<z.infer<typeof CheckListResponse>> {
  authorize(session, 'check-applications');
  const rows = await summaryQuery(ctx.db)
    .where(readyForCheck('a'))
    .where(inSessionSubtree(session))
    .orderBy('a.identity_submitted_at')
    .orderBy('a.id')
    .execute();
  const now = ctx.now();
  return { applications: rows.map((row) => toSummary(row, session, now)) };
}

/** The colleague whose access is to be copied: found by the number on their smartcard (its serial) or the card's UUID. */
export async function colleagueByCard(db: Db, cardNumber: string) {
  const serial = /^\d{1,15}$/.test(cardNumber) ? Number(cardNumber) : null;
  const card = await db
    .selectFrom('cards as c')
    .innerJoin('users as u', 'u.id', 'c.user_id')
    .select(['u.id', 'u.uuid', fullName('u').as('name')])
    .where((eb) => (serial === null ? eb('c.uuid', '=', cardNumber.toLowerCase()) : eb('c.serial', '=', serial)))
    // The card in use first, when a number was ever printed twice.
    .orderBy((eb) => eb.case().when('c.status', '=', 'active').then(0).else(1).end())
    .orderBy('c.id', 'desc')
    .executeTakeFirst();
  return card;
}

interface ColleaguePosition {
  readonly id: number;
  readonly title: string;
  readonly organisation: string;
  readonly orgPath: string;
}

/** The colleague's current positions that are open: what may be copied. */
export async function colleaguePositions(db: Db, colleagueId: number, today: string): Promise<ColleaguePosition[]> {
  return db
    .selectFrom('position_assignments as a')
    .innerJoin('positions as p', 'p.id', 'a.position_id')
    .innerJoin('organisations as o', 'o.id', 'p.org_id')
    .select(['p.id', 'p.title', 'o.name as organisation', 'o.path as orgPath'])
    .distinct()
    .where('a.user_id', '=', colleagueId)
    .where(currentAssignment(today))
    .where('p.closed', '=', 0)
    .orderBy('p.id')
    .execute();
}

/** The colleague named on a copy application, with the positions the session may copy (in its subtree). */
async function colleagueOf(db: Db, session: SessionContext, row: CheckRow, today: string) {
  if (row.access_kind !== 'copy' || row.colleague_card_number === null) return null;
  const colleague = await colleagueByCard(db, row.colleague_card_number);
  if (!colleague) return null;
  const positions = (await colleaguePositions(db, colleague.id, today)).filter((p) => inScope(session, p.orgPath));
  return { id: colleague.id, uuid: colleague.uuid, name: colleague.name, positions };
}

/** GET /v1/apply/checks/:reference: the application, its documents listed (not their content), the colleague to copy. */
export async function checkDetail(ctx: ServiceContext, session: SessionContext, reference: string): Promise<z.infer<typeof CheckDetail>> {
  const row = await checkableApplication(ctx.db, session, reference);
  const now = ctx.now();
  const documents = await ctx.db
    .selectFrom('application_documents')
    .select(['id', 'kind', 'mime', 'size_bytes', 'uploaded_at'])
    .where('application_id', '=', row.id)
    .orderBy('id')
    .execute();
  const colleague = await colleagueOf(ctx.db, session, row, utcDate(now));
  return {
    application: toApplicationDetail(row, session, now),
    documents: documents.map((d) => ({
      id: d.id,
      kind: d.kind as IdentityDocumentKind,
      mime: d.mime as (typeof UPLOAD_MIME_TYPES)[number],
      sizeBytes: d.size_bytes,
      uploadedAt: new Date(d.uploaded_at).toISOString(),
    })),
    colleague: colleague && { uuid: colleague.uuid, name: colleague.name, positions: colleague.positions.map(({ id, title, organisation }) => ({ id, title, organisation })) },
  };
}

/** GET /v1/apply/checks/:reference/documents/:documentId: the image, opened for the checker; who looked is audited. */
export async function checkDocument(ctx: ServiceContext, session: SessionContext, reference: string, documentId: number): Promise<z.infer<typeof DocumentContent>> {
  const row = await checkableApplication(ctx.db, session, reference);
  const now = ctx.now();
  return inTransaction(ctx.db, async (trx) => {
    const doc = await trx
      .selectFrom('application_documents')
      .select(['id', 'kind', 'mime', 'sealed'])
      .where('id', '=', documentId)
      .where('application_id', '=', row.id)
      .executeTakeFirst();
    if (!doc) throw notFound('That document');
    const bytes = open(ctx.dataKey, doc.sealed, documentSealContext(row.id, doc.kind as IdentityDocumentKind));
    await appendAudit(
      trx,
      { action: 'application.document-viewed', actor: session.userUuid, subject: row.reference, workstationId: session.workstationId, details: { documentId: doc.id, kind: doc.kind } },
      now,
    );
    return { mime: doc.mime as (typeof UPLOAD_MIME_TYPES)[number], base64: bytes.toString('base64') };
  });
}
