import type { z } from 'zod';
import type { RenewalAuthenticateRequest, RenewalAuthenticateResponse, RenewalWitnessRequest, RenewalWitnessResponse } from '../../src-shared/api/service-renewal.js';
import { appendAudit } from '../audit/audit-log.js';
import { managementKeyExchangesFor } from '../crypto/management-key-exchanges.js';
import type { ServiceContext } from '../service-context.js';
import { relayCardWitness, requireCardProof } from '../unlock/card-proof.js';
import { auditedStep, refuse, type RefusalFacts } from '../unlock/unlock-refusal.js';
import { newKeyProofFor } from './attestation.js';
import { requireNotExpired, requireStep, requireStillAllowed } from './renewal-liveness.js';
import { findRenewal, setRenewalStatus, type RenewalRow, type RenewalStatus } from './renewal-store.js';

// POST /v1/renewals/{id}/card-witness and /authenticate: the card proves it is the card being
// renewed (management-key mutual authentication, relayed, as for an unlock). After it the card
// accepts GENERATE and PUT DATA, and the service accepts a certificate request.
//
// The answer tells the agent how the card must vouch for its new key (attestation.ts): a card
// without attestation signs with its old key before GENERATE replaces it.
//
// The proof may be given again later in the same renewal (the card was pulled and put back
// while the agent kept the renewal): the card needs the management key again to generate anew
// or to write the certificate, and a renewal already past this step stays where it is. Each
// witness has the service decrypt one block with the card's key, so a renewal gets a few of
// them, one at a time, and authenticate must present the exchange its own witness opened.

const CARD_STEPS: readonly RenewalStatus[] = ['opened', 'authenticated', 'issued'];
/** Card proofs one renewal may be given. */
const CARD_PROOFS_MAX = 5;
const OTHER_CARD = 'The smartcard that answered is not the one being renewed. Start again.';

/** The audit facts of a renewal's card steps: who did it (the sponsor, or the holder) and to what. */
export function renewalStepFacts(row: RenewalRow, workstationId: string, step: string): RefusalFacts {
  return { subject: row.cardUuid, actor: row.sponsorUuid ?? row.holderUuid, workstationId, details: { kind: row.kind, step } };
}

const setWitnessExchange = async (ctx: ServiceContext, row: RenewalRow, exchangeId: string | null): Promise<void> => {
  await ctx.db
    .updateTable('card_renewals')
    .set((eb) => ({ witness_exchange: exchangeId, card_proofs: eb('card_proofs', '+', exchangeId === null ? 0 : 1) }))
    .where('id', '=', row.id)
    .execute();
};

export async function answerRenewalWitness(ctx: ServiceContext, renewalId: string, body: z.infer<typeof RenewalWitnessRequest>): Promise<z.infer<typeof RenewalWitnessResponse>> {
  const facts: RefusalFacts = { workstationId: body.workstationId };
  return auditedStep(ctx, 'card.renewal-refused', facts, async (tx) => {
    const now = ctx.now().getTime();
    const row = await findRenewal(tx.db, renewalId, body.workstationId);
    Object.assign(facts, renewalStepFacts(row, body.workstationId, 'card-witness'));
    requireStep(row, CARD_STEPS);
    requireNotExpired(row, now);
    await requireStillAllowed(tx, row, now);
    if (row.witnessExchange !== null && (await managementKeyExchangesFor(tx).isPending(row.witnessExchange))) {
      throw refuse(429, 'rate-limited', 'witness-outstanding', 'The smartcard is already being checked for this renewal. Wait half a minute, then try again.');
    }
    if (row.cardProofs >= CARD_PROOFS_MAX) {
      throw refuse(409, 'conflict', 'card-proofs-used', 'The smartcard has been checked as many times as one renewal allows. Start again.');
    }
    const answer = await relayCardWitness(tx, row.cardUuid, body.witness);
    await setWitnessExchange(tx, row, answer.exchangeId);
    return answer;
  });
}

export async function authenticateRenewalCard(
  ctx: ServiceContext,
  renewalId: string,
  body: z.infer<typeof RenewalAuthenticateRequest>,
): Promise<z.infer<typeof RenewalAuthenticateResponse>> {
  const facts: RefusalFacts = { workstationId: body.workstationId };
  return auditedStep(ctx, 'card.renewal-refused', facts, async (tx) => {
    const now = ctx.now().getTime();
    const row = await findRenewal(tx.db, renewalId, body.workstationId);
    Object.assign(facts, renewalStepFacts(row, body.workstationId, 'authenticate'));
    requireStep(row, CARD_STEPS);
    requireNotExpired(row, now);
    await requireStillAllowed(tx, row, now);
    // Only this renewal's own exchange, once: spent whether the answer is right or not.
    if (row.witnessExchange === null || row.witnessExchange !== body.exchangeId) throw refuse(403, 'forbidden', 'exchange-not-this-renewal', OTHER_CARD);
    await setWitnessExchange(tx, row, null);
    await requireCardProof(tx, row.cardUuid, body.exchangeId, body.cardResponse, OTHER_CARD);
    if (row.status === 'opened') await setRenewalStatus(tx.db, row.id, 'authenticated');
    await appendAudit(
      tx.db,
      {
        action: 'card.renewal-card-proved',
        actor: facts.actor ?? null,
        subject: row.cardUuid,
        workstationId: body.workstationId,
        details: { kind: row.kind, holderUuid: row.holderUuid, issuedSerial: row.issuedSerial },
      },
      new Date(now),
    );
    return { authenticated: true as const, newKeyProof: await newKeyProofFor(tx, row), issuedCertificate: row.issuedDer ? row.issuedDer.toString('base64') : null };
  });
}
