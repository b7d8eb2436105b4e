import type { z } from 'zod';
import type { ServiceStatus, TrainingView } from '../../src-shared/api/agent-api.js';
import type { SessionInfo, SessionResponse } from '../../src-shared/api/service-login.js';
import type { AgentModel, CardFacts, CardSlot, LoginFlow, ReaderModel, SessionModel, VerifiedLogin } from './agent-model.js';
import { readyCardAt, sessionCardLocation } from './agent-model.js';
import { noticeAtLogin, recoveringCard, recoveryFound, renewalCardRemoved, settleRenewal } from './renewal-transitions.js';
import { settleUnlock, unlockCardRemoved } from './unlock-transitions.js';

// Every change of the agent's state, each a pure function from one model to the next: readers
// and cards coming and going, the login steps, the session's lock and end, the service status.
// The agent runs the card and service operations and applies these with their outcomes; tests
// can drive them directly. After each change `settle` restores the invariants (one login at a
// time, on the first card that wants one, and none while a session exists; an unlock only while
// its card, or its sponsor's unlocked session, is there; a renewal likewise, and no login on a
// card whose renewal is being finished).

type Model = AgentModel;

function mapReader(m: Model, name: string, f: (r: ReaderModel) => ReaderModel): Model {
  return { ...m, readers: m.readers.map((r) => (r.name === name ? f(r) : r)) };
}

function mapCard(m: Model, name: string, insertion: number, f: (c: CardSlot) => CardSlot): Model {
  return mapReader(m, name, (r) => (r.card && r.card.insertion === insertion ? { ...r, card: f(r.card) } : r));
}

/**
 * Starts a login on the first card that wants one when nothing else is going on, drops a login
 * whose card has gone, and ends an unlock that has lost its card or its session. Idempotent.
 */
export function settle(m: Model): Model {
  const renewal = settleRenewal(m);
  const recovering = recoveringCard({ ...m, renewal });
  const isRecovering = (reader: string, insertion: number): boolean => recovering?.reader === reader && recovering.insertion === insertion;
  let login = m.login;
  if (login && (!readyCardAt(m, login.reader, login.insertion) || isRecovering(login.reader, login.insertion))) login = null;
  if (m.session) login = null;
  // Connect style: nothing pops up when a card goes in, only once an app asks to sign in.
  const appWaiting = m.appWaiting && !m.session;
  if (!m.session && !login && (m.signInStyle !== 'connect' || appWaiting)) {
    for (const r of m.readers) {
      if (r.card?.status === 'ready' && !r.card.dismissed && !isRecovering(r.name, r.card.insertion)) {
        login = { step: 'passcode', reader: r.name, insertion: r.card.insertion, busy: false, error: null };
        break;
      }
    }
  }
  const unlock = settleUnlock(m);
  return login === m.login && unlock === m.unlock && renewal === m.renewal && appWaiting === m.appWaiting ? m : { ...m, login, unlock, renewal, appWaiting };
}

export function readerAdded(m: Model, name: string): Model {
  if (m.readers.some((r) => r.name === name)) return m;
  return { ...m, readers: [...m.readers, { name, card: null }] };
}

export function readerRemoved(m: Model, name: string): Model {
  const after = cardRemoved(m, name);
  return settle({ ...after, readers: after.readers.filter((r) => r.name !== name) });
}

/** A card went in: it is read next (without the passcode). */
export function cardInserted(m: Model, reader: string): Model {
  const base = readerAdded(cardRemoved(m, reader), reader);
  const insertion = base.nextInsertion;
  return mapReader({ ...base, nextInsertion: insertion + 1 }, reader, (r) => ({ ...r, card: { insertion, status: 'reading', dismissed: false } }));
}

/** The insertion number of the card now in `reader`, if any. */
export function insertionIn(m: Model, reader: string): number | undefined {
  return m.readers.find((r) => r.name === reader)?.card?.insertion;
}

/**
 * The card has been read. `recovery`: its key does not match its certificate (a renewal cut
 * short), so it is finished before anything else is done with it; `progress` says so.
 */
export function cardRead(
  m: Model,
  reader: string,
  insertion: number,
  facts: CardFacts,
  attemptsRemaining: number | null,
  recovery?: { readonly progress: string },
): Model {
  const read = mapCard(m, reader, insertion, (c) => (c.status === 'reading' ? { insertion, status: 'ready', facts, attemptsRemaining, dismissed: c.dismissed } : c));
  return settle(recovery ? recoveryFound(read, reader, insertion, recovery.progress) : read);
}

