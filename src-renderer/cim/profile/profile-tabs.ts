import type { ProfileView } from '../../../src-shared/api/cim-profile.js';
import { CIM_PATHS } from '../cim-paths.js';

// A profile's tabs, each a real address so Back, reload and a shared link land on the same tab.

export type ProfileTab = 'details' | 'positions' | 'smartcards' | 'authenticators' | 'workgroups' | 'history';

export const TAB_LABELS: Record<ProfileTab, string> = {
  details: 'Details',
  positions: 'Positions',
  smartcards: 'Smartcards',
  authenticators: 'Authenticators',
  workgroups: 'Workgroups',
  history: 'History',
};

/**
 * The address segment of each tab but Details (the profile's own address). The Workgroups tab is
 * not `/workgroups`: that address is the page where RA staff change a user's workgroups.
 */
export const TAB_SLUGS: Record<Exclude<ProfileTab, 'details'>, string> = {
  positions: 'positions',
  smartcards: 'smartcards',
  authenticators: 'authenticators',
  workgroups: 'workgroup-membership',
  history: 'history',
};

/** Whose profile: your own ("View your profile") or one found by "Find an existing user". */
export type ProfileSource = { readonly kind: 'mine' } | { readonly kind: 'user'; readonly uuid: string };

export function tabPath(source: ProfileSource, tab: ProfileTab): string {
  if (tab === 'details') return source.kind === 'mine' ? CIM_PATHS.myProfile : CIM_PATHS.userProfile(source.uuid);
  return source.kind === 'mine' ? CIM_PATHS.myProfileTab(TAB_SLUGS[tab]) : CIM_PATHS.userProfileTab(source.uuid, TAB_SLUGS[tab]);
}

/** The tabs this viewer has: outside their scope only the directory part (details and current positions). */
export function tabsFor(profile: ProfileView): ProfileTab[] {
  if (profile.access === 'directory') return ['details', 'positions'];
  return ['details', 'positions', 'smartcards', 'authenticators', 'workgroups', ...(profile.may.viewHistory ? (['history'] as const) : [])];
}
