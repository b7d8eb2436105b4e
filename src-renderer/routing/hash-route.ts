import { useSyncExternalStore } from 'react';

// Routes live in the location hash: they work the same over http:// and Electron's app://,
// never reach a server, and give browser mode a working Back button. "#identity-agent" is the
// small window Electron opens for the Identity Agent box alone.

/** Your own contact details that you may change (with your smartcard's approval). */
export type ContactField = 'email' | 'mobile';

export type Route =
  | { readonly name: 'identity-agent' }
  | { readonly name: 'cim-home' }
  | { readonly name: 'find-user' }
  | { readonly name: 'my-profile' }
  | { readonly name: 'change-my-contact'; readonly field: ContactField }
  | { readonly name: 'user-profile'; readonly uuid: string };

const USER_PROFILE = /^#\/cim\/users\/([0-9a-fA-F-]{36})$/;

function parseRoute(hash: string): Route {
  if (hash === '#identity-agent') return { name: 'identity-agent' };
  if (hash === '#/cim/find-user') return { name: 'find-user' };
  if (hash === '#/cim/my-profile') return { name: 'my-profile' };
  if (hash === '#/cim/my-profile/change-email') return { name: 'change-my-contact', field: 'email' };
  if (hash === '#/cim/my-profile/change-mobile') return { name: 'change-my-contact', field: 'mobile' };
  const user = USER_PROFILE.exec(hash);
  if (user?.[1]) return { name: 'user-profile', uuid: user[1].toLowerCase() };
  return { name: 'cim-home' };
}

export function routeHref(route: Route): string {
  switch (route.name) {
    case 'identity-agent':
      return '#identity-agent';
    case 'cim-home':
      return '#/cim';
    case 'find-user':
      return '#/cim/find-user';
    case 'my-profile':
      return '#/cim/my-profile';
    case 'change-my-contact':
      return `#/cim/my-profile/change-${route.field}`;
    case 'user-profile':
      return `#/cim/users/${route.uuid}`;
  }
}

/** Goes to a route without adding a history entry (used when a new session starts). */
export function replaceRoute(route: Route): void {
  const url = new URL(window.location.href);
  url.hash = routeHref(route);
  window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}

const subscribe = (onChange: () => void): (() => void) => {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
};
const currentHash = (): string => window.location.hash;

export function useRoute(): Route {
  return parseRoute(useSyncExternalStore(subscribe, currentHash));
}
