import type { OutboxMessage } from '../../src-shared/api/service-unlock.js';
import { digestReferenceData, padReferenceData } from '../../src-shared/card/reference-data.js';
import type { VirtualCardState } from '../../src-shared/card/virtual-card-state.js';
import { openCardSecret } from '../../src-service/crypto/card-secrets.js';
import { readOutbox } from '../../src-service/notify/outbox.js';
import type { RunningService } from '../../src-service/start-service.js';
import type { UnlockRelay } from '../../src-main/agent/unlock-card.js';
import { ALG } from '../../src-main/card/piv/piv-constants.js';
import { localManagementKeyResponder } from '../../src-main/card/piv/piv-management-key.js';
import type { CommandRecord } from '../../src-main/virtual-card/piv-card-engine.js';

// What the unlock tests look at: what a card holds (its PUK and passcode, by the digests the
// card keeps), which PUKs the service holds for it (current, and pending until a commit), the
// security codes the service "sent" (its outbox), and the card's own command log.

const INS_NAMES: Readonly<Record<number, string>> = {
  0xa4: 'SELECT',
  0x20: 'VERIFY',
  0x87: 'GENERAL AUTHENTICATE',
  0x2c: 'RESET RETRY COUNTER',
  0x24: 'CHANGE REFERENCE DATA',
  0xcb: 'GET DATA',
  0xc0: 'GET RESPONSE',
  0x47: 'GENERATE',
  0xdb: 'PUT DATA',
  0xf7: 'GET METADATA',
  0xf9: 'ATTEST',
};

const RESET_RETRY_COUNTER = 0x2c;

/** Does the card's reference data (PIN or PUK) hold `value`? */
export function cardHolds(state: VirtualCardState, which: 'pin' | 'puk', value: string): boolean {
  const ref = state[which];
  const padded = padReferenceData(Buffer.from(value, 'utf8'));
  return Buffer.from(digestReferenceData(Buffer.from(ref.salt, 'hex'), padded)).toString('hex') === ref.digest;
}

/** The PUKs the service holds for a card, opened (test only: the service never shows them). */
export async function servicePuks(service: RunningService, cardUuid: string): Promise<{ current: string | null; pending: string | null }> {
  const row = await service.ctx.db.selectFrom('cards').select(['puk_sealed', 'puk_pending_sealed']).where('uuid', '=', cardUuid).executeTakeFirst();
  const open = (sealed: Buffer | null | undefined, name: 'puk' | 'puk-pending'): string | null =>
    sealed ? openCardSecret(service.ctx.dataKey, cardUuid, name, sealed).toString('ascii') : null;
  return { current: open(row?.puk_sealed, 'puk'), pending: open(row?.puk_pending_sealed, 'puk-pending') };
}

/** Which of the service's PUKs the card holds: 'current', 'pending', or 'neither'. */
export async function cardPukIs(service: RunningService, cardUuid: string, state: VirtualCardState): Promise<'current' | 'pending' | 'neither'> {
  const puks = await servicePuks(service, cardUuid);
  if (puks.current !== null && cardHolds(state, 'puk', puks.current)) return 'current';
  if (puks.pending !== null && cardHolds(state, 'puk', puks.pending)) return 'pending';
  return 'neither';
}

/** The newest message the service sent to `to` (its outbox), if any. */
async function latestMessageTo(service: RunningService, to: string): Promise<OutboxMessage | undefined> {
  return (await readOutbox(service.ctx.db, 50)).find((m) => m.to === to);
}

/** The six-digit security code in the newest message to `to`. */
export async function latestCodeFor(service: RunningService, to: string): Promise<string> {
  const message = await latestMessageTo(service, to);
  const code = message ? /\b(\d{6})\b/.exec(message.text)?.[1] : undefined;
  if (!code) throw new Error(`no security code was sent to ${to}`);
  return code;
}

/** RESET RETRY COUNTER commands the card refused as a wrong PUK: PUK attempts spent. */
export function pukAttemptsSpent(commands: readonly CommandRecord[]): number {
  return commands.filter((c) => c.ins === RESET_RETRY_COUNTER && (c.sw & 0xfff0) === 0x63c0).length;
}

/** The commands as "SELECT, VERIFY, ..." for reading in assertions. */
export const commandNames = (commands: readonly CommandRecord[]): string[] => commands.map((c) => INS_NAMES[c.ins] ?? `INS ${c.ins.toString(16)}`);

/**
 * The service's half of an unlock done in this process, with the card's own management key and
 * PUKs chosen by the test: for the card operation on its own, without the service.
 */
export function localRelay(managementKeyHex: string, puks: { puk: string; nextPuk: string; rotationPending: boolean }): UnlockRelay & { released: number } {
  const responder = localManagementKeyResponder(ALG.AES128, Buffer.from(managementKeyHex, 'hex'));
  const relay = {
    released: 0,
    cardWitness: async (witness: Uint8Array) => {
      const answer = await responder.answerWitness(witness);
      return { exchangeId: 'local', witness: Buffer.from(answer.witness), challenge: Buffer.from(answer.challenge) };
    },
    release: async (_exchangeId: string, cardResponse: Uint8Array) => {
      await responder.checkCardResponse(cardResponse);
      relay.released += 1;
      return { puk: Buffer.from(puks.puk, 'ascii'), nextPuk: Buffer.from(puks.nextPuk, 'ascii'), rotationPending: puks.rotationPending };
    },
  };
  return relay;
}
