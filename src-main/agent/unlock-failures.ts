import { CardBlockedError } from '../card/status-words.js';
import { ServiceRefusedError } from '../service-client/service-client-errors.js';
import { MESSAGES } from './agent-messages.js';
import { CardNotLockedError, PukMismatchError } from './unlock-card.js';
import { outcomeOfError, type ErrorOutcome, type FlowTerms } from './outcome-of-error.js';
import { UNLOCK_MESSAGES } from './unlock-messages.js';

// What went wrong during an unlock, in its words: show the problem on the step so the user can
// try again ('retry'), end the unlock with the reason ('refused'), or react to the card or the
// session having gone. The sorting itself is outcome-of-error.ts.

export type UnlockOutcome = ErrorOutcome<'retry', 'refused'>;

const UNLOCK: FlowTerms<'retry', 'refused'> = {
  passing: 'retry',
  final: 'refused',
  serviceUnreachable: UNLOCK_MESSAGES.serviceUnreachable,
  cardRemoved: UNLOCK_MESSAGES.selfRemoved,
  sessionEnded: MESSAGES.sessionEnded,
  // Too many codes for now, or the service could not send one: the same step works later.
  busyService: UNLOCK_MESSAGES.busyService,
  notProved: UNLOCK_MESSAGES.notProved,
  // A 403 for want of a role is 'forbidden'; a card holder out of scope is the service's refusal.
  forbidden: 'role',
  own: (err) => {
    if (err instanceof CardNotLockedError) return { kind: 'refused', code: 'card-not-locked', message: UNLOCK_MESSAGES.notLocked };
    if (err instanceof PukMismatchError) return { kind: 'refused', code: 'service-refused', message: UNLOCK_MESSAGES.pukMismatch };
    if (err instanceof CardBlockedError && err.reference === 'PUK') return { kind: 'refused', code: 'service-refused', message: UNLOCK_MESSAGES.pukBlocked };
    return undefined;
  },
};

/**
 * The service refused a card step of this unlock as no longer usable (404, 409): expired,
 * superseded, released as often as it may be, or the card stopped. Starting again is the way on.
 */
export function unlockUsedUp(err: unknown): boolean {
  return err instanceof ServiceRefusedError && (err.status === 404 || err.status === 409);
}

export function classifyUnlockFailure(err: unknown): UnlockOutcome {
  return outcomeOfError(err, UNLOCK);
}
