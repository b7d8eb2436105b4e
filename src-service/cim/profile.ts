import { ProfileAuthenticator, type Profile } from '../../src-shared/api/service-cim.js';
import type { SessionContext } from '../auth/session-store.js';
import type { Db } from '../store/database.js';
import { isoDateTime } from './dates.js';
import { POSITION_COLUMNS, POSITION_JOINS, toPositionSummary, type PositionRow } from './position-summary.js';
import { ACTIVE_ASSIGNMENT, mayOnUser } from './user-scope.js';
import type { UserRow } from './user-lookup.js';

// A user's profile as one session may see it: details, assignments, cards (with the expiry of
// their latest certificate) and authenticators. Card secrets never leave the store.

const AUTHENTICATOR_KINDS = new Set<string>(ProfileAuthenticator.shape.kind.options);

/**
 * Builds the profile of `user`. Ended and removed assignments are history only RA staff and
 * sponsors may see (view-ended-assignments, in scope of the user's organisations).
 */
export function buildProfile(db: Db, session: SessionContext, user: UserRow, today: string, orgPaths: readonly string[]): Profile {
  const withEnded = mayOnUser(session, 'view-ended-assignments', orgPaths);
  const assignments = db
    .prepare(
      `SELECT pa.id AS assignment_id, pa.start_date, pa.end_date, ${POSITION_COLUMNS}
         FROM position_assignments pa JOIN positions p ON p.id = pa.position_id ${POSITION_JOINS}
        WHERE pa.user_id = @userId ${withEnded ? '' : `AND ${ACTIVE_ASSIGNMENT}`}
        ORDER BY pa.start_date, pa.id`,
    )
    .all({ userId: user.id, today }) as (PositionRow & { assignment_id: number; start_date: string; end_date: string | null })[];

  const cards = db
    .prepare(
      `SELECT c.uuid, c.serial, c.status,
              (SELECT cert.not_after FROM certificates cert WHERE cert.card_id = c.id ORDER BY cert.rowid DESC LIMIT 1) AS not_after
         FROM cards c WHERE c.user_id = ? ORDER BY c.id`,
    )
    .all(user.id) as { uuid: string; serial: number; status: Profile['cards'][number]['status']; not_after: string | null }[];

  const authenticators = db
    .prepare('SELECT id, kind, label, created_at FROM authenticators WHERE user_id = ? AND removed_at IS NULL ORDER BY id')
    .all(user.id) as { id: number; kind: string; label: string; created_at: string }[];

  return {
    uuid: user.uuid,
    givenName: user.given_name,
    familyName: user.family_name,
    niNumber: user.ni_number,
    email: user.email,
    mobile: user.mobile,
    status: user.status,
    assignments: assignments.map((a) => ({
      id: a.assignment_id,
      position: toPositionSummary(a),
      startDate: a.start_date,
      endDate: a.end_date,
    })),
    cards: cards.map((c) => ({
      uuid: c.uuid,
      serial: c.serial,
      status: c.status,
      certificateNotAfter: c.not_after === null ? null : isoDateTime(c.not_after),
    })),
    // A kind this API does not name yet is left out rather than failing the whole profile.
    authenticators: authenticators
      .filter((a) => AUTHENTICATOR_KINDS.has(a.kind))
      .map((a) => ({ id: a.id, kind: a.kind as Profile['authenticators'][number]['kind'], label: a.label, createdAt: isoDateTime(a.created_at) })),
  };
}
