import type { SignedInSession } from '../../src-shared/api/agent-api.js';
import { CimArea } from '../cim/cim-area.js';
import { IdentityAgentBox } from '../identity-agent/identity-agent-box.js';

/** Signed in: the CIM pages, with the Identity Agent box beside them. */
export function SignedInScreen({ session }: { session: SignedInSession }) {
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <CimArea session={session} />
      </div>
      <div className="nhsuk-grid-column-one-third">
        <IdentityAgentBox session={session} />
      </div>
    </div>
  );
}
