import type { ProfileView } from '../../../src-shared/api/cim-profile.js';
import { useServiceQuery } from '../../api/service-query.js';
import { InsetText } from '../../components/callouts.js';
import { ErrorSummary } from '../../components/error-summary.js';
import { PageHeading } from '../../components/page-heading.js';
import { hrefOf } from '../cim-paths.js';
import { useCimSession } from '../cim-session.js';
import { AuthenticatorsTab, SmartcardsTab } from './profile-cards-tabs.js';
import { DetailsTab } from './profile-details-tab.js';
import { HistoryTab } from './profile-history-tab.js';
import { PositionsTab } from './profile-positions-tab.js';
import { TAB_LABELS, tabPath, tabsFor, type ProfileSource, type ProfileTab } from './profile-tabs.js';
import { WorkgroupsTab } from './profile-workgroups-tab.js';

// A user's profile, one tab at a time: your own ("View your profile") or one found by "Find an
// existing user". Outside the viewer's scope it is the directory part only, and says so.

export function ProfilePage({ source, tab, backHref }: { source: ProfileSource; tab: ProfileTab; backHref: string }) {
  const session = useCimSession();
  const uuid = source.kind === 'user' ? source.uuid : session.user.uuid;
  const query = useServiceQuery('profile', { params: { uuid } });
  const profile = query.data;
  const name = profile ? `${profile.givenName} ${profile.familyName}` : null;
  const heading = source.kind === 'mine' ? 'Your profile' : (name ?? 'User profile');
  return (
    <>
      <a className="nhsuk-back-link" href={backHref}>
        Back
      </a>
      <PageHeading caption={source.kind === 'mine' ? undefined : 'User profile'} title={`${heading}: ${TAB_LABELS[tab]}`}>
        {heading}
      </PageHeading>
      <div role="status" className="nhsuk-body">
        {query.isPending ? 'Loading the profile…' : ''}
      </div>
      {query.isError && <ErrorSummary errors={[{ text: query.error.message }]} />}
      {profile && <LoadedProfile profile={profile} source={source} tab={tab} />}
    </>
  );
}

function LoadedProfile({ profile, source, tab }: { profile: ProfileView; source: ProfileSource; tab: ProfileTab }) {
  const tabs = tabsFor(profile);
  // A tab this viewer does not have (an old link) shows Details.
  const shown = tabs.includes(tab) ? tab : 'details';
  return (
    <>
      {profile.access === 'directory' && (
        <InsetText>
          <p>
            This user is not in your organisation or its child organisations, so you can see only their directory entry: their name, organisations and current
            positions.
          </p>
        </InsetText>
      )}
      {profile.pendingChanges.length > 0 && (
        <div className="nhsuk-inset-text" id="pending-changes">
          <span className="nhsuk-u-visually-hidden">Information: </span>
          {profile.pendingChanges.map((change, i) => (
            <p key={i}>{change.kind === 'details' ? 'A change to these details is waiting for RA approval.' : `A request to ${change.kind} this profile is waiting for RA approval.`}</p>
          ))}
        </div>
      )}
      <div className="nhsuk-tabs">
        <h2 className="nhsuk-tabs__title">Contents</h2>
        <nav aria-label="Profile sections">
          <ul className="nhsuk-tabs__list">
            {tabs.map((t) => (
              <li key={t} className={`nhsuk-tabs__list-item${t === shown ? ' nhsuk-tabs__list-item--selected' : ''}`}>
                <a className="nhsuk-tabs__tab" href={hrefOf(tabPath(source, t))} aria-current={t === shown ? 'page' : undefined}>
                  {TAB_LABELS[t]}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div className="nhsuk-tabs__panel">
          <TabContent profile={profile} source={source} tab={shown} />
        </div>
      </div>
    </>
  );
}

function TabContent({ profile, source, tab }: { profile: ProfileView; source: ProfileSource; tab: ProfileTab }) {
  switch (tab) {
    case 'details':
      return <DetailsTab profile={profile} own={source.kind === 'mine'} />;
    case 'positions':
      return <PositionsTab profile={profile} own={source.kind === 'mine'} />;
    case 'smartcards':
      return <SmartcardsTab profile={profile} />;
    case 'authenticators':
      return <AuthenticatorsTab profile={profile} />;
    case 'workgroups':
      return <WorkgroupsTab profile={profile} />;
    case 'history':
      return <HistoryTab uuid={profile.uuid} />;
  }
}
