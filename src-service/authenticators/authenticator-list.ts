import type { UserAuthenticators } from '../../src-shared/api/cim-authenticators.js';
import { AUTHENTICATOR_KINDS, type AuthenticatorKind } from '../../src-shared/api/oidc.js';
import { authorize } from '../auth/authorize.js';
import type { SessionContext } from '../auth/session-store.js';
import { isoDateTime } from '../cim/dates.js';
import { userInScope } from '../cim/user-scope.js';
import { outOfScope } from '../service-error.js';
import type { ServiceContext } from '../service-context.js';
import { fullName } from '../store/full-name.js';
import { issuableKinds, mayManage } from './authenticator-rights.js';
import { holderOf } from './authenticator-target.js';

// GET /v1/users/:uuid/authenticators: what the profile's Authenticators tab lists, for the user
// themself and for viewers whose scope holds the user (as the rest of the full profile), with
// what the viewer may add and remove there.

const KNOWN_KINDS: ReadonlySet<string> = new Set(AUTHENTICATOR_KINDS);

export async function listAuthenticators(ctx: ServiceContext, session: SessionContext, uuid: string): Promise<UserAuthenticators> {
  authorize(session, 'view-profile');
  const holder = await holderOf(ctx.db, session, uuid, ctx.now());
  if (!holder.own && !userInScope(session, holder.orgPaths)) throw outOfScope();
  const rows = await ctx.db
    .selectFrom('authenticators as a')
    .leftJoin('users as by', 'by.id', 'a.issued_by')
    .select(['a.id as id', 'a.kind as kind', 'a.label as label', 'a.aal as aal', 'a.created_at as addedAt', 'a.last_used_at as lastUsedAt', 'by.uuid as byUuid', fullName('by').as('byName')])
    .where('a.user_id', '=', holder.user.id)
    .where('a.removed_at', 'is', null)
    .orderBy('a.id')
    .execute();
  return {
    own: holder.own,
    authenticators: rows
      // A kind this API does not name is left out rather than failing the whole list.
      .filter((r) => KNOWN_KINDS.has(r.kind))
      .map((r) => ({
        id: r.id,
        kind: r.kind as AuthenticatorKind,
        label: r.label,
        aal: r.aal === 2 || r.aal === 3 ? r.aal : null,
        addedAt: isoDateTime(r.addedAt),
        addedBy: r.byUuid !== null && r.byName !== null ? { uuid: r.byUuid, name: r.byName } : null,
        lastUsedAt: r.lastUsedAt !== null ? isoDateTime(r.lastUsedAt) : null,
        mayRemove: r.kind !== 'smartcard' && mayManage(session, r.kind, holder.own, holder.orgPaths),
      })),
    // NHS.net Connect is offered only where the service has an upstream provider set up for it.
    mayIssue: holder.user.status === 'open' ? issuableKinds(session, holder.own, holder.orgPaths).filter((kind) => kind !== 'nhsnet-connect' || ctx.config.nhsnetConnect !== undefined) : [],
  };
}
