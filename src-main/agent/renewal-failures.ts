import type { AgentErrorCode } from '../../src-shared/api/agent-api.js';
import { CardError } from '../card/card-error.js';
import { CardBlockedError, WrongPasscodeError } from '../card/status-words.js';
import { ServiceProtocolError, ServiceRefusedError, ServiceUnreachableError } from '../service-client/service-client-errors.js';
import { MESSAGES, wrongPasscodeMessage } from './agent-messages.js';
import { RenewalCertificateMismatchError } from './card-renewal.js';
import { RENEWAL_MESSAGES } from './renewal-messages.js';

// Sorting what went wrong during a renewal into what the agent does next: a wrong passcode
// (the card's counter, on the passcode step), a problem the holder can retry from the passcode
// step, the end of the renewal in the service's words, or the card or the session having gone.
// Nothing the card sent back as data is ever put in a message.

export type RenewalOutcome =
  | { readonly kind: 'wrong'; readonly attemptsRemaining: number; readonly code: AgentErrorCode; readonly message: string }
  | { readonly kind: 'retry'; readonly code: AgentErrorCode; readonly message: string }
  | { readonly kind: 'refused'; readonly code: AgentErrorCode; readonly message: string }
  | { readonly kind: 'card-removed'; readonly code: AgentErrorCode; readonly message: string }
  | { readonly kind: 'session-gone'; readonly code: AgentErrorCode; readonly message: string };

function serviceRefusal(err: ServiceRefusedError): RenewalOutcome {
  // Busy, or a fault at the service: the same step works later.
  if (err.status === 429 || err.status >= 500) return { kind: 'retry', code: 'service-refused', message: err.message };
  if (err.status === 401) return { kind: 'session-gone', code: 'not-signed-in', message: err.message || MESSAGES.sessionEnded };
  if (err.status === 403 && err.code === 'forbidden') return { kind: 'refused', code: 'forbidden', message: err.message };
  // 409 (not due, expired, already done, voided, locked...), 404, 400: the renewal ends here.
  return { kind: 'refused', code: 'service-refused', message: err.message };
}

export function classifyRenewalFailure(err: unknown): RenewalOutcome {
  if ((err instanceof WrongPasscodeError && err.reference === 'PIN') || (err instanceof CardBlockedError && err.reference === 'PIN')) {
    const attemptsRemaining = err instanceof WrongPasscodeError ? err.attemptsRemaining : 0;
    return attemptsRemaining === 0
      ? { kind: 'wrong', attemptsRemaining, code: 'card-locked', message: MESSAGES.cardLocked }
      : { kind: 'wrong', attemptsRemaining, code: 'wrong-passcode', message: wrongPasscodeMessage(attemptsRemaining) };
  }
  if (err instanceof ServiceUnreachableError) return { kind: 'retry', code: 'service-unreachable', message: RENEWAL_MESSAGES.serviceUnreachable };
  if (err instanceof ServiceRefusedError) return serviceRefusal(err);
  if (err instanceof ServiceProtocolError) return { kind: 'retry', code: 'internal', message: MESSAGES.serviceConfused };
  if (err instanceof RenewalCertificateMismatchError) return { kind: 'retry', code: 'service-refused', message: RENEWAL_MESSAGES.mismatch };
  if (err instanceof CardError) {
    if (err.code === 'card-removed' || err.code === 'reader-unavailable') return { kind: 'card-removed', code: 'card-removed', message: RENEWAL_MESSAGES.selfRemoved };
    // GENERAL AUTHENTICATE refused the service's answer: not the card the service issued.
    if (err.code === 'security-status-not-satisfied') return { kind: 'refused', code: 'service-refused', message: RENEWAL_MESSAGES.notProved };
    // Card layer messages never carry command or response data (card-error.ts).
    return { kind: 'retry', code: 'internal', message: err.message };
  }
  return { kind: 'retry', code: 'internal', message: MESSAGES.internal };
}
