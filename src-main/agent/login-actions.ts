import { wipe } from '../card/bytes.js';
import { ServiceRefusedError } from '../service-client/service-client-errors.js';
import { readyCardAt, sessionCardLocation } from './agent-model.js';
import { MESSAGES } from './agent-messages.js';
import type { AgentRuntime } from './agent-runtime.js';
import {
  loginCancelled,
  loginPasscodeFailed,
  loginTicketLost,
  loginVerified,
  passcodeChecking,
  passcodeWrong,
  positionChecking,
  positionRefused,
  resumeFailed,
  sessionEnded,
  sessionLocked,
  sessionOpened,
  sessionResumed,
} from './agent-transitions.js';
import { AgentFailure } from './agent-types.js';
import { cardLogin, cardResume } from './login-card.js';
import { classifyPasscodeFailure } from './passcode-failures.js';
import { passcodeBytes } from './passcode-input.js';

// The renderer's agent.* requests: the passcode (login, or unlocking a locked session), the
// position, cancel, lock and log out. Each checks it is the right moment, runs the card and
// service work, and applies the outcome as a transition. Whatever fails, nothing is left
// half signed in: a session exists only once the service opened it for a card still present.

/**
 * The checks before a card sees a passcode: the passcode rule (a failure costs no attempt), and a
 * service known to be down (do not spend the card's time, or the user's, on a login that cannot
 * finish). `refuse` shows the reason; the returned bytes are the caller's to wipe.
 */
function passcodeForCard(rt: AgentRuntime, passcode: string, refuse: (message: string) => void): Buffer {
  const input = passcodeBytes(passcode);
  if (!input.ok) {
    refuse(input.message);
    throw new AgentFailure('passcode-policy', input.message);
  }
  if (rt.monitor.current().status === 'unreachable') {
    wipe(input.bytes);
    refuse(MESSAGES.serviceUnreachable);
    throw new AgentFailure('service-unreachable', MESSAGES.serviceUnreachable);
  }
  return input.bytes;
}

export async function submitPasscode(rt: AgentRuntime, passcode: string): Promise<void> {
  const m = rt.model();
  if (m.session?.locked) return resumeSession(rt, passcode);
  if (m.session) throw new AgentFailure('not-now', 'You are already signed in.');
  const login = m.login;
  if (!login) throw new AgentFailure('not-now', 'Insert your smartcard first.');
  if (login.step !== 'passcode') throw new AgentFailure('not-now', 'Choose a position, or cancel to enter your passcode again.');
  if (login.busy) throw new AgentFailure('not-now', 'Your passcode is already being checked.');
  const { reader, insertion } = login;
  const card = readyCardAt(m, reader, insertion);
  if (!card) throw new AgentFailure('card-removed', MESSAGES.cardRemoved);
  if (card.attemptsRemaining === 0) throw new AgentFailure('card-locked', MESSAGES.cardLocked);

  const secret = passcodeForCard(rt, passcode, (message) => rt.apply((s) => loginPasscodeFailed(s, reader, insertion, message)));

  rt.apply(passcodeChecking);
  let verified;
  try {
    verified = await cardLogin({
      readers: rt.options.readers,
      reader,
      facts: card.facts,
      passcode: secret,
      workstationId: rt.options.workstationId,
      serviceOrigin: rt.client.origin,
      service: {
        challenge: (workstationId) => rt.monitor.track(rt.client.challenge(workstationId)),
        verify: (body) => rt.monitor.track(rt.client.verify(body)),
      },
    });
  } catch (err) {
    const outcome = classifyPasscodeFailure(err);
    if (outcome.kind === 'wrong') rt.apply((s) => passcodeWrong(s, reader, insertion, outcome.attemptsRemaining, outcome.message));
    else rt.apply((s) => loginPasscodeFailed(s, reader, insertion, outcome.message));
    throw new AgentFailure(outcome.code, outcome.message);
  } finally {
    wipe(secret);
  }

  const now = rt.model();
  if (now.login?.reader !== reader || now.login.insertion !== insertion || !readyCardAt(now, reader, insertion)) {
    // The card left while the service was checking: the ticket is simply never used.
    throw new AgentFailure('card-removed', MESSAGES.cardRemoved);
  }
  const remembered = rt.remembered.get(card.facts.cardUuid);
  rt.apply((s) =>
    loginVerified(s, reader, insertion, {
      loginTicket: verified.loginTicket,
      user: verified.user,
      card: verified.card,
      positions: verified.positions,
      rememberedPositionId: verified.positions.some((p) => p.id === remembered) ? remembered : null,
    }),
  );
  if (verified.positions.length === 0) rt.apply((s) => positionRefused(s, reader, insertion, MESSAGES.noPositions));
}

