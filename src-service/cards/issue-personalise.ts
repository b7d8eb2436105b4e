import type { z } from 'zod';
import type { PersonaliseBody, PersonaliseResponse } from '../../src-shared/api/cim-cards.js';
import { appendAudit } from '../audit/audit-log.js';
import type { SessionContext } from '../auth/session-store.js';
import { newManagementKey, newPuk, openCardSecret, sealCardSecret } from '../crypto/card-secrets.js';
import type { ServiceContext } from '../service-context.js';
import { auditedStep } from '../unlock/unlock-refusal.js';
import { operationForStep, storeOperationSecrets, type CardOperationRow } from './card-operation-store.js';
import { operationFacts } from './card-operation-relay.js';

// POST /v1/card-operations/{id}/personalise: once the card holds its certificate, the service
// hands the agent, for the card only, the card's new PUK (8 random digits, to replace the factory
// PUK) and the whole Yubico SET MANAGEMENT KEY command that gives the card its AES-128 key. Both
// are made once and kept sealed in the operation under the new card's UUID: asked again (the
// answer was lost on the way), the same values come back, so a card that already took them and
// one that did not end up the same. They are never logged, audited or shown; the agent sends
// them to the card and wipes them.

type Answer = z.infer<typeof PersonaliseResponse>;

/** Yubico SET MANAGEMENT KEY: CLA 00, INS FF, P1 FF, P2 FF (no touch), Lc 19, AES-128 (08), key 9B, 16 bytes. */
const SET_MANAGEMENT_KEY_AES128 = Buffer.from([0x00, 0xff, 0xff, 0xff, 0x13, 0x08, 0x9b, 0x10]);

function setManagementKeyCommand(key: Buffer): Buffer {
  return Buffer.concat([SET_MANAGEMENT_KEY_AES128, key]);
}

/** The operation's PUK and key: the ones it sealed, or new ones sealed now. The caller wipes the key. */
async function cardSecretsOf(tx: ServiceContext, row: CardOperationRow): Promise<{ puk: string; key: Buffer }> {
  if (row.pukSealed && row.managementKeySealed) {
    const puk = openCardSecret(tx.dataKey, row.cardUuid, 'puk', row.pukSealed);
    try {
      return { puk: puk.toString('ascii'), key: openCardSecret(tx.dataKey, row.cardUuid, 'management-key', row.managementKeySealed) };
    } finally {
      puk.fill(0);
    }
  }
  const puk = newPuk();
  const key = newManagementKey();
  await storeOperationSecrets(tx.db, row.id, {
    pukSealed: sealCardSecret(tx.dataKey, row.cardUuid, 'puk', Buffer.from(puk, 'ascii')),
    managementKeySealed: sealCardSecret(tx.dataKey, row.cardUuid, 'management-key', key),
  });
  return { puk, key };
}

export async function personaliseCard(ctx: ServiceContext, session: SessionContext, operationId: string, body: z.infer<typeof PersonaliseBody>): Promise<Answer> {
  const facts = operationFacts(session, body.workstationId);
  return auditedStep(ctx, 'card.operation-refused', facts, async (tx) => {
    const now = tx.now();
    const row = await operationForStep(tx.db, session, { operationId, workstationId: body.workstationId, now }, {
      kind: 'issue',
      from: ['issued', 'personalised'],
      notNow: 'The smartcard has no certificate yet, so it cannot be personalised. Issue the smartcard again.',
    });
    const first = row.status === 'issued';
    const { puk, key } = await cardSecretsOf(tx, row);
    const command = setManagementKeyCommand(key);
    key.fill(0);
    try {
      if (first) {
        await appendAudit(
          tx.db,
          { action: 'card.issue-personalised', actor: session.userUuid, subject: row.cardUuid, workstationId: body.workstationId, details: { holderUuid: row.holderUuid } },
          now,
        );
      }
      return { puk, managementKeyCommand: command.toString('base64') };
    } finally {
      command.fill(0);
    }
  });
}
