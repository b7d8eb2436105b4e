import type { z } from 'zod';
import type { ApproveBody, ApproveResponse } from '../../src-shared/api/apply.js';
import { POSITION_TERM_DAYS } from '../../src-shared/api/service-cim.js';
import { appendAudit } from '../audit/audit-log.js';
import { inScope } from '../auth/authorize.js';
import type { SessionContext } from '../auth/session-store.js';
import { createUserProfile, findDuplicateProfile } from '../cim/create-user.js';
import { addDays, utcDate } from '../cim/dates.js';
import { badRequest, conflict, forbidden } from '../service-error.js';
import type { ServiceContext } from '../service-context.js';
import type { Db } from '../store/database.js';
import { inTransaction } from '../store/transaction.js';
import { closeApplicantAccess } from './applicant-links.js';
import { applicantDetailsOf } from './application-view.js';
import { colleagueByCard, colleaguePositions, decidableApplication, type CheckRow } from './checks.js';
import { actsAsRa } from './tabs.js';

// Approving an application (seed 003): the ID checker has seen the documents. In one step the
// NI number and date of birth are checked again (the applicant may have corrected them since
// submission: a profile for the person now files the application under Duplicates), the profile
// is created as "Create a new user" creates one, the access is assigned, and the applicant's
// links and documents go. The new user then waits in the RA's cards to issue.

type Approved = z.infer<typeof ApproveResponse>;

const COPY_NEEDS_RA = "Only RA staff can approve copying a colleague's access: ask your registration authority to approve this application.";

/**
 * The positions approval assigns: the one requested, still open at the application's
 * organisation; or, for a copy, the colleague's current positions the RA ticked, each in the
 * RA's own subtree.
 */
async function positionsToAssign(trx: Db, session: SessionContext, row: CheckRow, positionIds: number[] | undefined, today: string): Promise<number[]> {
  if (row.access_kind === 'position') {
    if (positionIds !== undefined) throw badRequest('The request body is not valid.', [{ path: 'body.positionIds', message: "positions are chosen only when copying a colleague's access" }]);
    const position = row.position_id === null ? undefined : await trx.selectFrom('positions').select(['id', 'closed', 'org_id']).where('id', '=', row.position_id).executeTakeFirst();
    if (!position || position.closed === 1 || position.org_id !== row.org_id) {
      throw conflict(`The position requested (${row.position_title ?? 'unknown'}) has been closed since the application was made: reject the application and ask the sponsor to apply again.`);
    }
    return [position.id];
  }
  if (positionIds === undefined || positionIds.length === 0) {
    throw badRequest('The request body is not valid.', [{ path: 'body.positionIds', message: "tick at least one of the colleague's positions to copy" }]);
  }
  const colleague = row.colleague_card_number === null ? undefined : await colleagueByCard(trx, row.colleague_card_number);
  if (!colleague) throw conflict(`No smartcard has the number ${row.colleague_card_number ?? ''}: reject the application and ask the sponsor to check the colleague's smartcard number.`);
  const held = new Map((await colleaguePositions(trx, colleague.id, today)).map((p) => [p.id, p]));
  const seen = new Set<number>();
  const problems = positionIds.flatMap((id, i) => {
    const path = `body.positionIds.${i}`;
    if (seen.has(id)) return [{ path, message: 'position listed twice' }];
    seen.add(id);
    const position = held.get(id);
    if (!position) return [{ path, message: `not one of ${colleague.name}'s current positions` }];
    if (!inScope(session, position.orgPath)) return [{ path, message: 'the position is outside your organisation and its child organisations' }];
    return [];
  });
  if (problems.length > 0) throw badRequest("Only the colleague's current positions in your organisation can be copied.", problems);
  return positionIds;
}

/** POST /v1/apply/checks/:reference/approve. */
export async function approveApplication(ctx: ServiceContext, session: SessionContext, reference: string, body: z.infer<typeof ApproveBody>): Promise<Approved> {
  const now = ctx.now();
  const today = utcDate(now);
  return inTransaction(ctx.db, async (trx): Promise<Approved> => {
    const row = await decidableApplication(trx, session, reference);
    if (row.access_kind === 'copy' && !actsAsRa(session)) throw forbidden(COPY_NEEDS_RA);
    const audit = { actor: session.userUuid, subject: row.reference, workstationId: session.workstationId };
    const decided = { decided_by: session.userId, decided_at: now.getTime(), status_changed_at: now.getTime() };

    const existing = await findDuplicateProfile(trx, row.ni_number, row.date_of_birth);
    if (existing) {
      await trx.updateTable('applications').set({ ...decided, status: 'duplicate', duplicate_user_id: existing.id }).where('id', '=', row.id).execute();
      await closeApplicantAccess(trx, row.id, now);
      await appendAudit(trx, { ...audit, action: 'application.duplicate', details: { at: 'approval', existing: existing.uuid } }, now);
      return { outcome: 'duplicate', existing: { uuid: existing.uuid, name: existing.name } };
    }

    const positionIds = await positionsToAssign(trx, session, row, body.positionIds, today);
    const user = await createUserProfile(
      trx,
      { ...applicantDetailsOf(row), homeOrgId: row.org_id },
      session.userId,
      now,
      session.workstationId,
    );
    // The usual term, as when a position is assigned in Care Identity Management.
    const endDate = addDays(today, POSITION_TERM_DAYS) ?? null;
    for (const positionId of positionIds) {
      const { id: assignmentId } = await trx
        .insertInto('position_assignments')
        .values({ user_id: user.id, position_id: positionId, start_date: today, end_date: endDate })
        .returning('id')
        .executeTakeFirstOrThrow();
      await appendAudit(
        trx,
        { ...audit, subject: user.uuid, action: 'position-assignment.created', details: { assignmentId, positionId, startDate: today, endDate, application: row.reference } },
        now,
      );
    }
    await trx.updateTable('applications').set({ ...decided, status: 'approved', created_user_id: user.id }).where('id', '=', row.id).execute();
    await closeApplicantAccess(trx, row.id, now);
    await appendAudit(trx, { ...audit, action: 'application.approved', details: { user: user.uuid, positionIds } }, now);
    return { outcome: 'approved', user: { uuid: user.uuid, name: user.name } };
  });
}
