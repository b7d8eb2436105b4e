import { appendAudit } from '../audit/audit-log.js';
import type { ServiceContext } from '../service-context.js';
import { refuse } from './unlock-refusal.js';
import { voidOpenUnlocks, wrongCodesSince } from './unlock-store.js';

// Five tries per code and a few codes an hour would still let someone holding a card (or just
// its public certificate) guess about 25 codes an hour, every hour. So wrong codes are also
// counted per card over a day: at the cap, self-service unlock of that card stops for a day,
// and the holder is sent to a person who can check who they are.

const WRONG_CODES_PER_DAY = 15;
const SELF_UNLOCK_BAR_HOURS = 24;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export const SELF_UNLOCK_BARRED_MESSAGE =
  `Too many wrong security codes have been entered for this smartcard, so it cannot be unlocked with a security code for ${SELF_UNLOCK_BAR_HOURS} hours. ` +
  'Ask your sponsor, local smartcard administrator or registration authority to unlock it.';

/** Refuses (429) a new security code for a card barred after too many wrong ones. */
export async function refuseBarredCard(ctx: ServiceContext, cardId: number, now: number): Promise<void> {
  const row = await ctx.db.selectFrom('cards').select('self_unlock_barred_until as barredUntil').where('id', '=', cardId).executeTakeFirst();
  const until = row?.barredUntil ?? null;
  if (until !== null && until > now) {
    throw refuse(429, 'rate-limited', 'self-unlock-barred', SELF_UNLOCK_BARRED_MESSAGE, { barredUntil: new Date(until).toISOString() });
  }
}

/**
 * Called after a wrong code was counted. At the day's cap the card is barred from self-service
 * for a day (audited), and its codes not yet entered are voided. True when that happened.
 */
export async function barAfterWrongCode(
  ctx: ServiceContext,
  card: { cardId: number; cardUuid: string; holderUuid: string },
  workstationId: string,
  now: number,
): Promise<boolean> {
  const wrong = await wrongCodesSince(ctx.db, card.cardId, now - DAY_MS);
  if (wrong < WRONG_CODES_PER_DAY) return false;
  const until = now + SELF_UNLOCK_BAR_HOURS * HOUR_MS;
  await ctx.db.updateTable('cards').set({ self_unlock_barred_until: until }).where('id', '=', card.cardId).execute();
  await voidOpenUnlocks(ctx.db, card.cardId, 'self', true);
  await appendAudit(
    ctx.db,
    {
      action: 'card.self-unlock-barred',
      actor: card.holderUuid,
      subject: card.cardUuid,
      workstationId,
      details: { wrongCodes: wrong, hours: SELF_UNLOCK_BAR_HOURS, barredUntil: new Date(until).toISOString() },
    },
    new Date(now),
  );
  return true;
}
