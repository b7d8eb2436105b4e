import type { OrganisationSummary } from '../../src-shared/api/service-common.js';
import type { SessionContext } from '../auth/session-store.js';
import { badRequest } from '../service-error.js';
import type { Db } from '../store/database.js';
import { activeAssignment } from './user-scope.js';

// Organisations as the access position pages offer them: a user's own organisations (home and
// those of their active assignments), or those in a session's subtree.

export interface OrgRow extends OrganisationSummary {
  id: number;
  path: string;
}

/** Organisations a session's subtree offers at most: a select, not a directory. */
const MAX_ORGANISATIONS = 500;

const organisations = (db: Db) =>
  db
    .selectFrom('organisations as o')
    .leftJoin('organisations as parent', 'parent.id', 'o.parent_id')
    .select(['o.id as id', 'o.path as path', 'o.code as code', 'o.name as name', 'o.kind as kind', 'parent.code as parentCode']);

export const toOrgSummary = ({ code, name, kind, parentCode }: OrgRow): OrganisationSummary => ({ code, name, kind, parentCode });

/** The user's home organisation first, then those of their active assignments by name. */
export async function userOrganisations(db: Db, userId: number, today: string): Promise<OrgRow[]> {
  const home = await organisations(db).innerJoin('users as u', 'u.home_org_id', 'o.id').where('u.id', '=', userId).execute();
  const held = await organisations(db)
    .where('o.id', 'in', (eb) =>
      eb
        .selectFrom('position_assignments as pa')
        .innerJoin('positions as p', 'p.id', 'pa.position_id')
        .select('p.org_id')
        .where('pa.user_id', '=', userId)
        .where(activeAssignment(today)),
    )
    .orderBy('o.name')
    .orderBy('o.id')
    .execute();
  const homeIds = new Set(home.map((o) => o.id));
  return [...home, ...held.filter((o) => !homeIds.has(o.id))];
}

/** The session's organisation and those below it, in tree order. */
export async function organisationsInScope(db: Db, session: SessionContext): Promise<OrgRow[]> {
  return organisations(db)
    .where('o.path', '>=', session.orgPath)
    .where('o.path', '<', `${session.orgPath}\u{10FFFF}`)
    .orderBy('o.path')
    .limit(MAX_ORGANISATIONS)
    .execute();
}

async function organisationByCode(db: Db, code: string): Promise<OrgRow | undefined> {
  return organisations(db).where('o.code', '=', code.trim().toUpperCase()).executeTakeFirst();
}

/** The organisation `code` names among `offered` (the first when none is named), or a 400. */
export function chooseOrganisation(offered: readonly OrgRow[], code: string | undefined): OrgRow | undefined {
  if (code === undefined) return offered[0];
  const chosen = offered.find((o) => o.code === code.trim().toUpperCase());
  if (!chosen) throw badRequest('The request query is not valid.', [{ path: 'query.organisation', message: 'not one of the organisations offered' }]);
  return chosen;
}

export async function organisationByCodeOr400(db: Db, code: string, path: string): Promise<OrgRow> {
  const org = await organisationByCode(db, code);
  if (!org) throw badRequest('The request is not valid.', [{ path, message: 'no such organisation' }]);
  return org;
}

