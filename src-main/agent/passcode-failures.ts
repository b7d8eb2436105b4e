import { CardError } from '../card/card-error.js';
import { CardBlockedError, WrongPasscodeError } from '../card/status-words.js';
import { ServiceProtocolError, ServiceRefusedError, ServiceUnreachableError } from '../service-client/service-client-errors.js';
import type { AgentErrorCode } from '../../src-shared/api/agent-api.js';
import { MESSAGES, wrongPasscodeMessage } from './agent-messages.js';
import { ForeignServiceOriginError, NotTheSessionCardError } from './card-login.js';
import { UnusableCardError } from './card-facts.js';

// Sorting what went wrong while the card and the service checked a passcode into what the
// agent does next and what it tells the user. Shared by login and by unlocking a locked session.

export type PasscodeOutcome =
  | { readonly kind: 'wrong'; readonly attemptsRemaining: number; readonly code: AgentErrorCode; readonly message: string }
  | { readonly kind: 'card-removed'; readonly code: AgentErrorCode; readonly message: string }
  | { readonly kind: 'session-gone'; readonly code: AgentErrorCode; readonly message: string }
  | { readonly kind: 'failed'; readonly code: AgentErrorCode; readonly message: string };

export function classifyPasscodeFailure(err: unknown): PasscodeOutcome {
  if ((err instanceof WrongPasscodeError && err.reference === 'PIN') || (err instanceof CardBlockedError && err.reference === 'PIN')) {
    const attemptsRemaining = err instanceof WrongPasscodeError ? err.attemptsRemaining : 0;
    return attemptsRemaining === 0
      ? { kind: 'wrong', attemptsRemaining, code: 'card-locked', message: MESSAGES.cardLocked }
      : { kind: 'wrong', attemptsRemaining, code: 'wrong-passcode', message: wrongPasscodeMessage(attemptsRemaining) };
  }
  if (err instanceof CardError && (err.code === 'card-removed' || err.code === 'reader-unavailable')) {
    return { kind: 'card-removed', code: 'card-removed', message: MESSAGES.cardRemoved };
  }
  if (err instanceof ServiceUnreachableError) return { kind: 'failed', code: 'service-unreachable', message: MESSAGES.serviceUnreachable };
  if (err instanceof ServiceRefusedError) {
    // 401 on GET /v1/session: the session the lock was holding has ended at the service.
    if (err.status === 401 && err.code === 'unauthenticated') return { kind: 'session-gone', code: 'not-signed-in', message: MESSAGES.sessionEnded };
    return { kind: 'failed', code: 'service-refused', message: err.message };
  }
  if (err instanceof ForeignServiceOriginError) return { kind: 'failed', code: 'service-refused', message: MESSAGES.foreignServiceOrigin };
  if (err instanceof NotTheSessionCardError) return { kind: 'failed', code: 'not-now', message: MESSAGES.notSameCard };
  if (err instanceof ServiceProtocolError) return { kind: 'failed', code: 'internal', message: MESSAGES.serviceConfused };
  // Card layer messages never carry command or response data (card-error.ts).
  if (err instanceof CardError || err instanceof UnusableCardError) return { kind: 'failed', code: 'internal', message: err.message };
  return { kind: 'failed', code: 'internal', message: MESSAGES.internal };
}
