import { createHash } from 'node:crypto';
import type { CardReadout } from '../../../../src-shared/api/cim-cards.js';
import type { MadeCard } from '../../../../src-service/ca/card-factory.js';
import type { Db } from '../../../../src-service/store/database.js';
import type { Harness } from '../cim/cim-harness.js';
import { prove, WS } from './issue-support.js';

// What the repair and clear tests share: the readouts an agent would send for a card, and the
// card's management-key proof. (Not a test file: vitest only collects *.test.ts.)

/** The workstation the RA's agent opens card operations from in these tests (the card proof's steps name it too). */
export const WORKSTATION = WS;

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
 * The registered card proves it holds the service's management key for this operation: its half
 * of the relayed witness and challenge (card-witness, authenticate), with the key the card
 * factory gave it.
 */
export async function cardProved(h: Harness, token: string, operationId: string, card: MadeCard): Promise<void> {
  const res = await prove(h, token, operationId, Buffer.from(card.state.managementKey.key, 'hex'));
  if (res.status !== 200) throw new Error(`the card proof was refused: ${res.status} ${JSON.stringify(res.body)}`);
}

/** The store keeps only an operation id's SHA-256: the row a test looks up by the id it was handed. */
const operationHash = (operationId: string): Buffer => createHash('sha256').update(operationId, 'utf8').digest();

export const operationStatus = async (db: Db, operationId: string): Promise<string> =>
  (await db.selectFrom('card_operations').select('status').where('operation_hash', '=', operationHash(operationId)).executeTakeFirstOrThrow()).status;
