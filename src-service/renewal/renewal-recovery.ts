import type { z } from 'zod';
import type { RecoverRenewalRequest, RenewalOpened } from '../../src-shared/api/service-renewal.js';
import type { ServiceContext } from '../service-context.js';
import { auditedStep, refuse, type RefusalFacts } from '../unlock/unlock-refusal.js';
import { requireProvenCard } from '../unlock/card-proof.js';
import { requireRenewableCard } from './renewal-liveness.js';
import { openRenewal, renewableCard } from './renewal-opening.js';
import { recoveriesSince, unfinishedRenewalsSince } from './renewal-store.js';

// POST /v1/renewals/recover: no session, because a card whose renewal was cut short may not be
// able to sign in (its key no longer matches its certificate). The card's UUID is public, so the
// card proves itself first (unlock/card-proof.ts): until it has, no renewal is voided or opened
// and nobody learns whether one is waiting. Then this only ever continues what the service
// journaled: a renewal of that card, unfinished, from the last 30 days. The new renewal carries over the
// certificate the old one issued, if any (the card may hold its key), and the card must prove
// itself with its management key before anything else is done. A few recoveries an hour at most.

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
/** How far back an unfinished renewal may be recovered. */
const RECOVERABLE_DAYS = 30;
const RECOVERIES_PER_HOUR = 10;

const NOTHING_WAITING = 'No renewal of this smartcard is waiting to be finished. If the smartcard does not work, contact your Registration Authority.';

async function rateLimit(ctx: ServiceContext, cardId: number, now: number): Promise<void> {
  const { count, earliest } = await recoveriesSince(ctx.db, cardId, now - HOUR_MS);
  if (count < RECOVERIES_PER_HOUR) return;
  const minutes = Math.max(1, Math.ceil(((earliest ?? now) + HOUR_MS - now) / MINUTE_MS));
  throw refuse(
    429,
    'rate-limited',
    'rate-limited',
    `This smartcard's renewal has been resumed ${RECOVERIES_PER_HOUR} times in the last hour, the most allowed. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
  );
}

export async function recoverRenewal(ctx: ServiceContext, body: z.infer<typeof RecoverRenewalRequest>): Promise<RenewalOpened> {
  await requireProvenCard(ctx, body.cardUuid, body.cardProof);
  const facts: RefusalFacts = { workstationId: body.workstationId, details: { kind: 'recovery' } };
  return auditedStep(ctx, 'card.renewal-refused', facts, async (tx) => {
    const now = ctx.now();
    const cardId = (await tx.db.selectFrom('cards').select('id').where('uuid', '=', body.cardUuid.toLowerCase()).executeTakeFirst())?.id;
    const card = cardId === undefined ? undefined : await renewableCard(tx, cardId);
    // An unknown card and one with nothing to recover get the same answer.
    if (!card) throw refuse(404, 'not-found', 'nothing-to-recover', NOTHING_WAITING);
    facts.subject = card.cardUuid;
    facts.actor = card.holderUuid;
    const unfinished = await unfinishedRenewalsSince(tx.db, card.cardId, now.getTime() - RECOVERABLE_DAYS * DAY_MS);
    const newest = unfinished[0];
    if (!newest) throw refuse(404, 'not-found', 'nothing-to-recover', NOTHING_WAITING);
    requireRenewableCard(card);
    await rateLimit(tx, card.cardId, now.getTime());
    // The newest certificate issued and not yet confirmed is the one the card may hold.
    const issued = unfinished.find((r) => r.issuedDer !== null && r.issuedSerial !== null && r.issuedNotAfter !== null);
    return openRenewal(
      tx,
      {
        card,
        kind: 'recovery',
        workstationId: body.workstationId,
        oldSerial: newest.oldSerial,
        ...(issued ? { issued: { serial: issued.issuedSerial as string, der: issued.issuedDer as Buffer, notAfter: issued.issuedNotAfter as string } } : {}),
        details: { recovers: { kind: newest.kind, status: newest.status }, issuedSerial: issued?.issuedSerial ?? null },
      },
      now,
    );
  });
}
