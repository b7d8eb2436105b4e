import type { z } from 'zod';
import type { AgentIndicator, AgentState, ReaderView, Screen } from '../../src-shared/api/agent-api.js';
import type { AgentModel } from './agent-model.js';
import { readyCardAt, sessionCardLocation } from './agent-model.js';
import { removalNotice } from './removal-messages.js';
import { renewalViewOf } from './renewal-model.js';
import { unlockViewOf } from './unlock-model.js';

// What the renderer and the tray see of the model: one screen, the readers, the indicator. Pure;
// the session token, the login ticket and an unlock's capability are simply not part of any of it.

export type AgentView = Omit<AgentState, 'version'>;

export function screenOf(m: AgentModel): Screen {
  const session = m.session;
  if (session && !session.locked) {
    const unlock = m.unlock?.mode === 'sponsor' ? unlockViewOf(m.unlock) : null;
    return { kind: 'signed-in', session: session.view, serviceCard: unlock, renewal: m.renewal ? renewalViewOf(m.renewal) : null, signedInTo: [...session.signedInTo] };
  }
  // A card being finished comes first, even before a locked session (it may be that session's
  // card); one the service would not finish leaves a locked session its own screen.
  if (m.renewal?.mode === 'recovery' && !(session?.locked && m.renewal.step.step === 'refused')) return { kind: 'renewal-recovery', renewal: renewalViewOf(m.renewal) };
  if (session?.locked) {
    const here = sessionCardLocation(m);
    return {
      kind: 'session-locked',
      holderName: session.view.user.name,
      cardUuid: session.facts.cardUuid,
      reader: here?.reader ?? null,
      attemptsRemaining: here?.card.attemptsRemaining ?? null,
      busy: session.locked.busy,
      error: session.locked.error,
      ...(session.locked.reason ? { reason: session.locked.reason } : {}),
    };
  }
  if (m.unlock?.mode === 'self') return { kind: 'self-unlock', unlock: unlockViewOf(m.unlock) };
  const login = m.login;
  if (login) {
    const card = readyCardAt(m, login.reader, login.insertion);
    if (card) {
      const holderName = card.facts.holderName;
      if (login.step === 'choose-position') {
        return {
          kind: 'choose-position',
          reader: login.reader,
          holderName,
          positions: login.verified.positions.map((p) => ({ positionId: p.id, title: p.title, organisation: p.organisation, roles: p.roles })),
          rememberedPositionId: login.verified.rememberedPositionId,
          busy: login.busy,
          error: login.error,
        };
      }
      if (card.attemptsRemaining === 0) return { kind: 'locked-card', reader: login.reader, holderName, cardUuid: card.facts.cardUuid };
      return {
        kind: 'passcode',
        reader: login.reader,
        holderName,
        cardUuid: card.facts.cardUuid,
        attemptsRemaining: card.attemptsRemaining,
        lastAttempt: card.attemptsRemaining === 1,
        busy: login.busy,
        error: login.error,
      };
    }
  }
  for (const r of m.readers) {
    const card = r.card;
    if (!card || card.dismissed) continue;
    if (card.status === 'reading') return { kind: 'reading-card', reader: r.name };
    if (card.status === 'unreadable') return { kind: 'card-error', reader: r.name, message: card.message };
  }
  return m.readers.length === 0 ? { kind: 'no-readers' } : { kind: 'no-card' };
}

function readersOf(m: AgentModel): z.infer<typeof ReaderView>[] {
  const sessionUuid = m.session?.facts.cardUuid;
  return m.readers.map((r) => {
    const card = r.card;
    if (!card) return { name: r.name, card: null };
    const facts = card.status === 'ready' ? card.facts : undefined;
    return {
      name: r.name,
      card: { holderName: facts?.holderName ?? null, cardUuid: facts?.cardUuid ?? null, inSession: facts !== undefined && facts.cardUuid === sessionUuid },
    };
  });
}

/** The tray: the session first, then what blocks signing in, then whether a card is in. */
export function indicatorOf(m: AgentModel, screen: Screen = screenOf(m)): AgentIndicator {
  if (m.session?.locked) return 'locked';
  if (m.session) return m.session.view.expiry.renewalDue ? 'expiring' : 'signed-in';
  if (m.readers.length === 0) return 'no-reader';
  if (m.service.status === 'unreachable' || screen.kind === 'card-error') return 'error';
  if (screen.kind === 'locked-card') return 'locked';
  if (screen.kind === 'renewal-recovery') return 'card-present';
  // Still locked until the card has its new passcode.
  if (screen.kind === 'self-unlock') return screen.unlock.step.step === 'done' ? 'card-present' : 'locked';
  return m.readers.some((r) => r.card !== null) ? 'card-present' : 'no-card';
}

export function viewOf(m: AgentModel): AgentView {
  const screen = screenOf(m);
  return {
    indicator: indicatorOf(m, screen),
    removalMode: m.removalMode,
    removalNotice: removalNotice(m.removalMode, m.mobility),
    service: m.service,
    readers: readersOf(m),
    screen,
    training: m.training,
  };
}
