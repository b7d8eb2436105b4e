import { randomUUID, X509Certificate } from 'node:crypto';
import type { z } from 'zod';
import { isBlankReadout, type CardReadout, type IssueSmartcardBody, type IssueSmartcardOpened } from '../../src-shared/api/cim-cards.js';
import { appendAudit } from '../audit/audit-log.js';
import type { SessionContext } from '../auth/session-store.js';
import { ServiceError, badRequest, conflict, notFound } from '../service-error.js';
import type { ServiceContext } from '../service-context.js';
import type { Db } from '../store/database.js';
import { inTransaction } from '../store/transaction.js';
import { issuesLeftBy, openCardOperation, requireRightOverHolder, voidOperation } from './card-operation-store.js';

// POST /v1/users/{uuid}/smartcards: an RA (activity 'issue-smartcard', the holder in their
// organisation or its child organisations) opens the issue of a new smartcard to a user, for the
// card their agent read in its second reader. Nothing is written to the card yet; the answer is
// the operation's capability and the new card's UUID, for the card steps.
//
// The card must be free to issue: not a card registered to anyone (a cleared card is free), and
// blank. A card that is not blank is taken only when an issue that never finished left it so
// (same serial, or its CHUID names that issue's card): that issue is voided, any certificate it
// got is revoked (an orphan), and the agent is told to reset the card to factory first. So a
// card pulled at any step of an issue can always be issued again.

type Opened = z.infer<typeof IssueSmartcardOpened>;

interface Holder {
  readonly id: number;
  readonly uuid: string;
  readonly name: string;
  readonly status: string;
}

async function findHolder(db: Db, uuid: string): Promise<Holder> {
  const row = await db
    .selectFrom('users')
    .select(['id', 'uuid', 'given_name as given', 'family_name as family', 'status'])
    .where('uuid', '=', uuid.toLowerCase())
    .executeTakeFirst();
  if (!row) throw notFound('That user');
  return { id: row.id, uuid: row.uuid, name: `${row.given} ${row.family}`, status: row.status };
}

/** Refuses a card registered to anyone: one with this serial, or the card its CHUID names, not cleared. */
async function requireNotRegistered(db: Db, card: CardReadout): Promise<void> {
  if (card.serial === null && card.chuidUuid === null) return;
  const registered = await db
    .selectFrom('cards as k')
    .innerJoin('users as u', 'u.id', 'k.user_id')
    .select(['u.given_name as given', 'u.family_name as family'])
    .where((eb) => {
      const sameCard = [];
      if (card.serial !== null) sameCard.push(eb('k.serial', '=', card.serial));
      if (card.chuidUuid !== null) sameCard.push(eb('k.uuid', '=', card.chuidUuid.toLowerCase()));
      return eb.and([eb.or(sameCard), eb.or([eb('k.status', '<>', 'revoked'), eb('k.cleared_at', 'is', null)])]);
    })
    .limit(1)
    .executeTakeFirst();
  if (registered) throw conflict(`This smartcard is registered to ${registered.given} ${registered.family}. Clear it before issuing it again.`);
}

/** The public key (SubjectPublicKeyInfo, DER) of the card's attestation certificate, which must vouch for its new key. */
function attestationKeyOf(card: CardReadout): Buffer | null {
  if (card.attestationCertificate === null) return null;
  try {
    return new X509Certificate(Buffer.from(card.attestationCertificate, 'base64')).publicKey.export({ type: 'spki', format: 'der' });
  } catch {
    throw badRequest("The smartcard's attestation certificate could not be read.", [{ path: 'body.card.attestationCertificate', message: 'not a certificate' }]);
  }
}

const NOT_BLANK =
  'This smartcard is not blank: it holds keys or data from somewhere else. Use a new card, or a card cleared for reuse in Care Identity Management.';

const NO_SERIAL = 'This smartcard does not give a serial number, so it cannot be issued. Use another card.';

export async function openIssue(ctx: ServiceContext, session: SessionContext, userUuid: string, body: z.infer<typeof IssueSmartcardBody>): Promise<Opened> {
  const attestationKey = attestationKeyOf(body.card);
  const now = ctx.now();
  return inTransaction(ctx.db, async (trx) => {
    const holder = await findHolder(trx, userUuid);
    await requireRightOverHolder(trx, session, 'issue-smartcard', holder.id, now);
    if (holder.status !== 'open') throw new ServiceError(409, 'conflict', `${holder.name}'s profile is closed. Reopen it before issuing a smartcard.`);
    // The directory knows a card by its serial (cards.serial): a card that gives none cannot be registered.
    if (body.card.serial === null) throw conflict(NO_SERIAL);
    await requireNotRegistered(trx, body.card);

    // Issues this card left unfinished: voided (their certificates revoked), whether the card
    // kept anything of them or not. A card that is not blank may be reset and reused only when its
    // latest issue never finished (unfinished, abandoned or expired): ours, and never registered.
    const leftBy = await issuesLeftBy(trx, { serial: body.card.serial, chuidUuid: body.card.chuidUuid?.toLowerCase() ?? null });
    const resetFirst = !isBlankReadout(body.card);
    if (resetFirst && !leftBy.latestNeverFinished) throw conflict(NOT_BLANK);
    const orphaned: string[] = [];
    for (const earlier of leftBy.unfinished) {
      const { orphanedSerial } = await voidOperation(trx, earlier, 'superseded', now);
      if (orphanedSerial) orphaned.push(orphanedSerial);
    }

    const cardUuid = randomUUID();
    const opened = await openCardOperation(trx, {
      kind: 'issue',
      session,
      workstationId: body.workstationId,
      holderId: holder.id,
      cardSerial: body.card.serial,
      cardUuid,
      algorithm: body.algorithm,
      attestationKey,
      now: now.getTime(),
    });
    await appendAudit(
      trx,
      {
        action: 'card.issue-opened',
        actor: session.userUuid,
        subject: cardUuid,
        workstationId: body.workstationId,
        details: {
          holderUuid: holder.uuid,
          serial: body.card.serial,
          algorithm: body.algorithm,
          attested: attestationKey !== null,
          resetFirst,
          supersedes: leftBy.unfinished.map((row) => row.cardUuid),
          certificatesRevoked: orphaned,
        },
      },
      now,
    );
    return {
      operationId: opened.operationId,
      cardUuid,
      holder: { uuid: holder.uuid, name: holder.name },
      algorithm: body.algorithm,
      resetFirst,
      expiresAt: new Date(opened.expiresAt).toISOString(),
    };
  });
}
