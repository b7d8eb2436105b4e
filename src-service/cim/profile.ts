import { sql } from 'kysely';
import { ProfileAuthenticator, type Profile } from '../../src-shared/api/service-cim.js';
import type { SessionContext } from '../auth/session-store.js';
import type { Db } from '../store/database.js';
import { isoDateTime } from './dates.js';
import { POSITION_COLUMNS, POSITION_JOINS, toPositionSummary, type PositionRow } from './position-summary.js';
import { activeAssignment, mayOnUser } from './user-scope.js';
import type { UserRow } from './user-lookup.js';

// A user's profile as one session may see it: details, assignments, cards (with the expiry of
// their latest certificate) and authenticators. Card secrets never leave the store.

const AUTHENTICATOR_KINDS = new Set<string>(ProfileAuthenticator.shape.kind.options);

/**
 * Builds the profile of `user`. Ended and removed assignments are history only RA staff and
 * sponsors may see (view-ended-assignments, in scope of the user's organisations).
 */
export async function buildProfile(db: Db, session: SessionContext, user: UserRow, today: string, orgPaths: readonly string[]): Promise<Profile> {
  const withEnded = mayOnUser(session, 'view-ended-assignments', orgPaths);
  const { rows: assignments } = await sql<PositionRow & { assignment_id: number; start_date: string; end_date: string | null }>`
    SELECT pa.id AS assignment_id, pa.start_date, pa.end_date, ${sql.raw(POSITION_COLUMNS)}
      FROM position_assignments pa JOIN positions p ON p.id = pa.position_id ${sql.raw(POSITION_JOINS)}
     WHERE pa.user_id = ${user.id} ${withEnded ? sql`` : sql`AND ${activeAssignment(today)}`}
     ORDER BY pa.start_date, pa.id`.execute(db);

  // The latest certificate is the one issued last: a renewal's starts after the one it replaces.
  const cards = await db
    .selectFrom('cards as c')
    .select((eb) => [
      'c.uuid',
      'c.serial',
      'c.status',
      eb
        .selectFrom('certificates as cert')
        .select('cert.not_after')
        .whereRef('cert.card_id', '=', 'c.id')
        .orderBy('cert.not_before', 'desc')
        .orderBy('cert.not_after', 'desc')
        .limit(1)
        .as('not_after'),
    ])
    .where('c.user_id', '=', user.id)
    .orderBy('c.id')
    .execute();

  const authenticators = await db
    .selectFrom('authenticators')
    .select(['id', 'kind', 'label', 'created_at'])
    .where('user_id', '=', user.id)
    .where('removed_at', 'is', null)
    .orderBy('id')
    .execute();

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
