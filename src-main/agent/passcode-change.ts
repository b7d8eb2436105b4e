import { passcodeChangeProblems } from '../../src-shared/domain/passcode-change.js';
import { wipe } from '../card/bytes.js';
import { readyCardAt } from './agent-model.js';
import { MESSAGES } from './agent-messages.js';
import type { AgentRuntime } from './agent-runtime.js';
import { passcodeChanged, passcodeWrong, sessionEnded } from './agent-transitions.js';
import { AgentFailure } from './agent-types.js';
import { cardChangePasscode } from './login-card.js';
import { classifyPasscodeFailure, type PasscodeOutcome } from './passcode-failures.js';

// agent.changePasscode: the signed-in holder changes their card's passcode. Every check that
// needs no card runs first (a mistake typed costs no attempt); then one reader transaction does
// SELECT and CHANGE REFERENCE DATA, where the card itself checks the current passcode. The
// passcodes are bytes from the start and wiped whatever happens; none is ever put in the model,
// a result, an error or a log.

const CHANGE_MESSAGES = {
  busy: 'Your passcode is already being changed.',
  notSignedIn: 'Sign in with your smartcard before changing its passcode.',
  locked: 'Unlock your session before changing your passcode.',
  cardAway: 'Insert the smartcard you signed in with to change its passcode.',
} as const;

const changing = new WeakSet<AgentRuntime>();

export async function changePasscode(rt: AgentRuntime, request: { current: string; next: string; confirm: string }): Promise<void> {
  const m = rt.model();
  const session = m.session;
  if (!session) throw new AgentFailure('not-now', CHANGE_MESSAGES.notSignedIn);
  if (session.locked) throw new AgentFailure('not-now', CHANGE_MESSAGES.locked);
  const card = readyCardAt(m, session.reader, session.insertion);
  if (!card || card.facts.cardUuid !== session.facts.cardUuid) throw new AgentFailure('not-now', CHANGE_MESSAGES.cardAway);
  if (changing.has(rt)) throw new AgentFailure('not-now', CHANGE_MESSAGES.busy);
  if (card.attemptsRemaining === 0) throw new AgentFailure('card-locked', MESSAGES.cardLocked);

  // All checks on the bytes, UTF-8 (so no character can pose as a digit); all wiped below.
  const current = Buffer.from(request.current, 'utf8');
  const next = Buffer.from(request.next, 'utf8');
  const confirm = Buffer.from(request.confirm, 'utf8');
  const problem = passcodeChangeProblems(current, next, confirm)[0];
  wipe(confirm);
  if (problem) {
    wipe(current, next);
    throw new AgentFailure('passcode-policy', problem.message);
  }

  const { reader, insertion, token } = session;
  changing.add(rt);
  try {
    await cardChangePasscode({ readers: rt.options.readers, reader, current, next });
  } catch (err) {
    const outcome = signedInPasscodeFailure(rt, err, { reader, insertion, token });
    throw new AgentFailure(outcome.code, outcome.message);
  } finally {
    changing.delete(rt);
    wipe(current, next);
  }
  rt.apply((s) => passcodeChanged(s, token, reader, insertion, rt.now()));
}

/**
 * What went wrong while the session's card checked its passcode again: a wrong passcode updates
 * the attempts shown for the card, and a card locked by it ends the session as any locked card does.
 */
export function signedInPasscodeFailure(rt: AgentRuntime, err: unknown, at: { reader: string; insertion: number; token: string }): PasscodeOutcome {
  const outcome = classifyPasscodeFailure(err);
  if (outcome.kind === 'wrong') {
    rt.apply((s) => passcodeWrong(s, at.reader, at.insertion, outcome.attemptsRemaining, outcome.message));
    if (outcome.attemptsRemaining === 0) rt.apply((s) => (s.session?.token === at.token ? sessionEnded(s, { dismissCard: false }) : s));
  }
  return outcome;
}
