import type { z } from 'zod';
import type { CardWitnessRequest } from '../../src-shared/api/service-unlock.js';
import { managementKeyExchangesFor } from '../crypto/management-key-exchanges.js';
import type { ServiceContext } from '../service-context.js';
import { auditedStep, refuse, type RefusalFacts } from './unlock-refusal.js';
import { findUnlock } from './unlock-store.js';
import { requireStep, requireStillAllowed } from './unlock-liveness.js';

// POST /v1/unlock/{unlockId}/card-witness: step 1 of the card proving it is the card being
// unlocked (management-key mutual authentication, relayed): the service decrypts the card's
// witness with the card's key and sets a challenge. Only a card that answers it at the release
// step is given the PUKs.

export function answerCardWitness(ctx: ServiceContext, unlockId: string, body: z.infer<typeof CardWitnessRequest>): { exchangeId: string; witness: string; challenge: string } {
  const facts: RefusalFacts = { workstationId: body.workstationId };
  return auditedStep(ctx, 'card.unlock-refused', facts, () => {
    const now = ctx.now().getTime();
    const row = findUnlock(ctx.db, unlockId, body.workstationId);
    facts.subject = row.cardUuid;
    facts.actor = row.sponsorUuid ?? row.holderUuid;
    facts.details = { kind: row.kind, step: 'card-witness' };
    requireStep(row, 'ready');
    if (row.expiresAt === null || now >= row.expiresAt) throw refuse(409, 'conflict', 'unlock-expired', 'That unlock has expired. Start again.');
    requireStillAllowed(ctx, row, now);
    const answer = managementKeyExchangesFor(ctx).answerWitness(row.cardUuid, Buffer.from(body.witness, 'base64'));
    try {
      return { exchangeId: answer.exchangeId, witness: answer.witness.toString('base64'), challenge: answer.challenge.toString('base64') };
    } finally {
      answer.witness.fill(0);
    }
  });
}
