import { describe, expect, it } from 'vitest';
import { CardError } from '../../../src-main/card/card-error.js';
import { WrongPasscodeError } from '../../../src-main/card/status-words.js';
import { MESSAGES } from '../../../src-main/agent/agent-messages.js';
import { UnusableCardError } from '../../../src-main/agent/card-facts.js';
import { classifyPasscodeFailure } from '../../../src-main/agent/passcode-failures.js';
import { classifyRenewalFailure } from '../../../src-main/agent/renewal-failures.js';
import { RENEWAL_MESSAGES } from '../../../src-main/agent/renewal-messages.js';
import { classifyUnlockFailure } from '../../../src-main/agent/unlock-failures.js';
import { UNLOCK_MESSAGES } from '../../../src-main/agent/unlock-messages.js';
import { ServiceProtocolError, ServiceRefusedError, ServiceUnreachableError } from '../../../src-main/service-client/service-client-errors.js';

// Sign-in, unlock and renewal sort what went wrong with the service or the card the same way
// (src-main/agent/outcome-of-error.ts); each tells it in its own words, and goes on in its own
// way (a sign-in fails; an unlock or a renewal stays on its step or ends).

const FLOWS = [
  { flow: 'sign-in', classify: classifyPasscodeFailure, passing: 'failed', final: 'failed', unreachable: MESSAGES.serviceUnreachable, removed: MESSAGES.cardRemoved },
  { flow: 'unlock', classify: classifyUnlockFailure, passing: 'retry', final: 'refused', unreachable: UNLOCK_MESSAGES.serviceUnreachable, removed: UNLOCK_MESSAGES.selfRemoved },
  { flow: 'renewal', classify: classifyRenewalFailure, passing: 'retry', final: 'refused', unreachable: RENEWAL_MESSAGES.serviceUnreachable, removed: RENEWAL_MESSAGES.selfRemoved },
] as const;

describe('rule: every flow sorts service and card errors alike, in its own words', () => {
  it.each(FLOWS)('$flow', ({ classify, passing, final, unreachable, removed }) => {
    expect(classify(new ServiceUnreachableError())).toEqual({ kind: passing, code: 'service-unreachable', message: unreachable });
    expect(classify(new ServiceProtocolError('x'))).toEqual({ kind: passing, code: 'internal', message: MESSAGES.serviceConfused });
    expect(classify(new ServiceRefusedError(503, 'unavailable', 'The service is busy.'))).toEqual({ kind: passing, code: 'service-refused', message: 'The service is busy.' });
    expect(classify(new ServiceRefusedError(409, 'conflict', 'Already done.'))).toEqual({ kind: final, code: 'service-refused', message: 'Already done.' });
    expect(classify(new ServiceRefusedError(401, 'unauthenticated', 'Your session has ended.'))).toMatchObject({ kind: 'session-gone', code: 'not-signed-in' });
    expect(classify(new CardError('card-removed', 'The card was removed.'))).toEqual({ kind: 'card-removed', code: 'card-removed', message: removed });
    expect(classify(new WrongPasscodeError(0x63c2, 2, 'PIN'))).toMatchObject({ kind: 'wrong', attemptsRemaining: 2, code: 'wrong-passcode' });
    expect(classify(new Error('boom'))).toEqual({ kind: passing, code: 'internal', message: MESSAGES.internal });
  });
});

describe('rule: a card the agent cannot use is told in the same words whichever flow finds it', () => {
  it.each(FLOWS)('$flow', ({ classify, passing }) => {
    const message = 'This smartcard has no certificate the identity service issued.';
    expect(classify(new UnusableCardError(message))).toEqual({ kind: passing, code: 'internal', message });
  });
});