export async function choosePosition(rt: AgentRuntime, positionId: number, remember: boolean): Promise<void> {
  const m = rt.model();
  if (m.session) throw new AgentFailure('not-now', 'You are already signed in.');
  const login = m.login;
  if (login?.step !== 'choose-position') throw new AgentFailure('not-now', 'There is no position to choose just now.');
  if (login.busy) throw new AgentFailure('not-now', 'Your choice is already being made.');
  if (!login.verified.positions.some((p) => p.id === positionId)) throw new AgentFailure('bad-request', MESSAGES.chooseListed);
  const { reader, insertion, verified } = login;
  const card = readyCardAt(m, reader, insertion);
  if (!card) throw new AgentFailure('card-removed', MESSAGES.cardRemoved);

  rt.apply(positionChecking);
  let opened;
  try {
    opened = await rt.monitor.track(rt.client.openSession(verified.loginTicket, positionId));
  } catch (err) {
    if (err instanceof ServiceRefusedError && err.status === 401) {
      // The ticket was spent or has expired: only a new passcode entry gets another.
      rt.apply((s) => loginTicketLost(s, reader, insertion, err.message));
      throw new AgentFailure('service-refused', err.message);
    }
    // Any other failure is sorted as every sign-in failure is, in the same words.
    const { code, message } = classifyPasscodeFailure(err);
    rt.apply((s) => positionRefused(s, reader, insertion, message));
    throw new AgentFailure(code, message);
  }

  const now = rt.model();
  if (now.login?.step !== 'choose-position' || now.login.reader !== reader || now.login.insertion !== insertion || !readyCardAt(now, reader, insertion)) {
    // The card left while the session was being opened: close it at once, never show it.
    rt.endRemotely(opened.token);
    throw new AgentFailure('card-removed', MESSAGES.cardRemoved);
  }
  try {
    if (remember) rt.remembered.set(card.facts.cardUuid, positionId);
    else rt.remembered.forget(card.facts.cardUuid);
  } catch {
    // The remembered choice is a convenience: a full disk must not stop the sign-in.
  }
  rt.apply((s) => sessionOpened(s, { token: opened.token, response: opened, facts: card.facts, reader, insertion, signedInAt: rt.now() }));
  // A renewal the agent lost track of ends here: the card signed in, so the service has rolled
  // forward whatever the card holds.
  const unfinished = rt.journal.unfinished(card.facts.cardUuid);
  if (unfinished) rt.journal.record({ cardUuid: card.facts.cardUuid, mode: unfinished.mode, step: 'signed-in', oldSerial: unfinished.oldSerial, newSerial: unfinished.newSerial });
}

/** Unlocks a locked session: the same card (proved by its key), its passcode, a live session. */
async function resumeSession(rt: AgentRuntime, passcode: string): Promise<void> {
  const m = rt.model();
  const session = m.session;
  if (!session?.locked) throw new AgentFailure('not-now', 'Your session is not locked.');
  if (session.locked.busy) throw new AgentFailure('not-now', 'Your passcode is already being checked.');
  const here = sessionCardLocation(m);
  if (!here) throw new AgentFailure('not-now', MESSAGES.insertSessionCard);
  if (!here.card.facts.certificate.equals(session.facts.certificate)) {
    rt.apply((s) => resumeFailed(s, MESSAGES.notSameCard));
    throw new AgentFailure('not-now', MESSAGES.notSameCard);
  }
  if (here.card.attemptsRemaining === 0) throw new AgentFailure('card-locked', MESSAGES.cardLocked);
  const { reader } = here;
  const insertion = here.card.insertion;
  const token = session.token;

  const secret = passcodeForCard(rt, passcode, (message) => rt.apply((s) => resumeFailed(s, message)));

  rt.apply(passcodeChecking);
  let info;
  try {
    info = await cardResume({
      readers: rt.options.readers,
      reader,
      sessionCard: session.facts,
      passcode: secret,
      token,
      service: { session: (t) => rt.monitor.track(rt.client.session(t)) },
    });
  } catch (err) {
    const outcome = classifyPasscodeFailure(err);
    if (outcome.kind === 'wrong') {
      rt.apply((s) => passcodeWrong(s, reader, insertion, outcome.attemptsRemaining, outcome.message));
      // A card locked now cannot unlock the session: end it, and show the locked card.
      if (outcome.attemptsRemaining === 0) rt.apply((s) => sessionEnded(s, { dismissCard: false }));
    } else if (outcome.kind === 'session-gone') {
      rt.apply((s) => (s.session?.token === token ? sessionEnded(s, { dismissCard: false, notice: outcome.message }) : s));
    } else {
      rt.apply((s) => resumeFailed(s, outcome.message));
    }
    throw new AgentFailure(outcome.code, outcome.message);
  } finally {
    wipe(secret);
  }

  const now = rt.model();
  if (now.session?.token !== token || !now.session.locked) throw new AgentFailure('not-now', 'The session changed while your passcode was checked.');
  if (!readyCardAt(now, reader, insertion)) {
    rt.apply((s) => resumeFailed(s, MESSAGES.cardRemoved));
    throw new AgentFailure('card-removed', MESSAGES.cardRemoved);
  }
  if (info.card.uuid !== session.facts.cardUuid) {
    rt.apply((s) => resumeFailed(s, MESSAGES.notSameCard));
    throw new AgentFailure('not-now', MESSAGES.notSameCard);
  }
  rt.apply((s) => sessionResumed(s, reader, insertion, info, rt.now()));
}

export function cancelPasscode(rt: AgentRuntime): void {
  const login = rt.model().login;
  if (!login) throw new AgentFailure('not-now', 'There is nothing to cancel.');
  if (login.busy) throw new AgentFailure('not-now', 'Wait for the check to finish.');
  rt.apply(loginCancelled);
}

export function lock(rt: AgentRuntime): void {
  if (!rt.model().session) throw new AgentFailure('not-signed-in', MESSAGES.notSignedIn);
  rt.apply(sessionLocked);
}

export function logout(rt: AgentRuntime): void {
  if (!rt.model().session) throw new AgentFailure('not-signed-in', MESSAGES.notSignedIn);
  rt.apply((s) => sessionEnded(s, { dismissCard: true }));
}
