import { fullName } from '../store/full-name.js';
import type { Db } from '../store/database.js';
import { refuse } from './unlock-refusal.js';

// The locked card an unlock is asked for, as the directory knows it, and the certificate read
// from it. The certificate must be one the directory issued to that very card (same DER), so
// the card UUID cannot be borrowed from another card; then it must be the card's current one
// (not revoked, not replaced by a renewal). Both self-service and sponsor unlocks start here.

export interface CardOnRecord {
  readonly cardId: number;
  readonly cardUuid: string;
  readonly cardStatus: string;
  readonly holderId: number;
  readonly holderUuid: string;
  readonly holderName: string;
  readonly holderStatus: string;
  readonly holderEmail: string | null;
  readonly holderMobile: string | null;
  /** When the holder's email and mobile last changed (epoch ms): a new one gets no unlock codes for a day. */
  readonly holderEmailChangedAt: number | null;
  readonly holderMobileChangedAt: number | null;
  readonly certificateNotAfter: Date;
  /** Not revoked, and no later unrevoked certificate on the card. */
  readonly certificateCurrent: boolean;
}

export async function cardOnRecord(db: Db, cardUuid: string, certificateBase64: string): Promise<CardOnRecord> {
  const card = await db
    .selectFrom('cards as k')
    .innerJoin('users as u', 'u.id', 'k.user_id')
    .select([
      'k.id as cardId',
      'k.uuid as cardUuid',
      'k.status as cardStatus',
      'u.id as holderId',
      'u.uuid as holderUuid',
      fullName('u').as('holderName'),
      'u.status as holderStatus',
      'u.email as holderEmail',
      'u.mobile as holderMobile',
      'u.email_changed_at as holderEmailChangedAt',
      'u.mobile_changed_at as holderMobileChangedAt',
    ])
    .where('k.uuid', '=', cardUuid.toLowerCase())
    .executeTakeFirst();
  if (!card) throw refuse(404, 'not-found', 'card-unknown', 'This smartcard is not registered with the identity service. Contact your registration authority.');

  const presented = Buffer.from(certificateBase64, 'base64');
  // Newest first: the first unrevoked one is the card's current certificate.
  const certificates = await db
    .selectFrom('certificates')
    .select(['der', 'not_after as notAfter', 'revoked_at as revokedAt'])
    .where('card_id', '=', card.cardId)
    .orderBy('not_after', 'desc')
    .execute();
  const match = certificates.find((c) => c.der !== null && presented.equals(c.der));
  if (!match) {
    throw refuse(
      409,
      'conflict',
      'certificate-not-on-record',
      "The certificate read from this smartcard is not the one the identity service issued to it. Contact your registration authority.",
    );
  }
  const current = certificates.find((c) => c.revokedAt === null);
  return { ...card, certificateNotAfter: new Date(match.notAfter), certificateCurrent: match.revokedAt === null && current === match };
}

/** What is being refused, in the message: "so it cannot be unlocked" (or renewed). */
export type CardServiceOutcome = 'unlocked' | 'renewed';

/** Refuses (409) a card that can never be unlocked or renewed again: revoked or cancelled. */
export function refuseStoppedCard(card: { cardStatus: string }, outcome: CardServiceOutcome = 'unlocked'): void {
  if (card.cardStatus === 'revoked' || card.cardStatus === 'cancelled') {
    throw refuse(
      409,
      'conflict',
      `card-${card.cardStatus}`,
      `This smartcard has been ${card.cardStatus}, so it cannot be ${outcome}. A registration authority can issue a new one.`,
    );
  }
}

/** Refuses (409) a certificate that was revoked or replaced since it was written to the card. */
export function refuseOldCertificate(card: CardOnRecord, outcome: CardServiceOutcome = 'unlocked'): void {
  if (!card.certificateCurrent) {
    throw refuse(
      409,
      'conflict',
      'certificate-not-current',
      `The certificate on this smartcard has been revoked or replaced, so the card cannot be ${outcome}. Contact your registration authority.`,
    );
  }
}
