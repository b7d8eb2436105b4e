import type { UnlockStep, UnlockView } from '../../src-shared/api/agent-api.js';
import { cardFlowView } from './card-flow-view.js';

// An unlock under way, as part of the agent's model: self-service (the locked card's holder, no
// session) or "Service smartcard" (a sponsor or LSA signed in, the locked card in another
// reader). The view (UnlockView) is what the renderer sees; the rest stays in the main process:
// the unlock's capability from the service and the session it belongs to.

export interface UnlockFlow {
  /** Numbers each flow, so the answer of one never lands on the one that replaced it. */
  readonly id: number;
  readonly mode: UnlockView['mode'];
  /** The reader and insertion of the card being unlocked (null while the sponsor waits for it). */
  readonly reader: string | null;
  readonly insertion: number | null;
  readonly holderName: string | null;
  readonly cardUuid: string | null;
  readonly step: UnlockStep;
  readonly busy: boolean;
  readonly error: string | null;
  /** The service's single-unlock capability: main process only, never in a view. */
  readonly unlockId: string | null;
  /** Sponsor flows: the session token they were started under; the flow ends with that session. */
  readonly sessionToken: string | null;
}

let lastFlowId = 0;

/**
 * A number never used before in this process: for a new flow, and for a sponsor's flow each
 * time its card leaves, so whatever was under way for that card cannot land on the next one.
 */
export function newFlowId(): number {
  lastFlowId += 1;
  return lastFlowId;
}

export const unlockViewOf = (flow: UnlockFlow): UnlockView => cardFlowView(flow);
