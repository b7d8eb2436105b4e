import type { z } from 'zod';
import type { CardsToIssueResponse } from '../../src-shared/api/apply.js';
import { authorize } from '../auth/authorize.js';
import type { SessionContext } from '../auth/session-store.js';
import type { ServiceContext } from '../service-context.js';
import type { Db } from '../store/database.js';
import { fullName } from '../store/full-name.js';
import { deliveryAddressOf } from './application-view.js';
import { inSessionSubtree } from './tabs.js';

// The RA's "cards to issue": approved applicants in the RA's subtree whose smartcard has not yet
// been posted. Issuing the card is the card lifecycle's own journey; once the new user has an
// active card, the RA marks it posted and the application leaves the list.

/** Whether `userId` holds an active smartcard: issued, so it can be posted. */
export async function hasActiveCard(db: Db, userId: number): Promise<boolean> {
  const card = await db.selectFrom('cards').select('id').where('user_id', '=', userId).where('status', '=', 'active').executeTakeFirst();
  return card !== undefined;
}

/** GET /v1/apply/cards-to-issue: the longest waiting first. */
export async function cardsToIssue(ctx: ServiceContext, session: SessionContext): Promise<z.infer<typeof CardsToIssueResponse>> {
  authorize(session, 'issue-smartcard');
  const rows = await ctx.db
    .selectFrom('applications as a')
    .innerJoin('organisations as o', 'o.id', 'a.org_id')
    .innerJoin('users as u', 'u.id', 'a.created_user_id')
    .select([
      'a.reference',
      'a.decided_at',
      'a.address_line1',
      'a.address_line2',
      'a.address_town',
      'a.address_postcode',
      'u.uuid',
      fullName('u').as('name'),
      'o.code',
      'o.name as org_name',
      (eb) =>
        eb
          .exists(eb.selectFrom('cards as c').select('c.id').whereRef('c.user_id', '=', 'u.id').where('c.status', '=', 'active'))
          .as('card_issued'),
    ])
    .where('a.status', '=', 'approved')
    .where('a.posted_at', 'is', null)
    .where(inSessionSubtree(session))
    .orderBy('a.decided_at')
    .orderBy('a.id')
    .execute();
  return {
    cards: rows.map((r) => ({
      reference: r.reference,
      user: { uuid: r.uuid, name: r.name },
      organisation: { code: r.code, name: r.org_name },
      approvedAt: new Date(r.decided_at ?? 0).toISOString(),
      deliveryAddress: deliveryAddressOf(r),
      // SQLite answers EXISTS with 0 or 1, PostgreSQL with a boolean.
      cardIssued: Boolean(r.card_issued),
    })),
  };
}
