import type { z } from 'zod';
import type { CardWitnessRequest } from '../../src-shared/api/service-unlock.js';
import type { ServiceContext } from '../service-context.js';
import { relayCardWitness } from './card-proof.js';
import { refuseOutstandingWitness, requireCardStep, setWitnessExchange } from './card-step.js';
import { auditedStep, refuse, type RefusalFacts } from './unlock-refusal.js';
import { findUnlock } from './unlock-store.js';
import { requireStillAllowed } from './unlock-liveness.js';

// POST /v1/unlock/{unlockId}/card-witness: step 1 of the card proving it is the card being
// unlocked (management-key mutual authentication, relayed): the service decrypts the card's
// witness with the card's key and sets a challenge. Only a card that answers it at the release
// step is given the PUKs. One exchange at a time per unlock, and only that one may be used at
// its release (card-step.ts).

export async function answerCardWitness(ctx: ServiceContext, unlockId: string, body: z.infer<typeof CardWitnessRequest>): Promise<{ exchangeId: string; witness: string; challenge: string }> {
  const facts: RefusalFacts = { workstationId: body.workstationId };
  return auditedStep(ctx, 'card.unlock-refused', facts, async (tx) => {
    const now = tx.now().getTime();
    const row = await findUnlock(tx.db, unlockId, body.workstationId);
    facts.subject = row.cardUuid;
    facts.actor = row.sponsorUuid ?? row.holderUuid;
    facts.details = { kind: row.kind, step: 'card-witness' };
    requireCardStep(row);
    if (row.expiresAt === null || now >= row.expiresAt) throw refuse(409, 'conflict', 'unlock-expired', 'That unlock has expired. Start again.');
    await requireStillAllowed(tx, row, now);
    await refuseOutstandingWitness(tx, row);
    const answer = await relayCardWitness(tx, row.cardUuid, body.witness);
    await setWitnessExchange(tx, row.id, answer.exchangeId);
    return answer;
  });
}
