import type { Screen } from '../../src-shared/api/agent-api.js';
import { grantFor, type Activity } from '../../src-shared/domain/roles.js';
import { CimArea } from '../cim/cim-area.js';
import { IdentityAgentBox } from '../identity-agent/identity-agent-box.js';
import { renewalOffer } from '../identity-agent/renewal-offer.js';
import { RenewalPage } from '../renewal/renewal-page.js';
import { UnlockPage } from '../unlock/unlock-page.js';

type SignedInState = Extract<Screen, { kind: 'signed-in' }>;

const CARD_SERVICE_ACTIVITIES: readonly Activity[] = ['unlock-smartcard', 'renew-smartcard-due', 'renew-smartcard-expired'];

/**
 * Signed in: the CIM pages, with the Identity Agent box beside them. A renewal (the holder's own,
 * from the Smartcard Expiry Notification, or a colleague's card in the second reader) or a
 * sponsor servicing a card takes the CIM pages' place; the CIM page they were on comes back when
 * it finishes. A renewal comes first: a sponsor's renewal starts from "Service smartcard".
 */
export function SignedInScreen({ screen }: { screen: SignedInState }) {
  const { session, serviceCard, renewal } = screen;
  // Only hides what the service would refuse anyway: it checks the role and scope on every call.
  const mayServiceCards = CARD_SERVICE_ACTIVITIES.some((activity) => grantFor(session.position.roles, activity) !== undefined);
  const flowOpen = renewal !== null || serviceCard !== null;
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        {renewal ? <RenewalPage key={`renewal-${renewal.mode}-${renewal.cardUuid ?? ''}`} view={renewal} /> : serviceCard ? <UnlockPage view={serviceCard} /> : <CimArea session={session} />}
      </div>
      <div className="nhsuk-grid-column-one-third">
        {/* "Yes" on an open notification is on the renewal's own page here, beside the box. */}
        <IdentityAgentBox session={session} offerServiceCard={mayServiceCards && !flowOpen} renewalOffer={renewalOffer(screen) === 'renew-now' ? 'renew-now' : null} />
      </div>
    </div>
  );
}
