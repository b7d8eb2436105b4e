import { useEffect, useState } from 'react';
import type { Profile } from '../../src-shared/api/service-cim.js';
import { toAgentCallError } from '../api/agent-call-error.js';
import { useAgentClient } from '../api/agent-context.js';
import { ErrorSummary } from '../components/error-summary.js';
import { PageHeading } from '../components/page-heading.js';
import { SummaryList } from '../components/summary-list.js';
import { routeHref, type ContactField } from '../routing/hash-route.js';
import { ProfileTables } from './profile-tables.js';

// A user's profile: your own ("View your profile") or one found by "Find an existing user".

export type ProfileSource = { readonly kind: 'mine' } | { readonly kind: 'user'; readonly uuid: string };

type Loaded = { readonly status: 'loading' } | { readonly status: 'failed'; readonly message: string } | { readonly status: 'ready'; readonly profile: Profile };

export function ProfileView({ source, backHref }: { source: ProfileSource; backHref: string }) {
  const client = useAgentClient();
  const [loaded, setLoaded] = useState<Loaded>({ status: 'loading' });
  const uuid = source.kind === 'user' ? source.uuid : null;

  useEffect(() => {
    let current = true;
    // Another user's profile: stop showing the last one while this one loads.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setLoaded({ status: 'loading' });
    const request = uuid === null ? client.invoke('cim.myProfile', {}) : client.invoke('cim.getProfile', { uuid });
    request.then(
      (profile) => current && setLoaded({ status: 'ready', profile }),
      (error: unknown) => current && setLoaded({ status: 'failed', message: toAgentCallError(error).message }),
    );
    return () => {
      current = false;
    };
  }, [client, uuid]);

  const heading = uuid === null ? 'Your profile' : loaded.status === 'ready' ? fullName(loaded.profile) : 'User profile';
  return (
    <>
      <a className="nhsuk-back-link" href={backHref}>
        Back
      </a>
      <PageHeading caption={uuid === null ? undefined : 'User profile'} title={heading}>
        {heading}
      </PageHeading>
      <div role="status" className="nhsuk-body">
        {loaded.status === 'loading' ? 'Loading the profile…' : ''}
      </div>
      {loaded.status === 'failed' && <ErrorSummary errors={[{ text: loaded.message }]} />}
      {loaded.status === 'ready' && <ProfileDetails profile={loaded.profile} own={uuid === null} />}
    </>
  );
}

/** Your own profile offers to change your email and mobile (your name and NI number are changed by RA staff). */
function ProfileDetails({ profile, own }: { profile: Profile; own: boolean }) {
  const change = (field: ContactField, what: string) => (own ? { change: { href: routeHref({ name: 'change-my-contact', field }), what } } : {});
  return (
    <>
      <h2 className="nhsuk-heading-m">Personal details</h2>
      <SummaryList
        rows={[
          { key: 'Name', value: fullName(profile) },
          { key: 'User ID', value: <span className="app-code">{profile.uuid}</span> },
          { key: 'National Insurance number', value: profile.niNumber ?? 'Not recorded' },
          { key: 'Email address', value: profile.email ?? 'Not recorded', ...change('email', 'email address') },
          { key: 'Mobile number', value: profile.mobile ?? 'Not recorded', ...change('mobile', 'mobile number') },
          { key: 'Profile status', value: profile.status === 'open' ? 'Open' : 'Closed' },
        ]}
      />
      <ProfileTables profile={profile} />
    </>
  );
}

function fullName(profile: Profile): string {
  return `${profile.givenName} ${profile.familyName}`;
}
