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

export interface AssignmentRow extends PositionRow {
  assignment_id: number;
  start_date: string;
  end_date: string | null;
  removed_at: string | null;
}

/** The user's assignments, oldest first: only active ones (current and future) unless `withEnded`. */
export async function readAssignments(db: Db, userId: number, today: string, withEnded: boolean): Promise<AssignmentRow[]> {
  const { rows } = await sql<AssignmentRow>`
    SELECT pa.id AS assignment_id, pa.start_date, pa.end_date, pa.removed_at, ${sql.raw(POSITION_COLUMNS)}
      FROM position_assignments pa JOIN positions p ON p.id = pa.position_id ${sql.raw(POSITION_JOINS)}
     WHERE pa.user_id = ${userId} ${withEnded ? sql`` : sql`AND ${activeAssignment(today)}`}
     ORDER BY pa.start_date, pa.id`.execute(db);
  return rows;
}

export const toProfileAssignment = (a: AssignmentRow): Profile['assignments'][number] => ({
  id: a.assignment_id,
  position: toPositionSummary(a),
  startDate: a.start_date,
  endDate: a.end_date,
});

/** The user's cards, each with the expiry of its latest certificate. */
export async function readCards(db: Db, userId: number): Promise<Profile['cards']> {
  // The latest certificate is the one issued last: a renewal's starts after the one it replaces.
  const cards = await db
    .selectFrom('cards as c')
    .select((eb) => [
      'c.uuid',
      'c.serial',
      'c.status',
      'c.cleared_at',
      eb
        .selectFrom('certificates as cert')
        .select('cert.not_after')
        .whereRef('cert.card_id', '=', 'c.id')
        .orderBy('cert.not_before', 'desc')
        .orderBy('cert.not_after', 'desc')
        .limit(1)
        .as('not_after'),
    ])
    .where('c.user_id', '=', userId)
    .orderBy('c.id')
    .execute();
  return cards.map((c) => ({
    uuid: c.uuid,
    serial: c.serial,
    status: c.cleared_at === null ? c.status : ('cleared' as const),
    certificateNotAfter: c.not_after === null ? null : isoDateTime(c.not_after),
  }));
}

/** The user's authenticators not removed. */
export async function readAuthenticators(db: Db, userId: number): Promise<Profile['authenticators']> {
  const authenticators = await db
    .selectFrom('authenticators')
    .select(['id', 'kind', 'label', 'created_at'])
    .where('user_id', '=', userId)
    .where('removed_at', 'is', null)
    .orderBy('id')
    .execute();
  // A kind this API does not name yet is left out rather than failing the whole profile.
  return authenticators
    .filter((a) => AUTHENTICATOR_KINDS.has(a.kind))
    .map((a) => ({ id: a.id, kind: a.kind as Profile['authenticators'][number]['kind'], label: a.label, createdAt: isoDateTime(a.created_at) }));
}

/**
 * Builds the profile of `user`. Ended and removed assignments are history only RA staff and
 * sponsors may see (view-ended-assignments, in scope of the user's organisations).
 */
export async function buildProfile(db: Db, session: SessionContext, user: UserRow, today: string, orgPaths: readonly string[]): Promise<Profile> {
  const withEnded = mayOnUser(session, 'view-ended-assignments', orgPaths);
  return {
    uuid: user.uuid,
    givenName: user.given_name,
    familyName: user.family_name,
    niNumber: user.ni_number,
    email: user.email,
    mobile: user.mobile,
    status: user.status,
    assignments: (await readAssignments(db, user.id, today, withEnded)).map(toProfileAssignment),
    cards: await readCards(db, user.id),
    authenticators: await readAuthenticators(db, user.id),
  };
}
