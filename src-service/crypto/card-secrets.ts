import { randomBytes, randomInt } from 'node:crypto';
import type { Db } from '../store/database.js';
import { open, seal } from './secret-box.js';

// Per-card secrets held by the service: the PUK (8 random digits) and the AES-128 management
// key. Stored only sealed under the data key, bound to the card UUID and the secret's name, so
// a sealed value moved to another card's row, or swapped between columns, does not open.
// Nothing here is ever returned by an endpoint or written to a log.

// 'puk-pending' is the PUK an unlock has handed out to replace 'puk', held until the agent
// confirms the card has it (src-service/unlock/puk-rotation.ts).
export type CardSecretName = 'puk' | 'puk-pending' | 'management-key';
export const MANAGEMENT_KEY_ALGORITHM = 'aes128';
const MANAGEMENT_KEY_BYTES = 16;

const COLUMN: Record<CardSecretName, 'puk_sealed' | 'puk_pending_sealed' | 'management_key_sealed'> = {
  puk: 'puk_sealed',
  'puk-pending': 'puk_pending_sealed',
  'management-key': 'management_key_sealed',
};

const cardSecretContext = (cardUuid: string, name: CardSecretName): string => `card-secret/v1:${cardUuid}:${name}`;

/** Eight uniformly random digits (leading zeros kept). */
export function newPuk(): string {
  return randomInt(0, 100_000_000).toString().padStart(8, '0');
}

export function newManagementKey(): Buffer {
  return randomBytes(MANAGEMENT_KEY_BYTES);
}

export function sealCardSecret(dataKey: Buffer, cardUuid: string, name: CardSecretName, value: Uint8Array): Buffer {
  return seal(dataKey, value, cardSecretContext(cardUuid, name));
}

export function openCardSecret(dataKey: Buffer, cardUuid: string, name: CardSecretName, sealed: Uint8Array): Buffer {
  return open(dataKey, sealed, cardSecretContext(cardUuid, name));
}

export interface CardSecretRow {
  readonly cardId: number;
  readonly status: string;
  readonly managementKeyAlgorithm: string | null;
  /** The opened secret; the caller wipes it after use. */
  readonly value: Buffer;
}

/** Reads and opens one secret of a card, or undefined when the card or the secret is absent. */
export async function readCardSecret(db: Db, dataKey: Buffer, cardUuid: string, name: CardSecretName): Promise<CardSecretRow | undefined> {
  const row = await db
    .selectFrom('cards')
    .select((eb) => ['id', 'status', 'management_key_algorithm as alg', eb.ref(COLUMN[name]).as('sealed')])
    .where('uuid', '=', cardUuid)
    .executeTakeFirst();
  if (!row?.sealed) return undefined;
  return { cardId: row.id, status: row.status, managementKeyAlgorithm: row.alg, value: openCardSecret(dataKey, cardUuid, name, row.sealed) };
}
