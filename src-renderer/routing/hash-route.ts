import { useSyncExternalStore } from 'react';

// The location hash holds the page: "#identity-agent" is the small window Electron opens for the
// Identity Agent box alone; "#/cim/..." are the Care Identity Management pages, routed by
// src-renderer/cim/cim-area.tsx.

const IDENTITY_AGENT_HASH = '#identity-agent';
const CIM_HOME_HASH = '#/cim';
const APPLY_HASH = '#/apply';

const subscribe = (onChange: () => void): (() => void) => {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
};
const currentHash = (): string => window.location.hash;

/** Whether this window is the Identity Agent box alone. */
export function useIsIdentityAgentWindow(): boolean {
  return useSyncExternalStore(subscribe, currentHash) === IDENTITY_AGENT_HASH;
}

/** Whether the address is a CIM page other than the home page, or an Apply for Care ID page (its applications are the last user's too). */
export const onCimPage = (): boolean => window.location.hash.startsWith(`${CIM_HOME_HASH}/`) || window.location.hash.startsWith(APPLY_HASH);

/** Goes to the CIM home page without adding a history entry (used when a session ends). */
export function replaceWithCimHome(): void {
  const url = new URL(window.location.href);
  url.hash = CIM_HOME_HASH;
  window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}
