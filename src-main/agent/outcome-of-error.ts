import type { AgentErrorCode } from '../../src-shared/api/agent-api.js';
import { CardError } from '../card/card-error.js';
import { CardBlockedError, WrongPasscodeError } from '../card/status-words.js';
import { ServiceProtocolError, ServiceRefusedError, ServiceUnreachableError } from '../service-client/service-client-errors.js';
import { MESSAGES, wrongPasscodeMessage } from './agent-messages.js';
import { UnusableCardError } from './card-facts.js';

// The one place where what went wrong with the service or the card (unreachable, refused, not
// understood; a wrong passcode, a card pulled, a card that did not prove itself) becomes what a
// flow does next and what it tells the user. Each flow (login, session unlock, unlock, renewal,
// contact change, the directory) gives its own words and says how its failures end; the sorting
// is the same for all. The service's refusals are passed on in its own words; nothing the card
// sent back as data is ever put in a message (card-error.ts).

type Ending<K extends string> = { readonly kind: K; readonly code: AgentErrorCode; readonly message: string };

export type ErrorOutcome<Passing extends string, Final extends string> =
  | { readonly kind: 'wrong'; readonly attemptsRemaining: number; readonly code: AgentErrorCode; readonly message: string }
  | Ending<Passing | Final | 'card-removed' | 'session-gone'>;

export interface FlowTerms<Passing extends string, Final extends string> {
  /** How a fault a new try may cure leaves the flow: on the same step ('retry'), or failed with nothing to go back to. */
  readonly passing: Passing;
  /** How a refusal a new try does not cure leaves it: the flow ends there ('refused'), or failed. */
  readonly final: Final;
  readonly serviceUnreachable: string;
  /** The card was pulled or its reader went. */
  readonly cardRemoved: string;
  /** The session ended at the service: these words, or (without them) the service's own. */
  readonly sessionEnded?: string;
  /** Busy (429) or a fault at the service (5xx) that came without words of the service's own. */
  readonly busyService?: string;
  /** A card step where the card refused the service's answer (not the card the service issued). */
  readonly notProved?: string;
  /**
   * Which 403s are told as 'forbidden' rather than as the service's refusal: every one (the
   * directory: a role or an organisation out of scope), only a role's, or none (sign-in).
   */
  readonly forbidden: 'any' | 'role' | 'none';
  /** A 400 names the fields at fault (for requests whose values the user typed). */
  readonly namesFields?: true;
  /** The flow's own errors, sorted before any other. */
  readonly own?: (err: unknown) => ErrorOutcome<Passing, Final> | undefined;
}

function refusalOutcome<P extends string, F extends string>(err: ServiceRefusedError, flow: FlowTerms<P, F>): ErrorOutcome<P, F> {
  if (err.status === 401 && err.code === 'unauthenticated') return { kind: 'session-gone', code: 'not-signed-in', message: flow.sessionEnded ?? (err.message || MESSAGES.sessionEnded) };
  // Busy, or a fault at the service: the same step works later.
  if (err.status === 429 || err.status >= 500) return { kind: flow.passing, code: 'service-refused', message: err.message || (flow.busyService ?? MESSAGES.internal) };
  if (err.status === 403 && (flow.forbidden === 'any' || (flow.forbidden === 'role' && err.code === 'forbidden'))) {
    return { kind: flow.final, code: 'forbidden', message: err.message };
  }
  if (err.status === 400 && flow.namesFields) {
    // The service names fields and says what is wrong, never echoing the values sent.
    const fields = err.fields.map((f) => `${f.path.replace(/^(query|body|params)\./, '')}: ${f.message}`).join('; ');
    return { kind: flow.final, code: 'bad-request', message: fields ? `${err.message} ${fields}.` : err.message };
  }
  // 409 (expired, already done, voided...), 404, 400, a refused sign-in: the flow ends here.
  return { kind: flow.final, code: 'service-refused', message: err.message };
}

export function outcomeOfError<P extends string, F extends string>(err: unknown, flow: FlowTerms<P, F>): ErrorOutcome<P, F> {
  const own = flow.own?.(err);
  if (own) return own;
  if ((err instanceof WrongPasscodeError && err.reference === 'PIN') || (err instanceof CardBlockedError && err.reference === 'PIN')) {
    const attemptsRemaining = err instanceof WrongPasscodeError ? err.attemptsRemaining : 0;
    return attemptsRemaining === 0
      ? { kind: 'wrong', attemptsRemaining, code: 'card-locked', message: MESSAGES.cardLocked }
      : { kind: 'wrong', attemptsRemaining, code: 'wrong-passcode', message: wrongPasscodeMessage(attemptsRemaining) };
  }
  if (err instanceof ServiceUnreachableError) return { kind: flow.passing, code: 'service-unreachable', message: flow.serviceUnreachable };
  if (err instanceof ServiceRefusedError) return refusalOutcome(err, flow);
  if (err instanceof ServiceProtocolError) return { kind: flow.passing, code: 'internal', message: MESSAGES.serviceConfused };
  if (err instanceof CardError) {
    if (err.code === 'card-removed' || err.code === 'reader-unavailable') return { kind: 'card-removed', code: 'card-removed', message: flow.cardRemoved };
    // GENERAL AUTHENTICATE refused the service's answer: not the card the service issued.
    if (err.code === 'security-status-not-satisfied' && flow.notProved !== undefined) return { kind: flow.final, code: 'service-refused', message: flow.notProved };
  }
  // Card layer messages never carry command or response data (card-error.ts).
  if (err instanceof CardError || err instanceof UnusableCardError) return { kind: flow.passing, code: 'internal', message: err.message };
  return { kind: flow.passing, code: 'internal', message: MESSAGES.internal };
}
