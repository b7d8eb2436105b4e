import { ISSUABLE_KINDS, type IssuableKind } from '../../src-shared/api/cim-authenticators.js';
import type { Activity } from '../../src-shared/domain/roles.js';
import { authorize } from '../auth/authorize.js';
import type { SessionContext } from '../auth/session-store.js';
import { forbidden, ServiceError } from '../service-error.js';
import { authorizeOnUser, mayOnUser } from '../cim/user-scope.js';
import { ENROLMENT_KINDS } from './enrolment-kinds.js';

// Who may add or remove which authenticator for whom, written once for the list (what to offer),
// the enrolment start and the removal (what to allow):
// - on one's own profile, everyone adds and removes their own (self-register-authenticator),
//   except an iPad: the Registration Authority must be present when one is registered, so it is
//   always issued by RA staff for someone else;
// - for someone in scope, RA staff (manage-authenticators) issue and remove the other kinds, and
//   only RAM and RAA(A) (manage-ipad-authenticators) an iPad.

const RA_ONLY_KINDS: readonly string[] = ['ipad'];

const activityFor = (kind: string): Activity => (kind === 'ipad' ? 'manage-ipad-authenticators' : 'manage-authenticators');

/** The kinds the session may add for this user (among those this service can add), in the order CIM lists them. */
export function issuableKinds(session: SessionContext, own: boolean, orgPaths: readonly string[]): IssuableKind[] {
  return ISSUABLE_KINDS.filter(
    (kind) => ENROLMENT_KINDS[kind] !== undefined && (own ? !RA_ONLY_KINDS.includes(kind) : mayOnUser(session, activityFor(kind), orgPaths)),
  );
}

/** Throws 403 (role) or 403 out-of-scope unless the session may add or remove an authenticator of `kind` for this user. */
export function authorizeOnAuthenticator(session: SessionContext, kind: string, own: boolean, orgPaths: readonly string[]): void {
  if (own) {
    authorize(session, 'self-register-authenticator');
    if (RA_ONLY_KINDS.includes(kind)) throw forbidden('An iPad is registered by your Registration Authority, with you present.');
    return;
  }
  authorizeOnUser(session, activityFor(kind), orgPaths);
}

/** Whether the session may remove an authenticator of `kind` (the same rule as adding one), without failing the request. */
export function mayManage(session: SessionContext, kind: string, own: boolean, orgPaths: readonly string[]): boolean {
  try {
    authorizeOnAuthenticator(session, kind, own, orgPaths);
    return true;
  } catch (err) {
    if (err instanceof ServiceError && err.status === 403) return false;
    throw err;
  }
}
