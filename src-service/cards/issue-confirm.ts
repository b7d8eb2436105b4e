import { X509Certificate } from 'node:crypto';
import type { z } from 'zod';
import type { CardOperationDone, ConfirmIssueBody } from '../../src-shared/api/cim-cards.js';
import { appendAudit } from '../audit/audit-log.js';
import type { SessionContext } from '../auth/session-store.js';
import { recordCertificate } from '../ca/authentication-certificate.js';
import { MANAGEMENT_KEY_ALGORITHM } from '../crypto/card-secrets.js';
import { conflict } from '../service-error.js';
import type { ServiceContext } from '../service-context.js';
import { inTransaction } from '../store/transaction.js';
import { findCardOperation, finishOperation, operationForStep, requireRightOverHolder } from './card-operation-store.js';

// POST /v1/card-operations/{id}/confirm: the card holds its certificate, CHUID, PUK, the holder's
// passcode and the service's management key, and has proved the key (card-operation-relay.ts).
// Only now is the card registered to the holder (active, with its sealed secrets and the
// attestation key read at opening) and its certificate made live, in one transaction: before
// this, a login with the card is refused and the card can be reset and issued again. Asked
// again (the answer was lost), it answers the same without doing anything twice.

type Answer = z.infer<typeof CardOperationDone>;

export async function confirmIssue(ctx: ServiceContext, session: SessionContext, operationId: string, body: z.infer<typeof ConfirmIssueBody>): Promise<Answer> {
  const now = ctx.now();
  return inTransaction(ctx.db, async (trx) => {
    const found = await findCardOperation(trx, operationId, body.workstationId, session.sessionId);
    if (found.kind === 'issue' && found.status === 'done') {
      await requireRightOverHolder(trx, session, 'issue-smartcard', found.holderId, now);
      return { ok: true as const };
    }
    const row = await operationForStep(trx, session, { operationId, workstationId: body.workstationId, now }, {
      kind: 'issue',
      from: ['authenticated'],
      notNow: 'The smartcard has not yet proved it holds the key the service gave it, so it cannot be registered. Issue the smartcard again.',
    });
    // A profile closed while the card was being written gets no card: the card is reset at its next issue.
    if (row.holderStatus !== 'open') throw conflict(`${row.holderName}'s profile was closed, so the smartcard cannot be registered to them.`);
    if (!row.issuedDer || !row.issuedSerial || !row.pukSealed || !row.managementKeySealed || row.cardSerial === null || row.algorithm === null) {
      throw conflict('This smartcard issue is missing a step, so the card cannot be registered. Issue the smartcard again.');
    }
    const certificate = new X509Certificate(row.issuedDer);
    const { id: cardId } = await trx
      .insertInto('cards')
      .values({
        uuid: row.cardUuid,
        serial: row.cardSerial,
        user_id: row.holderId,
        status: 'active',
        algorithm: row.algorithm,
        puk_sealed: row.pukSealed,
        management_key_sealed: row.managementKeySealed,
        management_key_algorithm: MANAGEMENT_KEY_ALGORITHM,
        attestation_key: row.attestationKey,
        created_at: now.toISOString(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordCertificate(trx, cardId, {
      serial: row.issuedSerial,
      der: row.issuedDer,
      notBefore: new Date(certificate.validFrom),
      notAfter: new Date(certificate.validTo),
    });
    await trx.updateTable('card_operations').set({ card_id: cardId }).where('id', '=', row.id).execute();
    await finishOperation(trx, row.id, 'issued', now.getTime());
    await appendAudit(
      trx,
      {
        action: 'card.issued',
        actor: session.userUuid,
        subject: row.cardUuid,
        workstationId: body.workstationId,
        details: {
          userUuid: row.holderUuid,
          serial: row.cardSerial,
          algorithm: row.algorithm,
          certificateSerial: row.issuedSerial,
          notAfter: new Date(certificate.validTo).toISOString(),
          attested: row.attestationKey !== null,
        },
      },
      now,
    );
    return { ok: true as const };
  });
}
