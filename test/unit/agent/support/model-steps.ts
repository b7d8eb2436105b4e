import { randomBytes, randomUUID } from 'node:crypto';
import { initialModel, type AgentModel, type CardFacts } from '../../../../src-main/agent/agent-model.js';
import { cardInserted, cardRead, insertionIn, loginVerified, readerAdded, sessionOpened } from '../../../../src-main/agent/agent-transitions.js';

// Steps of the agent's state machine the flow tests (unlock, renewal) build their models from,
// without readers, cards or a service: two readers, a card read in one, and a sponsor or holder
// signed in with it (as a Ward Manager with the Sponsor role).

export const R1 = 'Reader 1';
export const R2 = 'Reader 2';
/** The session token the signed-in model holds. */
export const TOKEN = 'S'.repeat(43);

export const facts = (holderName: string): CardFacts => ({ cardUuid: randomUUID(), holderName, certificate: randomBytes(64), algorithm: 'p256' });

/** No card yet, both readers there. */
export const base = (): AgentModel => readerAdded(readerAdded(initialModel('normal'), R1), R2);

/** The card with `f` goes into `reader` and is read: `attempts` passcode tries left, a renewal to finish if `recovery`. */
export function withCard(m: AgentModel, reader: string, f: CardFacts, attempts: number | null = 3, recovery?: { progress: string }): AgentModel {
  const inserted = cardInserted(m, reader);
  return cardRead(inserted, reader, insertionIn(inserted, reader) as number, f, attempts, recovery);
}

const org = { code: 'RZZ01', name: 'Training General Hospital', kind: 'site' as const, parentCode: 'RZZ' };
const position = { id: 7, title: 'Ward Manager', jobRole: 'Nurse', organisation: org, roles: ['S' as const], assignable: true };

/** The card's holder signs in with it; its certificate ends in `daysToExpiry` days. */
export function signedIn(m: AgentModel, reader: string, f: CardFacts, daysToExpiry = 1000): AgentModel {
  const insertion = insertionIn(m, reader) as number;
  const card = { uuid: f.cardUuid, certificateNotAfter: '2030-01-01T00:00:00.000Z', daysToExpiry, renewalDue: daysToExpiry <= 90 };
  const verified = loginVerified(m, reader, insertion, { loginTicket: 'T'.repeat(43), user: { uuid: randomUUID(), name: f.holderName }, card, positions: [position], rememberedPositionId: null });
  return sessionOpened(verified, {
    token: TOKEN,
    response: { token: TOKEN, expiresAt: '2030-01-01T00:00:00.000Z', user: { uuid: randomUUID(), name: f.holderName }, card, position },
    facts: f,
    reader,
    insertion,
    signedInAt: new Date('2026-01-01T09:00:00Z'),
  });
}