export function cardUnreadable(m: Model, reader: string, insertion: number, message: string): Model {
  return settle(mapCard(m, reader, insertion, (c) => (c.status === 'reading' ? { insertion, status: 'unreadable', message, dismissed: c.dismissed } : c)));
}

/**
 * A card left its reader. The session's own card: in normal mode the session ends at once; in
 * session-lock mode it locks; in mobility mode nothing changes (the session locks only when its
 * card is due again: mobility-rules.ts). Any login on that card ends with it.
 */
export function cardRemoved(m: Model, reader: string): Model {
  const card = m.readers.find((r) => r.name === reader)?.card;
  if (!card) return m;
  let session: SessionModel | null = m.session;
  if (session && session.reader === reader && session.insertion === card.insertion) {
    // Mobility: the card may go; the session carries on until its card and passcode are due.
    if (m.removalMode === 'normal') session = null;
    else if (m.removalMode === 'session-lock' && !session.locked) session = { ...session, locked: { busy: false, error: null } };
  }
  const unlock = unlockCardRemoved(m.unlock, reader, card.insertion);
  const renewal = renewalCardRemoved(m.renewal, reader, card.insertion);
  return settle({ ...mapReader(m, reader, (r) => ({ ...r, card: null })), session, unlock, renewal });
}

/** The passcode went off to the card (login or unlocking the session). */
export function passcodeChecking(m: Model): Model {
  if (m.session?.locked) return { ...m, session: { ...m.session, locked: { ...m.session.locked, busy: true, error: null } } };
  if (m.login?.step === 'passcode') return { ...m, login: { ...m.login, busy: true, error: null } };
  return m;
}

/** The login's passcode step failed without the card's counter changing (policy, service, reader). */
export function loginPasscodeFailed(m: Model, reader: string, insertion: number, message: string): Model {
  const login = m.login;
  if (login?.step !== 'passcode' || login.reader !== reader || login.insertion !== insertion) return m;
  return { ...m, login: { ...login, busy: false, error: message } };
}

/** Unlocking the locked session failed without the card's counter changing. */
export function resumeFailed(m: Model, message: string): Model {
  if (!m.session?.locked) return m;
  return { ...m, session: { ...m.session, locked: { ...m.session.locked, busy: false, error: message } } };
}

/**
 * The card said the passcode was wrong, and how many attempts it has left. The message goes to
 * whichever prompt asked: the login on that card, or the locked session.
 */
export function passcodeWrong(m: Model, reader: string, insertion: number, attemptsRemaining: number, message: string): Model {
  let next = mapCard(m, reader, insertion, (c) => (c.status === 'ready' ? { ...c, attemptsRemaining } : c));
  next = next.session?.locked ? resumeFailed(next, message) : loginPasscodeFailed(next, reader, insertion, message);
  return settle(next);
}

/** The card and the service accepted the passcode and the signature: pick a position next. */
export function loginVerified(m: Model, reader: string, insertion: number, verified: VerifiedLogin): Model {
  const login = m.login;
  if (!login || login.reader !== reader || login.insertion !== insertion) return m;
  // A verified card has its full count of attempts again; the card will say how many when asked.
  const counted = mapCard(m, reader, insertion, (c) => (c.status === 'ready' ? { ...c, attemptsRemaining: null } : c));
  return { ...counted, login: { step: 'choose-position', reader, insertion, verified, busy: false, error: null } };
}

export function positionChecking(m: Model): Model {
  return m.login?.step === 'choose-position' ? { ...m, login: { ...m.login, busy: true, error: null } } : m;
}

export function positionRefused(m: Model, reader: string, insertion: number, message: string): Model {
  const login = m.login;
  if (login?.step !== 'choose-position' || login.reader !== reader || login.insertion !== insertion) return m;
  return { ...m, login: { ...login, busy: false, error: message } };
}

/** The login ticket was spent or expired: the holder starts again from the passcode. */
export function loginTicketLost(m: Model, reader: string, insertion: number, message: string): Model {
  const login = m.login;
  if (login?.step !== 'choose-position' || login.reader !== reader || login.insertion !== insertion) return m;
  return { ...m, login: { step: 'passcode', reader: login.reader, insertion: login.insertion, busy: false, error: message } };
}

export interface OpenedSession {
  readonly token: string;
  readonly response: z.infer<typeof SessionResponse>;
  readonly facts: CardFacts;
  readonly reader: string;
  readonly insertion: number;
  readonly signedInAt: Date;
}

