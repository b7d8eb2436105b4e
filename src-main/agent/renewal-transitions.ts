import type { RenewalStep, SignedInSession } from '../../src-shared/api/agent-api.js';
import type { AgentModel, CardFacts } from './agent-model.js';
import { readyCardAt } from './agent-model.js';
import type { RenewalFlow } from './renewal-model.js';
import { newFlowId } from './unlock-model.js';

// The renewal's changes of state, pure like agent-transitions.ts (but for drawing a fresh flow
// number). Each names the flow it answers (`id`); a flow ends when its card leaves, so the
// outcome of work started for one card is dropped instead of landing on the next card in that
// reader, and a later flow for the next card has a number of its own.

type Model = AgentModel;

/**
 * A renewal lives only while what it works on does: its card, in the reader and insertion it
 * started with; for self and sponsor flows also the unlocked session that started them. A
 * sponsor's finished (or refused) renewal stays on screen until closed, card or no card.
 */
export function settleRenewal(m: Model): RenewalFlow | null {
  const r = m.renewal;
  if (!r) return null;
  if (r.mode !== 'recovery' && (!m.session || m.session.locked || m.session.token !== r.sessionToken)) return null;
  const ended = r.step.step === 'done' || r.step.step === 'refused';
  if (r.mode === 'sponsor' && ended) return r;
  return readyCardAt(m, r.reader, r.insertion) ? r : null;
}

/** The card in `reader` left: a renewal of it ends (its answers then have nowhere to land). */
export function renewalCardRemoved(r: RenewalFlow | null, reader: string, insertion: number): RenewalFlow | null {
  if (!r || r.reader !== reader || r.insertion !== insertion) return r;
  if (r.mode === 'sponsor' && (r.step.step === 'done' || r.step.step === 'refused')) return r;
  return null;
}

/** The reader and insertion of a card being recovered: no login is offered on it meanwhile. */
export function recoveringCard(m: Model): { reader: string; insertion: number } | undefined {
  const r = m.renewal;
  return r?.mode === 'recovery' ? { reader: r.reader, insertion: r.insertion } : undefined;
}

/**
 * The Smartcard Expiry Notification for a session just opened (not resumed) with its
 * certificate within the window, or null.
 */
export function noticeAtLogin(session: { token: string; reader: string; insertion: number; view: SignedInSession }): RenewalFlow | null {
  const { expiry } = session.view;
  if (!expiry.renewalDue || expiry.daysToExpiry < 0) return null;
  return {
    id: newFlowId(),
    mode: 'self',
    reader: session.reader,
    insertion: session.insertion,
    holderName: session.view.user.name,
    cardUuid: session.view.cardUuid,
    step: { step: 'notice', daysToExpiry: expiry.daysToExpiry, certificateNotAfter: expiry.certificateNotAfter },
    busy: false,
    error: null,
    renewalId: null,
    sessionToken: session.token,
    algorithm: null,
  };
}

/**
 * A card just read whose key does not match its certificate: a recovery starts on it, unless a
 * renewal is at work on the card or the service already (that one finishes first).
 */
export function recoveryFound(m: Model, reader: string, insertion: number, progress: string): Model {
  const card = readyCardAt(m, reader, insertion);
  if (!card || m.renewal?.busy) return m;
  const flow: RenewalFlow = {
    id: newFlowId(),
    mode: 'recovery',
    reader,
    insertion,
    holderName: card.facts.holderName,
    cardUuid: card.facts.cardUuid,
    step: { step: 'working', progress },
    busy: true,
    error: null,
    renewalId: null,
    sessionToken: null,
    algorithm: card.facts.algorithm,
  };
  return { ...m, renewal: flow };
}

function mapFlow(m: Model, id: number, f: (r: RenewalFlow) => RenewalFlow): Model {
  const r = m.renewal;
  if (!r || r.id !== id) return m;
  return { ...m, renewal: f(r) };
}

export function renewalStarted(m: Model, flow: RenewalFlow): Model {
  return { ...m, renewal: settleRenewal({ ...m, renewal: flow }) };
}

