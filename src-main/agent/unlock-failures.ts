import type { AgentErrorCode } from '../../src-shared/api/agent-api.js';
import { CardError } from '../card/card-error.js';
import { CardBlockedError } from '../card/status-words.js';
import { ServiceProtocolError, ServiceRefusedError, ServiceUnreachableError } from '../service-client/service-client-errors.js';
import { MESSAGES } from './agent-messages.js';
import { CardNotLockedError, PukMismatchError } from './card-unlock.js';
import { UNLOCK_MESSAGES } from './unlock-messages.js';

// Sorting what went wrong during an unlock into what the agent does next: show the problem on
// the step so the user can try again ('retry'), end the unlock with the reason ('refused'), or
// react to the card or the session having gone. The service's refusals are passed on in its
// own words; nothing the card sent back as data is ever put in a message.

export type UnlockOutcome =
  | { readonly kind: 'retry'; readonly code: AgentErrorCode; readonly message: string }
  | { readonly kind: 'refused'; readonly code: AgentErrorCode; readonly message: string }
  | { readonly kind: 'card-removed'; readonly code: AgentErrorCode; readonly message: string }
  | { readonly kind: 'session-gone'; readonly code: AgentErrorCode; readonly message: string };

/** Service refusals the user can do something about on the same step. */
function serviceRefusal(err: ServiceRefusedError): UnlockOutcome {
  // Too many codes for now, or the service could not send one: the same step works later.
  if (err.status === 429 || err.status >= 500) return { kind: 'retry', code: 'service-refused', message: err.message || UNLOCK_MESSAGES.busyService };
  if (err.status === 401) return { kind: 'session-gone', code: 'not-signed-in', message: MESSAGES.sessionEnded };
  if (err.status === 403 && err.code === 'forbidden') return { kind: 'refused', code: 'forbidden', message: err.message };
  return { kind: 'refused', code: 'service-refused', message: err.message };
}

/**
 * The service refused a card step of this unlock as no longer usable (404, 409): expired,
 * superseded, released as often as it may be, or the card stopped. Starting again is the way on.
 */
export function unlockUsedUp(err: unknown): boolean {
  return err instanceof ServiceRefusedError && (err.status === 404 || err.status === 409);
}

export function classifyUnlockFailure(err: unknown): UnlockOutcome {
  if (err instanceof ServiceUnreachableError) return { kind: 'retry', code: 'service-unreachable', message: UNLOCK_MESSAGES.serviceUnreachable };
  if (err instanceof ServiceRefusedError) return serviceRefusal(err);
  if (err instanceof ServiceProtocolError) return { kind: 'retry', code: 'internal', message: MESSAGES.serviceConfused };
  if (err instanceof CardNotLockedError) return { kind: 'refused', code: 'card-not-locked', message: UNLOCK_MESSAGES.notLocked };
  if (err instanceof PukMismatchError) return { kind: 'refused', code: 'service-refused', message: UNLOCK_MESSAGES.pukMismatch };
  if (err instanceof CardBlockedError && err.reference === 'PUK') return { kind: 'refused', code: 'service-refused', message: UNLOCK_MESSAGES.pukBlocked };
  if (err instanceof CardError) {
    if (err.code === 'card-removed' || err.code === 'reader-unavailable') return { kind: 'card-removed', code: 'card-removed', message: UNLOCK_MESSAGES.selfRemoved };
    // GENERAL AUTHENTICATE refused the service's answer: not the card the service issued.
    if (err.code === 'security-status-not-satisfied') return { kind: 'refused', code: 'service-refused', message: UNLOCK_MESSAGES.notProved };
    // Card layer messages never carry command or response data (card-error.ts).
    return { kind: 'retry', code: 'internal', message: err.message };
  }
  return { kind: 'retry', code: 'internal', message: MESSAGES.internal };
}