export function sessionOpened(m: Model, s: OpenedSession): Model {
  const { response } = s;
  const session: SessionModel = {
    token: s.token,
    facts: s.facts,
    reader: s.reader,
    insertion: s.insertion,
    locked: null,
    provedAt: s.signedInAt.getTime(),
    activeAt: s.signedInAt.getTime(),
    signedInTo: [],
    view: {
      user: { uuid: response.user.uuid, name: response.user.name },
      cardUuid: response.card.uuid,
      reader: s.reader,
      position: response.position,
      expiry: {
        certificateNotAfter: response.card.certificateNotAfter,
        daysToExpiry: response.card.daysToExpiry,
        renewalDue: response.card.renewalDue,
      },
      signedInAt: s.signedInAt.toISOString(),
    },
  };
  // At every login (not on resume) while the certificate is within the window: the notification.
  const notice = noticeAtLogin(session);
  return settle({ ...m, session, login: null, renewal: notice ?? m.renewal });
}

/** Locks the session: the token stays in memory, nothing can use it until the card is back. */
export function sessionLocked(m: Model): Model {
  if (!m.session || m.session.locked) return m;
  // A locked session services no card: settle ends any unlock it had started.
  return settle({ ...m, session: { ...m.session, locked: { busy: false, error: null } } });
}

/**
 * The same card proved itself with its passcode and the service still knows the session, at
 * `at`: mobility's clocks start again from then.
 */
export function sessionResumed(m: Model, reader: string, insertion: number, info: z.infer<typeof SessionInfo>, at: Date): Model {
  const session = m.session;
  if (!session?.locked) return m;
  const counted = mapCard(m, reader, insertion, (c) => (c.status === 'ready' ? { ...c, attemptsRemaining: null } : c));
  return {
    ...counted,
    session: {
      ...session,
      reader,
      insertion,
      locked: null,
      provedAt: at.getTime(),
      activeAt: at.getTime(),
      view: {
        ...session.view,
        reader,
        position: info.position,
        expiry: { certificateNotAfter: info.card.certificateNotAfter, daysToExpiry: info.card.daysToExpiry, renewalDue: info.card.renewalDue },
      },
    },
  };
}

/**
 * The session is over (logged out, ended by the service, card locked). `dismissCard` sets the
 * session's card aside when it is still in (a logged-out user is not asked for their passcode
 * again until they re-insert); `notice` is shown on the passcode prompt that follows, if any.
 */
export function sessionEnded(m: Model, options: { dismissCard: boolean; notice?: string | null }): Model {
  const session = m.session;
  if (!session) return m;
  const here = sessionCardLocation(m);
  let next: Model = { ...m, session: null };
  if (here && options.dismissCard) next = mapCard(next, here.reader, here.card.insertion, (c) => ({ ...c, dismissed: true }));
  next = settle(next);
  if (options.notice && next.login?.step === 'passcode' && here && next.login.reader === here.reader) {
    next = { ...next, login: { ...next.login, error: options.notice } };
  }
  return next;
}

/**
 * Cancel: from the position list back to the passcode (the ticket is abandoned); from the
 * passcode prompt the card is set aside until it is inserted again.
 */
export function loginCancelled(m: Model): Model {
  const login: LoginFlow | null = m.login;
  if (!login || login.busy) return m;
  if (login.step === 'choose-position') {
    return { ...m, login: { step: 'passcode', reader: login.reader, insertion: login.insertion, busy: false, error: null } };
  }
  const dismissed = mapCard(m, login.reader, login.insertion, (c) => ({ ...c, dismissed: true }));
  return settle({ ...dismissed, login: null });
}

export function serviceChanged(m: Model, service: z.infer<typeof ServiceStatus>): Model {
  const s = m.service;
  if (s.status === service.status && s.message === service.message && s.retryInSeconds === service.retryInSeconds) return m;
  return { ...m, service };
}

export function trainingChanged(m: Model, training: z.infer<typeof TrainingView> | null): Model {
  return { ...m, training };
}

/**
 * The card accepted a new passcode for the session's card: its counter is full again (the card
 * will say how many tries when next asked), and the session records when it happened.
 */
export function passcodeChanged(m: Model, token: string, reader: string, insertion: number, at: Date): Model {
  const session = m.session;
  if (!session || session.token !== token) return m;
  const counted = mapCard(m, reader, insertion, (c) => (c.status === 'ready' ? { ...c, attemptsRemaining: null } : c));
  return { ...counted, session: { ...session, view: { ...session.view, passcodeChangedAt: at.toISOString() } } };
}
