import type { RenewalStep, RenewalView } from '../../src-shared/api/agent-api.js';
import type { AsymmetricAlgorithm } from '../../src-shared/card/virtual-card-state.js';
import { cardFlowView } from './card-flow-view.js';

// A renewal under way, as part of the agent's model: self (the Smartcard Expiry Notification
// at login), sponsor (the card in a signed-in sponsor's second reader) or recovery (a card whose
// renewal was cut short, found as it went in). The view (RenewalView) is what the renderer sees;
// the renewal's id at the service, a capability, and the session it belongs to stay here.

export interface RenewalFlow {
  /** Numbers each flow (unlock-model.ts newFlowId), so the answer of one never lands on another. */
  readonly id: number;
  readonly mode: RenewalView['mode'];
  /** The reader and insertion of the card being renewed. */
  readonly reader: string;
  readonly insertion: number;
  readonly holderName: string | null;
  readonly cardUuid: string;
  readonly step: RenewalStep;
  readonly busy: boolean;
  readonly error: string | null;
  /** The service's renewal id once opened: main process only, never in a view or the journal. */
  readonly renewalId: string | null;
  /** Self and sponsor flows: the session they run under; they end with it. */
  readonly sessionToken: string | null;
  /** The key the card makes, once the service has said (RenewalOpened.algorithm). */
  readonly algorithm: AsymmetricAlgorithm | null;
}

export const renewalViewOf = (flow: RenewalFlow): RenewalView => cardFlowView(flow);
