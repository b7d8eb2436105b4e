import { z } from 'zod';

// Registration authority roles and who may do what (domain.md, seed 004). This table is the one
// place permissions are written down: the service checks every call against it, and the
// renderer reads it only to hide what a user could not do anyway.

export const RoleCode = z.enum(['RAM', 'RAA(A)', 'RAA', 'S', 'IDC', 'LSA']);
export type RoleCode = z.infer<typeof RoleCode>;

export const ROLE_NAMES: Record<RoleCode, string> = {
  RAM: 'Registration Authority Manager',
  'RAA(A)': 'Registration Authority Agent (Advanced)',
  RAA: 'Registration Authority Agent',
  S: 'Sponsor',
  IDC: 'ID Checker',
  LSA: 'Local Smartcard Administrator',
};

export const Activity = z.enum([
  'find-user',
  'find-organisation',
  'view-profile',
  'create-user',
  'change-user-details',
  'change-own-contact',
  'close-reopen-profile',
  'issue-smartcard',
  'unlock-smartcard',
  'repair-smartcard',
  'clear-smartcard',
  'cancel-smartcard',
  'renew-smartcard-due',
  'renew-smartcard-expired',
  'self-register-authenticator',
  'manage-authenticators',
  'manage-ipad-authenticators',
  'request-own-positions',
  'assign-position',
  'view-ended-assignments',
  'manage-multiple-assignments',
  'manage-positions',
  'view-positions',
  'batch-manage-assignments',
  'manage-workgroups',
  'manage-requests',
  'view-reports',
  'apply-for-care-id',
  'check-applications',
]);
export type Activity = z.infer<typeof Activity>;

/**
 * How a role may do an activity: directly; only by raising a request that RA staff accept
 * (the * of seed 004); or only for assignable positions, others by request (the **).
 */
export type Grant = 'direct' | 'by-request' | 'assignable-only';

export interface ActivityRule {
  /** Any signed-in user may do it, for themselves or for anyone (as the activity says). */
  readonly everyone?: true;
  readonly roles?: Partial<Record<RoleCode, Grant>>;
}

const RA: Partial<Record<RoleCode, Grant>> = { RAM: 'direct', 'RAA(A)': 'direct', RAA: 'direct' };
const RA_ADVANCED: Partial<Record<RoleCode, Grant>> = { RAM: 'direct', 'RAA(A)': 'direct' };

export const PERMISSIONS: Readonly<Record<Activity, ActivityRule>> = {
  'find-user': { everyone: true },
  'find-organisation': { everyone: true },
  'view-profile': { everyone: true },
  'create-user': { roles: { ...RA, IDC: 'direct' } },
  'change-user-details': { roles: { ...RA, IDC: 'direct', S: 'by-request' } },
  'change-own-contact': { everyone: true },
  'close-reopen-profile': { roles: { ...RA, S: 'by-request' } },
  'issue-smartcard': { roles: RA },
  'unlock-smartcard': { roles: { ...RA, S: 'direct', LSA: 'direct' } },
  'repair-smartcard': { roles: RA },
  'clear-smartcard': { roles: RA },
  'cancel-smartcard': { roles: RA },
  'renew-smartcard-due': { roles: { ...RA, S: 'direct', LSA: 'direct' } },
  'renew-smartcard-expired': { roles: RA },
  'self-register-authenticator': { everyone: true },
  'manage-authenticators': { roles: RA },
  // iPads: the newer guidance (seed 000) limits issuing them for others to RAM and RAA(A).
  'manage-ipad-authenticators': { roles: RA_ADVANCED },
  'request-own-positions': { everyone: true },
  'assign-position': { roles: { ...RA, S: 'assignable-only' } },
  'view-ended-assignments': { roles: { ...RA, S: 'direct' } },
  'manage-multiple-assignments': { roles: RA_ADVANCED },
  'manage-positions': { roles: RA_ADVANCED },
  'view-positions': { roles: RA },
  'batch-manage-assignments': { roles: RA_ADVANCED },
  'manage-workgroups': { roles: RA_ADVANCED },
  'manage-requests': { roles: { ...RA, S: 'direct' } },
  'view-reports': { roles: { ...RA, S: 'direct', IDC: 'direct' } },
  // Apply for Care ID (seed 003): sponsors raise applications for new staff, and so may RA staff;
  // those who may create a profile check the applicant's identity and approve.
  'apply-for-care-id': { roles: { ...RA, S: 'direct' } },
  'check-applications': { roles: { ...RA, IDC: 'direct' } },
};

/** The strongest grant any of `roles` gives for `activity`, or undefined when none does. */
export function grantFor(roles: readonly RoleCode[], activity: Activity): Grant | 'everyone' | undefined {
  const rule = PERMISSIONS[activity];
  let best: Grant | undefined;
  for (const role of roles) {
    const grant = rule.roles?.[role];
    if (grant === 'direct') return 'direct';
    if (grant === 'assignable-only' || (grant === 'by-request' && best === undefined)) best = grant;
  }
  if (best) return best;
  return rule.everyone ? 'everyone' : undefined;
}
