import type { Profile } from '../../src-shared/api/service-cim.js';
import { useServiceQuery } from '../api/service-query.js';
import { ErrorSummary } from '../components/error-summary.js';
import { PageHeading } from '../components/page-heading.js';
import { SummaryList } from '../components/summary-list.js';
import { CIM_PATHS, hrefOf, type ContactField } from './cim-paths.js';
import { useCimSession } from './cim-session.js';
import { ProfileTables } from './profile-tables.js';

// A user's profile: your own ("View your profile") or one found by "Find an existing user".

export type ProfileSource = { readonly kind: 'mine' } | { readonly kind: 'user'; readonly uuid: string };

type Loaded = { readonly status: 'loading' } | { readonly status: 'failed'; readonly message: string } | { readonly status: 'ready'; readonly profile: Profile };

export function ProfileView({ source, backHref }: { source: ProfileSource; backHref: string }) {
  const session = useCimSession();
  const uuid = source.kind === 'user' ? source.uuid : null;
  const query = useServiceQuery('profile', { params: { uuid: uuid ?? session.user.uuid } });
  const loaded: Loaded = query.isPending
    ? { status: 'loading' }
    : query.isError
      ? { status: 'failed', message: query.error.message }
      : { status: 'ready', profile: query.data };

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
  const change = (field: ContactField, what: string) => (own ? { change: { href: hrefOf(CIM_PATHS.changeMyContact(field)), what } } : {});
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
