import { ROLE_NAMES, type RoleCode } from '../../src-shared/domain/roles.js';

/** "Sponsor, Local Smartcard Administrator", or words saying there are none. */
export function describeRoles(roles: readonly RoleCode[]): string {
  if (roles.length === 0) return 'No registration authority roles';
  return roles.map((role) => ROLE_NAMES[role]).join(', ');
}
