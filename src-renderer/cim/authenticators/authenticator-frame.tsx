import type { ReactNode } from 'react';
import type { UserAuthenticators } from '../../../src-shared/api/cim-authenticators.js';
import { useServiceQuery } from '../../api/service-query.js';
import { ErrorSummary } from '../../components/error-summary.js';
import { PageHeading } from '../../components/page-heading.js';
import { CIM_PATHS, hrefOf } from '../cim-paths.js';
import { useCimSession } from '../cim-session.js';
import { TAB_SLUGS } from '../profile/profile-tabs.js';

// What every authenticator page starts from: whose profile (their name, whether it is the
// viewer's own), their authenticators and what the viewer may add, a Back link to the
// Authenticators tab, and the loading and error states meanwhile.

export interface Holder {
  readonly uuid: string;
  readonly name: string;
  readonly own: boolean;
  readonly authenticators: UserAuthenticators;
  /** The holder's Authenticators tab (your own profile's, on your own). */
  readonly back: string;
}

export function AuthenticatorFrame({ uuid, heading, children }: { uuid: string; heading: string; children: (holder: Holder) => ReactNode }) {
  const session = useCimSession();
  const profile = useServiceQuery('profile', { params: { uuid } });
  const list = useServiceQuery('userAuthenticators', { params: { uuid } });
  const own = session.user.uuid === uuid;
  const back = hrefOf(own ? CIM_PATHS.myProfileTab(TAB_SLUGS.authenticators) : CIM_PATHS.userProfileTab(uuid, TAB_SLUGS.authenticators));
  const failed = profile.error ?? list.error;
  return (
    <>
      <a className="nhsuk-back-link" href={back}>
        Back
      </a>
      {!(profile.isSuccess && list.isSuccess) && <PageHeading caption="Authenticators">{heading}</PageHeading>}
      {(profile.isPending || list.isPending) && !failed && (
        <div role="status" className="nhsuk-body">
          Loading the profile…
        </div>
      )}
      {failed && <ErrorSummary errors={[{ text: failed.message }]} />}
      {profile.isSuccess && list.isSuccess && children({ uuid, name: `${profile.data.givenName} ${profile.data.familyName}`, own, authenticators: list.data, back })}
    </>
  );
}

export function BackToAuthenticators({ holder }: { holder: Holder }) {
  return (
    <p>
      <a className="nhsuk-link" href={holder.back}>
        {holder.own ? 'Back to your profile' : `Back to the profile of ${holder.name}`}
      </a>
    </p>
  );
}
