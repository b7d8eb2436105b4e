import { managementKeyExchangesFor } from '../crypto/management-key-exchanges.js';
import type { ServiceContext } from '../service-context.js';
import { refuse } from './unlock-refusal.js';
import type { UnlockRow } from './unlock-store.js';
import { requireStep } from './unlock-liveness.js';

// Which unlocks may take the card steps (card witness, release). A ready one; and a released one
// whose answer never reached the card (lost on the way, or the card failed before it was
// used): the agent may then prove the card again and be given the same PUKs, a few times, so
// the holder can simply try again instead of starting over. Each step spends one card proof,
// and only one proof may be under way per unlock, bound to it: the service decrypts one block
// with the card's key per proof, so nobody gets to ask for many.

/** How many times a released unlock may release the PUKs again, each after a fresh card proof. */
const RELEASE_AGAIN_MAX = 3;

export function requireCardStep(row: UnlockRow): void {
  if (row.status === 'released') {
    if (row.releases <= RELEASE_AGAIN_MAX) return;
    throw refuse(409, 'conflict', 'releases-used', 'That unlock has given the smartcard its PUK as many times as it may. Start again.');
  }
  requireStep(row, 'ready');
}

/** Refuses (429) a card witness while the one opened for this unlock is still waiting. */
export async function refuseOutstandingWitness(ctx: ServiceContext, row: UnlockRow): Promise<void> {
  if (row.witnessExchange !== null && (await managementKeyExchangesFor(ctx).isPending(row.witnessExchange))) {
    throw refuse(429, 'rate-limited', 'witness-outstanding', 'The smartcard is already being checked for this unlock. Wait half a minute, then try again.');
  }
}

/**
 * The exchange a release presents must be the one the witness step opened for this unlock; it
 * is spent either way (the exchange store forgets it as it checks the answer).
 */
export async function requireOwnExchange(ctx: ServiceContext, row: UnlockRow, exchangeId: string): Promise<void> {
  if (row.witnessExchange === null || row.witnessExchange !== exchangeId) {
    throw refuse(403, 'forbidden', 'exchange-not-this-unlock', 'The smartcard that answered is not the one being unlocked. Start again.');
  }
  await setWitnessExchange(ctx, row.id, null);
}

export async function setWitnessExchange(ctx: ServiceContext, unlockRowId: number, exchangeId: string | null): Promise<void> {
  await ctx.db.updateTable('card_unlocks').set({ witness_exchange: exchangeId }).where('id', '=', unlockRowId).execute();
}
