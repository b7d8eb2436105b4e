import { randomBytes } from 'node:crypto';
import type { Db } from '../../../../src-service/store/database.js';
import { addCard } from '../../../support/service-fixtures.js';

// Rows the report tests need that no other fixture makes: certificates with an expiry, finished
// unlocks and renewals. (Not a test file.)

let serial = 0;
/** A live (unrevoked) certificate on `cardId` expiring at `notAfter` (ISO). */
export async function certificate(db: Db, cardId: number, notAfter: string, revoked = false): Promise<void> {
  serial++;
  await db
    .insertInto('certificates')
    .values({ serial: `RPT${serial}`, card_id: cardId, der: null, not_before: '2024-01-01T00:00:00.000Z', not_after: notAfter, revoked_at: revoked ? '2025-01-01T00:00:00.000Z' : null, revocation_reason: null })
    .execute();
}

/** A card for `userId` whose live certificate expires at `notAfter`. */
export async function cardExpiring(db: Db, userId: number, notAfter: string, status: 'active' | 'locked' = 'active'): Promise<number> {
  const card = await addCard(db, userId, { status });
  await certificate(db, card.id, notAfter);
  return card.id;
}

/** A finished unlock of `cardId` at `at`, by the holder or a sponsor. */
export async function unlocked(db: Db, cardId: number, at: Date, kind: 'self' | 'sponsor', sponsorUserId: number | null = null): Promise<void> {
  await db
    .insertInto('card_unlocks')
    .values({ unlock_hash: randomBytes(32), card_id: cardId, kind, workstation_id: 'ws', sponsor_user_id: sponsorUserId, status: 'committed', created_at: at.getTime() - 60_000, committed_at: at.getTime() })
    .execute();
}

/** A confirmed renewal of `cardId` at `at`. */
export async function renewed(db: Db, cardId: number, at: Date, kind: 'self' | 'sponsor' | 'recovery', sponsorUserId: number | null = null): Promise<void> {
  await db
    .insertInto('card_renewals')
    .values({ renewal_hash: randomBytes(32), card_id: cardId, kind, workstation_id: 'ws', sponsor_user_id: sponsorUserId, status: 'confirmed', created_at: at.getTime() - 60_000, expires_at: at.getTime() + 60_000, confirmed_at: at.getTime() })
    .execute();
}
