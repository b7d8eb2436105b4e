import type { z } from 'zod';
import type {
  OperationAuthenticateBody,
  OperationAuthenticateResponse,
  OperationWitnessBody,
  OperationWitnessResponse,
} from '../../src-shared/api/cim-cards.js';
import type { SessionContext } from '../auth/session-store.js';
import { openCardSecret } from '../crypto/card-secrets.js';
import type { ManagementKeySource } from '../crypto/management-key-exchanges.js';
import { conflict } from '../service-error.js';
import type { ServiceContext } from '../service-context.js';
import { relayCardWitness, requireCardProof } from '../unlock/card-proof.js';
import { auditedStep, type RefusalFacts } from '../unlock/unlock-refusal.js';
import { operationForStep, recordCardProof, type CardOperationRow, type CardOperationStatus } from './card-operation-store.js';

// POST /v1/card-operations/{id}/card-witness and /authenticate: the card in the RA's second
// reader proves it holds the operation's management key, relayed through the service so the key
// never leaves it (unlock/card-proof.ts, the same proof unlock and renewal ask). The key is:
//   - issue: the key the operation sealed at personalise, which the card has just been given
//     (the proof that the card now holds it, before the card is registered);
//   - repair, clear: the registered card's (the card is the one on record).
// A proof moves the operation to 'authenticated', the status its next step requires.

/** The statuses a card may prove itself from, by kind: an issue only once it was personalised. */
const PROVABLE_FROM: Record<CardOperationRow['kind'], readonly CardOperationStatus[]> = {
  issue: ['personalised', 'authenticated'],
  repair: ['opened', 'authenticated'],
  clear: ['opened', 'authenticated'],
};

const NOT_YET = 'The smartcard cannot prove itself at this step. Start again.';
const OTHER_CARD = 'The smartcard that answered is not the one in this operation. Start again.';
const STALE_EXCHANGE = 'That card authentication has expired or was already used. Start again.';

/** The key of an issue's card: sealed in its operation under the new card UUID. */
function issueKeySource(row: CardOperationRow, dataKey: Buffer): ManagementKeySource {
  return async (cardUuid) => {
    if (cardUuid !== row.cardUuid || !row.managementKeySealed) return undefined;
    return openCardSecret(dataKey, row.cardUuid, 'management-key', row.managementKeySealed);
  };
}

const keySourceOf = (ctx: ServiceContext, row: CardOperationRow): ManagementKeySource | undefined =>
  row.kind === 'issue' ? issueKeySource(row, ctx.dataKey) : undefined;

/** What the audit of a refused card-operation step names. */
export const operationFacts = (session: SessionContext, workstationId: string): RefusalFacts => ({ actor: session.userUuid, workstationId });

async function stepRow(tx: ServiceContext, session: SessionContext, operationId: string, workstationId: string, facts: RefusalFacts): Promise<CardOperationRow> {
  const row = await operationForStep(tx.db, session, { operationId, workstationId, now: tx.now() }, { kind: ['issue', 'repair', 'clear'], from: PROVABLE_FROM, notNow: NOT_YET });
  facts.subject = row.cardUuid;
  facts.details = { kind: row.kind, holderUuid: row.holderUuid };
  return row;
}

/** Step 1: the card's witness decrypted with the operation's key, and a challenge set. */
export async function operationWitness(
  ctx: ServiceContext,
  session: SessionContext,
  operationId: string,
  body: z.infer<typeof OperationWitnessBody>,
): Promise<z.infer<typeof OperationWitnessResponse>> {
  const facts = operationFacts(session, body.workstationId);
  return auditedStep(ctx, 'card.operation-refused', facts, async (tx) => {
    const row = await stepRow(tx, session, operationId, body.workstationId, facts);
    const answer = await relayCardWitness(tx, row.cardUuid, body.witness, { proofOnly: row.kind === 'clear', keySource: keySourceOf(tx, row) });
    // Step 2 must answer this exchange: one begun elsewhere (another step, another card) is not this proof.
    await tx.db.updateTable('card_operations').set({ witness_exchange: answer.exchangeId }).where('id', '=', row.id).execute();
    return answer;
  });
}

/** Step 2: the card's answer checked; the operation is 'authenticated'. */
export async function operationAuthenticate(
  ctx: ServiceContext,
  session: SessionContext,
  operationId: string,
  body: z.infer<typeof OperationAuthenticateBody>,
): Promise<z.infer<typeof OperationAuthenticateResponse>> {
  const facts = operationFacts(session, body.workstationId);
  return auditedStep(ctx, 'card.operation-refused', facts, async (tx) => {
    const row = await stepRow(tx, session, operationId, body.workstationId, facts);
    if (row.witnessExchange !== body.exchangeId) throw conflict(STALE_EXCHANGE);
    await requireCardProof(tx, row.cardUuid, body.exchangeId, body.cardResponse, OTHER_CARD, keySourceOf(tx, row));
    await recordCardProof(tx.db, row.id);
    return { authenticated: true as const };
  });
}