export interface RenewalFacts {
  readonly holderName?: string | null;
  readonly renewalId?: string | null;
  readonly algorithm?: RenewalFlow['algorithm'];
}

/** On to `step`, with what the step has learnt (the renewal id, the holder, the key type). */
export function renewalStepped(m: Model, id: number, step: RenewalStep, facts: RenewalFacts = {}): Model {
  return mapFlow(m, id, (r) => ({ ...r, ...facts, step, busy: false, error: null }));
}

/** The card and the service at work. */
export function renewalWorking(m: Model, id: number, progress: string): Model {
  return mapFlow(m, id, (r) => ({ ...r, step: { step: 'working', progress }, busy: true, error: null }));
}

/** The request failed and can be tried again: the message on `back` (the passcode, usually). */
export function renewalFailed(m: Model, id: number, message: string, back?: RenewalStep): Model {
  return mapFlow(m, id, (r) => ({ ...r, step: back ?? r.step, busy: false, error: message }));
}

/** The service or the card will not have this card renewed: the reason, no capability kept. */
export function renewalRefused(m: Model, id: number, message: string): Model {
  return mapFlow(m, id, (r) => ({ ...r, step: { step: 'refused', message }, renewalId: null, busy: false, error: null }));
}

/**
 * The card holds its new certificate, whatever became of the flow meanwhile. The card's facts
 * take it (the next login checks the card against them) and so does the session when it is this
 * card's (a locked session's resume checks the card's key against them), with the new expiry,
 * so the notification and the tray's 'expiring' are over.
 */
export function cardRenewed(m: Model, card: { cardUuid: string; reader: string; insertion: number }, certificate: Buffer, expiry: SignedInSession['expiry']): Model {
  const renewed = (facts: CardFacts): CardFacts => ({ ...facts, certificate });
  const readers = m.readers.map((reader) =>
    reader.name === card.reader && reader.card?.status === 'ready' && reader.card.insertion === card.insertion && reader.card.facts.cardUuid === card.cardUuid
      ? { ...reader, card: { ...reader.card, facts: renewed(reader.card.facts) } }
      : reader,
  );
  const session =
    m.session && m.session.facts.cardUuid === card.cardUuid ? { ...m.session, facts: renewed(m.session.facts), view: { ...m.session.view, expiry } } : m.session;
  return { ...m, readers, session };
}

/** "Smartcard renewed successfully". */
export function renewalDone(m: Model, id: number, certificateNotAfter: string): Model {
  return mapFlow(m, id, (r) => ({ ...r, step: { step: 'done', certificateNotAfter }, renewalId: null, busy: false, error: null }));
}

/**
 * The card said the passcode was wrong: its counter on the card's slot and on the step. At 0 the
 * card is locked and the flow ends (the caller ends what else a locked card ends).
 */
export function renewalPasscodeWrong(m: Model, id: number, attemptsRemaining: number, message: string): Model {
  const r = m.renewal;
  if (!r || r.id !== id) return m;
  const readers = m.readers.map((reader) =>
    reader.name === r.reader && reader.card?.status === 'ready' && reader.card.insertion === r.insertion ? { ...reader, card: { ...reader.card, attemptsRemaining } } : reader,
  );
  return { ...m, readers, renewal: { ...r, step: { step: 'passcode', attemptsRemaining }, busy: false, error: message } };
}

/**
 * Closes the renewal. `dismissCard`: its card is set aside (no passcode prompt until it is
 * inserted again), for a card that cannot sign in as it is.
 */
export function renewalClosed(m: Model, options: { dismissCard?: boolean } = {}): Model {
  const r = m.renewal;
  if (!r) return m;
  if (!options.dismissCard) return { ...m, renewal: null };
  const readers = m.readers.map((reader) =>
    reader.name === r.reader && reader.card && reader.card.insertion === r.insertion ? { ...reader, card: { ...reader.card, dismissed: true } } : reader,
  );
  return { ...m, readers, renewal: null };
}
