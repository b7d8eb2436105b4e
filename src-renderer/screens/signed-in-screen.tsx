import type { Screen } from '../../src-shared/api/agent-api.js';
import { grantFor } from '../../src-shared/domain/roles.js';
import { CimArea } from '../cim/cim-area.js';
import { IdentityAgentBox } from '../identity-agent/identity-agent-box.js';
import { UnlockPage } from '../unlock/unlock-page.js';

type SignedInState = Extract<Screen, { kind: 'signed-in' }>;

/**
 * Signed in: the CIM pages, with the Identity Agent box beside them. While a sponsor or local
 * smartcard administrator services a card in the second reader, its pages take the CIM pages'
 * place; the CIM page they were on comes back when they finish.
 */
export function SignedInScreen({ screen }: { screen: SignedInState }) {
  const { session, serviceCard } = screen;
  // Only hides what the service would refuse anyway: it checks the role and scope on every call.
  const mayServiceCards = grantFor(session.position.roles, 'unlock-smartcard') !== undefined;
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">{serviceCard ? <UnlockPage view={serviceCard} /> : <CimArea session={session} />}</div>
      <div className="nhsuk-grid-column-one-third">
        <IdentityAgentBox session={session} offerServiceCard={mayServiceCards && serviceCard === null} />
      </div>
    </div>
  );
}
