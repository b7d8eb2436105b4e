import type { z } from 'zod';
import type { ChangeDetailsResponse } from '../../src-shared/api/service-cim.js';
import type { RoleCode } from '../../src-shared/domain/roles.js';
import { appendAudit } from '../audit/audit-log.js';
import type { SessionContext } from '../auth/session-store.js';
import { conflict, forbidden } from '../service-error.js';
import type { ServiceContext } from '../service-context.js';
import { utcDate } from './dates.js';
import { normaliseName } from './normalise-name.js';
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

export interface DetailChanges {
  givenName?: string;
  familyName?: string;
  niNumber?: string;
  email?: string;
  mobile?: string;
}

type Outcome = z.infer<typeof ChangeDetailsResponse>;

/** The roles that vouch for other people's identities. */
const IDENTITY_ROLES: readonly RoleCode[] = ['RAM', 'RAA(A)', 'RAA', 'IDC'];

const OWN_IDENTITY_REFUSED =
  'Registration authority staff and ID checkers cannot change their own name or National Insurance number. Ask another member of your registration authority to change it.';
const OWN_CONTACT_HERE_REFUSED = 'Change your own email address or mobile number from your profile, where your smartcard approves the change.';

function refuseOwnChanges(session: SessionContext, targetId: number, fields: readonly (keyof DetailChanges)[]): void {
  if (targetId !== session.userId) return;
  if (fields.some((f) => f === 'email' || f === 'mobile')) throw forbidden(OWN_CONTACT_HERE_REFUSED);
  if (session.roles.some((r) => IDENTITY_ROLES.includes(r)) && fields.some((f) => f === 'givenName' || f === 'familyName' || f === 'niNumber')) {
    throw forbidden(OWN_IDENTITY_REFUSED);
  }
}

const COLUMN: Record<keyof DetailChanges, string> = {
  givenName: 'given_name',
  familyName: 'family_name',
  niNumber: 'ni_number',
  email: 'email',
  mobile: 'mobile',
};

export function changeUserDetails(ctx: ServiceContext, session: SessionContext, uuid: string, changes: DetailChanges): Outcome {
  const target = userByUuidOr404(ctx.db, uuid);
  const today = utcDate(ctx.now());
  const grant = authorizeOnUser(session, 'change-user-details', userOrgPaths(ctx.db, target.id, today));
  assertPlainText({ 'body.givenName': changes.givenName, 'body.familyName': changes.familyName });
  const fields = (Object.keys(COLUMN) as (keyof DetailChanges)[]).filter((k) => changes[k] !== undefined);
  refuseOwnChanges(session, target.id, fields);
  const now = ctx.now();

  const outcome = ctx.db
    .transaction((): { requestId: number } | { changed: true } => {
      // One person, one NI number: refused for a request too, as it could never be accepted.
      if (changes.niNumber !== undefined) {
        const holder = ctx.db.prepare('SELECT id FROM users WHERE ni_number = ? AND id != ?').pluck().get(changes.niNumber, target.id);
        if (holder !== undefined) throw conflict('That National Insurance number belongs to another user.');
      }
      const audit = { actor: session.userUuid, subject: target.uuid, workstationId: session.workstationId };
      if (grant === 'by-request') {
        const requestId = Number(
          ctx.db
            .prepare('INSERT INTO detail_change_requests (user_id, changes, requested_by, requested_at) VALUES (?, ?, ?, ?)')
            .run(target.id, JSON.stringify(Object.fromEntries(fields.map((k) => [k, changes[k]]))), session.userId, now.toISOString()).lastInsertRowid,
        );
        appendAudit(ctx.db, { ...audit, action: 'user-details.change-requested', details: { requestId, fields } }, now);
        return { requestId };
      }
      if (grant !== 'direct') throw forbidden('Your role does not allow that.');
      const sets = fields.map((k) => `${COLUMN[k]} = @${k}`);
      // The normalised names move with the names, or searches would find the old name.
      if (changes.givenName !== undefined) sets.push('given_name_norm = @givenNameNorm');
      if (changes.familyName !== undefined) sets.push('family_name_norm = @familyNameNorm');
      if (changes.email !== undefined) sets.push('email_changed_at = CASE WHEN email IS @email THEN email_changed_at ELSE @now END');
      if (changes.mobile !== undefined) sets.push('mobile_changed_at = CASE WHEN mobile IS @mobile THEN mobile_changed_at ELSE @now END');
      ctx.db.prepare(`UPDATE users SET ${sets.join(', ')} WHERE id = @id`).run({
        ...Object.fromEntries(fields.map((k) => [k, changes[k]])),
        givenNameNorm: changes.givenName === undefined ? null : normaliseName(changes.givenName),
        familyNameNorm: changes.familyName === undefined ? null : normaliseName(changes.familyName),
        now: now.getTime(),
        id: target.id,
      });
      appendAudit(ctx.db, { ...audit, action: 'user-details.changed', details: { fields } }, now);
      return { changed: true };
    })
    .immediate();

  if ('requestId' in outcome) return { outcome: 'requested', requestId: outcome.requestId, requestedAt: now.toISOString() };
  const updated = userById(ctx.db, target.id);
  if (!updated) throw new Error('user vanished during a details change');
  return { outcome: 'changed', profile: buildProfile(ctx.db, session, updated, today, userOrgPaths(ctx.db, updated.id, today)) };
}
