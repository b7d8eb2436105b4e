import type { z } from 'zod';
import type { ChangeDetailsResponse } from '../../src-shared/api/service-cim.js';
import type { RoleCode } from '../../src-shared/domain/roles.js';
import { appendAudit } from '../audit/audit-log.js';
import type { SessionContext } from '../auth/session-store.js';
import { badRequest, conflict, forbidden } from '../service-error.js';
import type { ServiceContext } from '../service-context.js';
import { inTransaction } from '../store/transaction.js';
import { applyDetailChanges, niNumberHeldByOther, type DetailChanges } from './apply-detail-changes.js';
import { utcDate } from './dates.js';
import { buildProfile } from './profile.js';
import { assertPlainText } from './text-rules.js';
import { userById, userByUuidOr404 } from './user-lookup.js';
import { authorizeOnUser, userOrgPaths } from './user-scope.js';

// PATCH /v1/users/:uuid/details: RA staff and ID checkers change another user's personal or
// contact details directly; a sponsor's change is stored as a request for RA staff to accept
// (the * of seed 004) and the user is left as they were.
//
// Not on one's own profile: RA staff and ID checkers do not change their own name or NI number
// (the people who vouch for identities do not edit their own), and one's own email or mobile
// changes only through PUT /v1/me/contact, which the card must approve. A changed email or
// mobile gets its change time, so no unlock codes go to it for a day (unlock/contact-channels.ts).

type Outcome = z.infer<typeof ChangeDetailsResponse>;

/** The roles that vouch for other people's identities. */
const IDENTITY_ROLES: readonly RoleCode[] = ['RAM', 'RAA(A)', 'RAA', 'IDC'];

const OWN_IDENTITY_REFUSED =
  'Registration authority staff and ID checkers cannot change their own name, date of birth or National Insurance number. Ask another member of your registration authority to change it.';
const OWN_CONTACT_HERE_REFUSED = 'Change your own email address or mobile number from your profile, where your smartcard approves the change.';

function refuseOwnChanges(session: SessionContext, targetId: number, fields: readonly (keyof DetailChanges)[]): void {
  if (targetId !== session.userId) return;
  if (fields.some((f) => f === 'email' || f === 'mobile')) throw forbidden(OWN_CONTACT_HERE_REFUSED);
  if (session.roles.some((r) => IDENTITY_ROLES.includes(r)) && fields.some((f) => f === 'givenName' || f === 'familyName' || f === 'niNumber' || f === 'dateOfBirth')) {
    throw forbidden(OWN_IDENTITY_REFUSED);
  }
}

export async function changeUserDetails(ctx: ServiceContext, session: SessionContext, uuid: string, changes: DetailChanges): Promise<Outcome> {
  const target = await userByUuidOr404(ctx.db, uuid);
  const today = utcDate(ctx.now());
  const grant = authorizeOnUser(session, 'change-user-details', await userOrgPaths(ctx.db, target.id, today));
  assertPlainText({ 'body.givenName': changes.givenName, 'body.familyName': changes.familyName });
  const fields = (['givenName', 'familyName', 'niNumber', 'dateOfBirth', 'email', 'mobile'] as const).filter((k) => changes[k] !== undefined);
  refuseOwnChanges(session, target.id, fields);
  const now = ctx.now();
  // ISO dates compare correctly as strings.
  if (changes.dateOfBirth !== undefined && changes.dateOfBirth > today) {
    throw badRequest('The request body is not valid.', [{ path: 'body.dateOfBirth', message: 'the date of birth must be today or in the past' }]);
  }

  const outcome = await inTransaction(ctx.db, async (trx): Promise<{ requestId: number } | { changed: true }> => {
    // One person, one NI number: refused for a request too, as it could never be accepted.
    if (changes.niNumber !== undefined) {
      if (await niNumberHeldByOther(trx, changes.niNumber, target.id)) throw conflict('That National Insurance number belongs to another user.');
    }
    const audit = { actor: session.userUuid, subject: target.uuid, workstationId: session.workstationId };
    if (grant === 'by-request') {
      const { id: requestId } = await trx
        .insertInto('detail_change_requests')
        .values({
          user_id: target.id,
          changes: JSON.stringify(Object.fromEntries(fields.map((k) => [k, changes[k]]))),
          requested_by: session.userId,
          requested_at: now.toISOString(),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await appendAudit(trx, { ...audit, action: 'user-details.change-requested', details: { requestId, fields } }, now);
      return { requestId };
    }
    if (grant !== 'direct') throw forbidden('Your role does not allow that.');
    await applyDetailChanges(trx, target.id, changes, now.getTime());
    await appendAudit(trx, { ...audit, action: 'user-details.changed', details: { fields } }, now);
    return { changed: true };
  });

  if ('requestId' in outcome) return { outcome: 'requested', requestId: outcome.requestId, requestedAt: now.toISOString() };
  const updated = await userById(ctx.db, target.id);
  if (!updated) throw new Error('user vanished during a details change');
  return { outcome: 'changed', profile: await buildProfile(ctx.db, session, updated, today, await userOrgPaths(ctx.db, updated.id, today)) };
}
