import type { Activity } from '../../src-shared/domain/roles.js';
import { authorize } from '../auth/authorize.js';
import type { SessionContext } from '../auth/session-store.js';
import { notFound } from '../service-error.js';
import type { Db } from '../store/database.js';
import { fullName } from '../store/full-name.js';
import { openCardOperation, requireRightOverHolder, type CardOperationKind } from './card-operation-store.js';

// The registered card a repair, clear or cancel is asked for, once the session may do that to
// its holder: the role first (so a role without the activity learns nothing about the card),
// then the card, then the holder's organisations against the session's subtree. Every step of
// those tasks comes through here, so a session that lost its role or scope meanwhile is refused.

export interface CardInScope {
  readonly cardId: number;
  readonly cardUuid: string;
  readonly serial: number;
  readonly status: 'active' | 'locked' | 'revoked' | 'cancelled';
  /** Set when the card was cleared for reuse (status 'revoked'). */
  readonly clearedAt: string | null;
  readonly algorithm: 'rsa2048' | 'p256';
  readonly holderId: number;
  readonly holderUuid: string;
  readonly holderName: string;
}

export async function cardInScope(db: Db, session: SessionContext, activity: Activity, cardUuid: string, now: Date): Promise<CardInScope> {
  authorize(session, activity);
  const card = await db
    .selectFrom('cards as k')
    .innerJoin('users as u', 'u.id', 'k.user_id')
    .select([
      'k.id as cardId',
      'k.uuid as cardUuid',
      'k.serial as serial',
      'k.status as status',
      'k.cleared_at as clearedAt',
      'k.algorithm as algorithm',
      'u.id as holderId',
      'u.uuid as holderUuid',
      fullName('u').as('holderName'),
    ])
    .where('k.uuid', '=', cardUuid.toLowerCase())
    .executeTakeFirst();
  if (!card) throw notFound('That smartcard');
  await requireRightOverHolder(db, session, activity, card.holderId, now);
  return card;
}

/** The card's state in words, for a refusal: "cancelled", "cleared", "revoked". */
export const stoppedAs = (card: Pick<CardInScope, 'status' | 'clearedAt'>): string =>
  card.status === 'revoked' && card.clearedAt !== null ? 'cleared' : card.status;

/** The card in the reader is this registered card: its CHUID names it, or it has its serial. */
export const readoutIsCard = (readout: { serial: number | null; chuidUuid: string | null }, card: Pick<CardInScope, 'cardUuid' | 'serial'>): boolean =>
  readout.chuidUuid === card.cardUuid || (readout.serial !== null && readout.serial === Number(card.serial));

/** The refusal when the card in the second reader is another card. */
export const NOT_THIS_CARD = 'The smartcard in your second reader is not the card you chose. Insert that card and try again.';

/** Opens a repair or clear of this registered card, as read in the reader (its serial), for this session and workstation. */
export const openOnCard = (
  db: Db,
  kind: Exclude<CardOperationKind, 'issue'>,
  session: SessionContext,
  card: CardInScope,
  read: { readonly workstationId: string; readonly serial: number | null; readonly outcome?: string },
  now: Date,
): Promise<{ operationId: string; id: number; expiresAt: number }> =>
  openCardOperation(db, {
    kind,
    session,
    workstationId: read.workstationId,
    holderId: card.holderId,
    cardSerial: read.serial,
    cardUuid: card.cardUuid,
    cardId: card.cardId,
    algorithm: card.algorithm,
    ...(read.outcome !== undefined ? { outcome: read.outcome } : {}),
    now: now.getTime(),
  });
