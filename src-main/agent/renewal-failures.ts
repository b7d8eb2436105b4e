import { RenewalCertificateMismatchError } from './renewal-card.js';
import { outcomeOfError, type ErrorOutcome, type FlowTerms } from './outcome-of-error.js';
import { RENEWAL_MESSAGES } from './renewal-messages.js';

// What went wrong during a renewal, in its words: a wrong passcode (the card's counter, on the
// passcode step), a problem the holder can retry from the passcode step, the end of the renewal
// in the service's words, or the card or the session having gone. The sorting itself is
// outcome-of-error.ts.

export type RenewalOutcome = ErrorOutcome<'retry', 'refused'>;

const RENEWAL: FlowTerms<'retry', 'refused'> = {
  passing: 'retry',
  final: 'refused',
  serviceUnreachable: RENEWAL_MESSAGES.serviceUnreachable,
  cardRemoved: RENEWAL_MESSAGES.selfRemoved,
  notProved: RENEWAL_MESSAGES.notProved,
  // A 403 for want of a role is 'forbidden'; an organisation out of scope is the service's refusal.
  forbidden: 'role',
  own: (err) => (err instanceof RenewalCertificateMismatchError ? { kind: 'retry', code: 'service-refused', message: RENEWAL_MESSAGES.mismatch } : undefined),
};

export function classifyRenewalFailure(err: unknown): RenewalOutcome {
  return outcomeOfError(err, RENEWAL);
}
