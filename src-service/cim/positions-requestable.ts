import type { z } from 'zod';
import type { RequestablePositions } from '../../src-shared/api/cim-positions.js';
import { authorize, inScope } from '../auth/authorize.js';
import type { SessionContext } from '../auth/session-store.js';
import type { ServiceContext } from '../service-context.js';
import { utcDate } from './dates.js';
import { createPositionRequests } from './position-requests.js';
import { organisationPositionDetails } from './positions-detail.js';
import { chooseOrganisation, toOrgSummary, userOrganisations, type OrgRow } from './positions-orgs.js';
import { userByUuidOr404, type UserRow } from './user-lookup.js';
import { authorizeOnUser, userOrgPaths } from './user-scope.js';

// "Add access positions": the open positions of one of the user's organisations, to tick and
// request from a start date. For yourself, any of your organisations; for another user (sponsors
// and RA staff), the user's organisations in your scope.

type Requestable = z.infer<typeof RequestablePositions>;

/** Who the positions are for and the organisations the caller may request at for them. */
async function requestTarget(ctx: ServiceContext, session: SessionContext, uuid: string | undefined): Promise<{ user: UserRow; offered: OrgRow[] }> {
  const today = utcDate(ctx.now());
  const user = uuid === undefined ? await userByUuidOr404(ctx.db, session.userUuid) : await userByUuidOr404(ctx.db, uuid);
  const organisations = await userOrganisations(ctx.db, user.id, today);
  if (user.id === session.userId) {
    authorize(session, 'request-own-positions');
    return { user, offered: organisations };
  }
  // Requesting for someone else is the sponsor's and RA staff's part of assigning positions.
  authorizeOnUser(session, 'assign-position', await userOrgPaths(ctx.db, user.id, today));
  return { user, offered: organisations.filter((o) => inScope(session, o.path)) };
}

/** GET /v1/me/requestable-positions and /v1/users/:uuid/requestable-positions. */
export async function requestablePositions(ctx: ServiceContext, session: SessionContext, uuid: string | undefined, organisation: string | undefined): Promise<Requestable> {
  const { user, offered } = await requestTarget(ctx, session, uuid);
  const chosen = chooseOrganisation(offered, organisation);
  // Closed positions are not offered.
  const positions = chosen ? await organisationPositionDetails(ctx.db, chosen.id, 'open', utcDate(ctx.now())) : [];
  return {
    user: { uuid: user.uuid, name: `${user.given_name} ${user.family_name}` },
    organisations: offered.map(toOrgSummary),
    organisation: chosen ? toOrgSummary(chosen) : null,
    positions: positions.map(({ id, title, jobRole, organisation: org, roles, assignable }) => ({ id, title, jobRole, organisation: org, roles, assignable })),
  };
}

/** POST /v1/users/:uuid/position-requests: only positions at the user's organisations in scope. */
export async function requestPositionsFor(ctx: ServiceContext, session: SessionContext, uuid: string, body: { positionIds: number[]; startDate: string }) {
  const { user, offered } = await requestTarget(ctx, session, uuid);
  const orgIds = new Set(offered.map((o) => o.id));
  return createPositionRequests(ctx, session, { id: user.id, uuid: user.uuid }, body, async (trx, ids) => {
    const rows = await trx.selectFrom('positions').select(['id', 'org_id']).where('id', 'in', ids).execute();
    const orgOf = new Map(rows.map((r) => [r.id, r.org_id]));
    return ids.flatMap((id, i) =>
      orgIds.has(orgOf.get(id) ?? -1) ? [] : [{ path: `body.positionIds.${i}`, message: "the position is not at one of the user's organisations in your scope" }],
    );
  });
}
