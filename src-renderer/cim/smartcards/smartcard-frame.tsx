import type { ReactNode } from 'react';
import type { ProfileView } from '../../../src-shared/api/cim-profile.js';
import { useServiceQuery } from '../../api/service-query.js';
import { ErrorSummary } from '../../components/error-summary.js';
import { PageHeading } from '../../components/page-heading.js';
import { TAB_SLUGS } from '../profile/profile-tabs.js';
import { CIM_PATHS, hrefOf } from '../cim-paths.js';

// What every smartcard lifecycle page starts from: the card holder's profile (their name, and
// the card the page is about), a Back link to their Smartcards tab, and the loading and error
// states while the profile comes.

export type ProfileCard = ProfileView['cards'][number];

export interface Holder {
  readonly profile: ProfileView;
  readonly name: string;
  /** The holder's Smartcards tab. */
  readonly back: string;
}

const smartcardsTabOf = (uuid: string): string => hrefOf(CIM_PATHS.userProfileTab(uuid, TAB_SLUGS.smartcards));

export function SmartcardFrame({ uuid, heading, children }: { uuid: string; heading: string; children: (holder: Holder) => ReactNode }) {
  const profile = useServiceQuery('profile', { params: { uuid } });
  const back = smartcardsTabOf(uuid);
  return (
    <>
      <a className="nhsuk-back-link" href={back}>
        Back
      </a>
      {!profile.isSuccess && <PageHeading caption="Smartcards">{heading}</PageHeading>}
      {profile.isPending && (
        <div role="status" className="nhsuk-body">
          Loading the profile…
        </div>
      )}
      {profile.isError && <ErrorSummary errors={[{ text: profile.error.message }]} />}
      {profile.isSuccess && children({ profile: profile.data, name: `${profile.data.givenName} ${profile.data.familyName}`, back })}
    </>
  );
}

/** The card the page is about, from the holder's profile; words when it is not theirs. */
export function WithCard({ holder, cardUuid, heading, children }: { holder: Holder; cardUuid: string; heading: string; children: (card: ProfileCard) => ReactNode }) {
  const card = holder.profile.cards.find((c) => c.uuid === cardUuid);
  if (card) return children(card);
  return (
    <>
      <PageHeading caption={holder.name}>{heading}</PageHeading>
      <p>
        {holder.name} has no smartcard <span className="app-code">{cardUuid}</span>.
      </p>
      <BackToProfile holder={holder} />
    </>
  );
}

export function BackToProfile({ holder }: { holder: Holder }) {
  return (
    <p>
      <a className="nhsuk-link" href={holder.back}>
        Back to the profile of {holder.name}
      </a>
    </p>
  );
}
