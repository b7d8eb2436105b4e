import type { ProfileView } from '../../../src-shared/api/cim-profile.js';
import { SummaryList, type SummaryRow } from '../../components/summary-list.js';
import { CIM_PATHS, hrefOf, type ContactField } from '../cim-paths.js';
import { ActionLinks, type Action } from './action-links.js';

// A profile's Details tab. Your own offers to change your email and mobile (your smartcard
// approves it); RA staff, ID checkers and sponsors get "Change details" and close or reopen.

export function DetailsTab({ profile, own }: { profile: ProfileView; own: boolean }) {
  const change = (field: ContactField, what: string) => (own ? { change: { href: hrefOf(CIM_PATHS.changeMyContact(field)), what } } : {});
  const organisations = profile.organisations.map((o) => `${o.name} (${o.code})`).join(', ') || 'None';
  const rows: SummaryRow[] =
    profile.access === 'directory'
      ? [
          { key: 'Name', value: `${profile.givenName} ${profile.familyName}` },
          { key: 'Organisations', value: organisations },
        ]
      : [
          { key: 'Name', value: `${profile.givenName} ${profile.familyName}` },
          { key: 'User ID', value: <span className="app-code">{profile.uuid}</span> },
          { key: 'National Insurance number', value: profile.niNumber ?? 'Not recorded' },
          { key: 'Email address', value: profile.email ?? 'Not recorded', ...change('email', 'email address') },
          { key: 'Mobile number', value: profile.mobile ?? 'Not recorded', ...change('mobile', 'mobile number') },
          { key: 'Organisations', value: organisations },
          { key: 'Profile status', value: profile.status === 'open' ? 'Open' : 'Closed' },
        ];
  const { may } = profile;
  const closing = profile.status === 'open';
  const actions: Action[] = [
    ...(may.changeDetails ? [{ href: CIM_PATHS.changeUserDetails(profile.uuid), text: may.changeDetails === 'direct' ? 'Change details' : 'Request a change of details' }] : []),
    ...(may.closeReopen
      ? [
          {
            href: closing ? CIM_PATHS.closeProfile(profile.uuid) : CIM_PATHS.reopenProfile(profile.uuid),
            text: `${may.closeReopen === 'direct' ? '' : 'Request to '}${closing ? 'close' : 'reopen'} this profile`.replace(/^./, (c) => c.toUpperCase()),
          },
        ]
      : []),
  ];
  return (
    <>
      <h2 className="nhsuk-heading-m">Personal details</h2>
      <SummaryList rows={rows} />
      <ActionLinks actions={actions} />
    </>
  );
}
