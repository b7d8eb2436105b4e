import { MESSAGES } from './agent-messages.js';
import { ForeignServiceOriginError, NotTheSessionCardError } from './login-card.js';
import { outcomeOfError, type ErrorOutcome, type FlowTerms } from './outcome-of-error.js';

// What went wrong while the card and the service checked a passcode, in the words of signing in:
// shared by login, unlocking a locked session, and the signed-in steps that ask for the passcode
// again. Nothing is retried on a step: a failure ends the attempt ('failed'). The sorting itself
// is outcome-of-error.ts.

export type PasscodeOutcome = ErrorOutcome<'failed', 'failed'>;

const SIGN_IN: FlowTerms<'failed', 'failed'> = {
  passing: 'failed',
  final: 'failed',
  serviceUnreachable: MESSAGES.serviceUnreachable,
  cardRemoved: MESSAGES.cardRemoved,
  // 401 on GET /v1/session: the session the lock was holding has ended at the service.
  sessionEnded: MESSAGES.sessionEnded,
  // A refused sign-in (a revoked card, a closed profile) is told in the service's words.
  forbidden: 'none',
  own: (err) => {
    if (err instanceof ForeignServiceOriginError) return { kind: 'failed', code: 'service-refused', message: MESSAGES.foreignServiceOrigin };
    if (err instanceof NotTheSessionCardError) return { kind: 'failed', code: 'not-now', message: MESSAGES.notSameCard };
    return undefined;
  },
};

export function classifyPasscodeFailure(err: unknown): PasscodeOutcome {
  return outcomeOfError(err, SIGN_IN);
}
