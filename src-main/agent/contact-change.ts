import type { z } from 'zod';
import { contactChangeSignedPayload, type ContactDetails } from '../../src-shared/api/service-cim.js';
import { wipe } from '../card/bytes.js';
import { readyCardAt } from './agent-model.js';
import { MESSAGES } from './agent-messages.js';
import type { AgentRuntime } from './agent-runtime.js';
import { AgentFailure } from './agent-types.js';
import { cardSignChallenge } from './login-card.js';
import { withSession } from './cim-actions.js';
import { signedInPasscodeFailure } from './passcode-change.js';
import { passcodeBytes } from './passcode-input.js';

// cim.changeOwnContact: the signed-in holder changes their own email or mobile, and their card
// approves it. The service checks the new values and issues a challenge for this session and
// these values; then, in one reader transaction, the card checks the passcode (VERIFY), its 9A
// key signs the challenge, and the service checks the signature against the session card's
// live certificate before changing anything. The passcode is bytes from the start and wiped after
// VERIFY whatever happens; it is never put in the model, a result, an error or a log.

const CONTACT_MESSAGES = {
  busy: 'Your contact details are already being changed.',
  cardAway: 'Insert the smartcard you signed in with: it must approve the change.',
} as const;

const changing = new WeakSet<AgentRuntime>();

export interface ContactChange {
  readonly email?: string | undefined;
  readonly mobile?: string | undefined;
  readonly passcode: string;
}

export async function changeOwnContact(rt: AgentRuntime, request: ContactChange): Promise<z.infer<typeof ContactDetails>> {
  const m = rt.model();
  const session = m.session;
  if (!session) throw new AgentFailure('not-signed-in', MESSAGES.notSignedIn);
  if (session.locked) throw new AgentFailure('not-signed-in', MESSAGES.sessionLockedNow);
  const card = readyCardAt(m, session.reader, session.insertion);
  if (!card || card.facts.cardUuid !== session.facts.cardUuid) throw new AgentFailure('not-now', CONTACT_MESSAGES.cardAway);
  if (changing.has(rt)) throw new AgentFailure('not-now', CONTACT_MESSAGES.busy);
  if (card.attemptsRemaining === 0) throw new AgentFailure('card-locked', MESSAGES.cardLocked);
  // A malformed passcode costs none of the card's attempts.
  const passcode = passcodeBytes(request.passcode);
  if (!passcode.ok) throw new AgentFailure('passcode-policy', passcode.message);

  const values = { ...(request.email !== undefined ? { email: request.email } : {}), ...(request.mobile !== undefined ? { mobile: request.mobile } : {}) };
  const { reader, insertion, token } = session;
  const workstationId = rt.options.workstationId;
  changing.add(rt);
  try {
    return await withSession(rt, async (sessionToken) => {
      // Asked before the card is: new values the service refuses cost none of the card's attempts.
      const challenge = await rt.client.contactChallenge(sessionToken, values);
      // As at login: the card signs for the origin this agent is configured with, and is not asked
      // at all by an answer naming another.
      const serviceOrigin = rt.client.origin;
      if (challenge.serviceOrigin !== serviceOrigin) throw new AgentFailure('service-refused', MESSAGES.foreignServiceOrigin);
      const payload = Buffer.from(contactChangeSignedPayload({ ...challenge, serviceOrigin, workstationId }), 'utf8');
      try {
        return await cardSignChallenge({
          readers: rt.options.readers,
          reader,
          facts: session.facts,
          passcode: passcode.bytes,
          challenge: async () => payload,
          submit: (signature) => rt.client.changeOwnContact(sessionToken, { ...values, nonce: challenge.nonce, signature: signature.toString('base64') }),
        });
      } catch (err) {
        const outcome = signedInPasscodeFailure(rt, err, { reader, insertion, token });
        // The service's refusals are worded by withSession (fields named, a 401 ends the session).
        if (outcome.kind === 'wrong' || outcome.kind === 'card-removed' || outcome.code === 'internal') throw new AgentFailure(outcome.code, outcome.message);
        throw err;
      }
    });
  } finally {
    changing.delete(rt);
    wipe(passcode.bytes);
  }
}
