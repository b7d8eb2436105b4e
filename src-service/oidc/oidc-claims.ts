import type { Account, FindAccount } from 'oidc-provider';
import { RoleCode } from '../../src-shared/domain/roles.js';
import { utcDate } from '../cim/dates.js';
import { currentAssignment } from '../cim/position-summary.js';
import type { ServiceContext } from '../service-context.js';

// What an app is told about who signed in. Scopes and their claims:
//   openid   sub (the user's UUID), plus acr, amr, auth_time and sid in the ID token
//   profile  name, given_name, family_name
//   care     organisation { code, name } and position { id, name } the session acts for (a
//            smartcard sign-in: the position chosen at the workstation; otherwise the user's
//            first current assignment), ra_roles (the position's registration authority roles)

export const OIDC_SCOPES = ['openid', 'profile', 'care'] as const;
export const OIDC_CLAIMS = {
  auth_time: null,
  sid: null,
  iss: null,
  // acr and amr with the openid scope: every app is told the assurance, asked for or not.
  openid: ['sub', 'acr', 'amr'],
  profile: ['name', 'given_name', 'family_name'],
  care: ['organisation', 'position', 'ra_roles'],
};

const RA_ROLES = new Set<string>(['RAM', 'RAA(A)', 'RAA']);

interface PositionClaims {
  organisation: { code: string; name: string };
  position: { id: number; name: string };
  ra_roles: string[];
}

async function positionClaims(ctx: ServiceContext, userId: number, sessionUid: string | undefined): Promise<PositionClaims | undefined> {
  const base = ctx.db
    .selectFrom('positions as p')
    .innerJoin('organisations as o', 'o.id', 'p.org_id')
    .select(['p.id as id', 'p.title as title', 'p.roles as roles', 'o.code as orgCode', 'o.name as orgName']);
  // The workstation session the sign-in came through names the position chosen there.
  const viaCard = sessionUid
    ? await base
        .innerJoin('sessions as s', 's.position_id', 'p.id')
        .innerJoin('oidc_sign_ins as si', 'si.agent_session_id', 's.id')
        .where('si.oidc_session_uid', '=', sessionUid)
        .orderBy('si.signed_in_at', 'desc')
        .executeTakeFirst()
    : undefined;
  const row =
    viaCard ??
    (await base
      .innerJoin('position_assignments as a', 'a.position_id', 'p.id')
      .where('a.user_id', '=', userId)
      .where(currentAssignment(utcDate(ctx.now())))
      .orderBy('a.start_date')
      .orderBy('p.id')
      .executeTakeFirst());
  if (!row) return undefined;
  return {
    organisation: { code: row.orgCode, name: row.orgName },
    position: { id: row.id, name: row.title },
    ra_roles: row.roles ? row.roles.split(',').filter((r) => RA_ROLES.has(r) && RoleCode.safeParse(r).success) : [],
  };
}

/** The provider's findAccount: the account is the user whose UUID is the subject, while their profile is open. */
export function findAccount(ctx: ServiceContext): FindAccount {
  return async (_kctx, sub, token): Promise<Account | undefined> => {
    const user = await ctx.db.selectFrom('users').select(['id', 'given_name', 'family_name', 'status']).where('uuid', '=', sub).executeTakeFirst();
    if (!user || user.status !== 'open') return undefined;
    const sessionUid = token && 'sessionUid' in token && typeof token.sessionUid === 'string' ? token.sessionUid : undefined;
    return {
      accountId: sub,
      claims: async () => ({
        sub,
        name: `${user.given_name} ${user.family_name}`,
        given_name: user.given_name,
        family_name: user.family_name,
        ...(await positionClaims(ctx, user.id, sessionUid)),
      }),
    };
  };
}
