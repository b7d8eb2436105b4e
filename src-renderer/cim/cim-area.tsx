import { useState } from 'react';
import type { SignedInSession } from '../../src-shared/api/agent-api.js';
import { routeHref, useRoute } from '../routing/hash-route.js';
import { ChangeContactPage } from './change-contact-page.js';
import { CimHome } from './cim-home.js';
import { FindUser, type SavedSearch } from './find-user.js';
import { EMPTY_FIND_USER_VALUES } from './find-user-request.js';
import { ProfileView } from './profile-view.js';

/** The CIM pages of a signed-in session. The last search is kept so Back from a profile returns to it. */
export function CimArea({ session }: { session: SignedInSession }) {
  const route = useRoute();
  const [search, setSearch] = useState<SavedSearch>({ values: EMPTY_FIND_USER_VALUES, response: null });
  switch (route.name) {
    case 'find-user':
      return <FindUser saved={search} onSaved={setSearch} />;
    case 'my-profile':
      return <ProfileView key="mine" source={{ kind: 'mine' }} backHref={routeHref({ name: 'cim-home' })} />;
    case 'change-my-contact':
      return <ChangeContactPage key={route.field} field={route.field} />;
    case 'user-profile':
      return <ProfileView key={route.uuid} source={{ kind: 'user', uuid: route.uuid }} backHref={routeHref({ name: 'find-user' })} />;
    default:
      return <CimHome session={session} />;
  }
}
