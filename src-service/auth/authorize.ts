import { grantFor, type Activity, type Grant } from '../../src-shared/domain/roles.js';
import { forbidden, outOfScope } from '../service-error.js';
import type { SessionContext } from './session-store.js';

// The service's one permission check: the session's roles (from the position chosen at login)
// against the matrix, and the target's organisation against the session's subtree.

export interface Target {
  /** Path of the organisation the target belongs to; omit for activities on oneself. */
  readonly orgPath?: string | null;
}

export function inScope(session: SessionContext, orgPath: string | null | undefined): boolean {
  return orgPath != null && orgPath.startsWith(session.orgPath);
}

/** Throws 403 unless the session may do `activity` to `target`; returns how it may. */
export function authorize(session: SessionContext, activity: Activity, target: Target = {}): Grant | 'everyone' {
  const grant = grantFor(session.roles, activity);
  if (!grant) throw forbidden('Your role does not allow that.');
  // A caller that names a target organisation wants the scope checked, whatever the grant: an
  // activity open to everyone (viewing a profile) still reaches only the session's subtree when
  // done to someone else. Activities on oneself, or national look-ups, omit the target.
  if (target.orgPath !== undefined && !inScope(session, target.orgPath)) throw outOfScope();
  return grant;
}
