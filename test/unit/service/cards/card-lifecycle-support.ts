import type { CardReadout } from '../../../../src-shared/api/cim-cards.js';
import type { MadeCard } from '../../../../src-service/ca/card-factory.js';
import { hashOperationId } from '../../../../src-service/cards/card-operation-store.js';
import type { Db } from '../../../../src-service/store/database.js';

// What the repair and clear tests share: the readouts an agent would send for a card, and the
// card's management-key proof. (Not a test file: vitest only collects *.test.ts.)

/** The workstation the RA's agent opens card operations from in these tests. */
export const WORKSTATION = 'ws-ra-desk';

/** The card as the agent reads it in the second reader, as issued (CHUID, certificate, service's management key). */
export const issuedReadout = (card: MadeCard, changes: Partial<CardReadout> = {}): CardReadout => ({
  serial: card.serial,
  chuidUuid: card.cardUuid,
  certificateSerial: card.certificate.serial,
  factoryManagementKey: false,
  hasAuthenticationKey: true,
  attestationCertificate: null,
  version: '5.4.3',
  ...changes,
});

/** The card after a factory reset: same serial, nothing else. */
export const blankReadout = (serial: number | null): CardReadout => ({
  serial,
  chuidUuid: null,
  certificateSerial: null,
  factoryManagementKey: true,
  hasAuthenticationKey: false,
  attestationCertificate: null,
  version: '5.4.3',
});

/**
 * The card proved the service's management key for this operation (the relayed witness and
 * challenge of card-operation-relay, which its own tests drive with a card): the operation moves
 * to 'authenticated' as that proof leaves it.
 */
export async function cardProved(db: Db, operationId: string): Promise<void> {
  const done = await db.updateTable('card_operations').set({ status: 'authenticated' }).where('operation_hash', '=', hashOperationId(operationId)).executeTakeFirst();
  if (Number(done.numUpdatedRows) !== 1) throw new Error('no such operation');
}

export const operationStatus = async (db: Db, operationId: string): Promise<string> =>
  (await db.selectFrom('card_operations').select('status').where('operation_hash', '=', hashOperationId(operationId)).executeTakeFirstOrThrow()).status;
