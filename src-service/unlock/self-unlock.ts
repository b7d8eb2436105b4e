import type { z } from 'zod';
import { SECURITY_CODE_VALID_MINUTES, type SelfUnlockRequest, type SelfUnlockResponse, type UnlockChannel } from '../../src-shared/api/service-unlock.js';
import { appendAudit } from '../audit/audit-log.js';
import { ServiceError } from '../service-error.js';
import { sendableChannels, sendUnlockCode } from '../notify/unlock-code-message.js';
import type { ServiceContext } from '../service-context.js';
import { inTransaction } from '../store/transaction.js';
import { cardOnRecord, refuseOldCertificate, refuseStoppedCard } from './card-on-record.js';
import { requireProvenCard } from './card-proof.js';
import { refuseBarredCard } from './code-guess-limit.js';
import { chooseChannel, eligibleDestinations, maskDestination, refuseWithoutSenders } from './contact-channels.js';
import { newSecurityCode, securityCodeMac } from './security-code.js';
import { codesSentSince, hashUnlockId, insertUnlock, newUnlockId, setUnlockStatus, voidOpenUnlocks } from './unlock-store.js';
import { auditedStep, refuse, type RefusalFacts } from './unlock-refusal.js';

// POST /v1/unlock/self: a holder whose card is locked asks for a security code. No session (the
// card is locked): the card's UUID and its certificate are public, so the card must first prove
// itself (card-proof.ts) before any code is voided or sent or anything about the card is told;
// the code only ever goes to the contact details already on the holder's profile, a few times
// an hour at most. The unlock row is committed before the code is sent, and voided again if the
// sending fails, so a code that never arrived cannot be used and no request waits on the mail
// server while holding the database.

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

interface Prepared {
  readonly rowId: number;
  readonly code: string;
  readonly channel: UnlockChannel;
  readonly to: string;
  readonly cardUuid: string;
  readonly holderUuid: string;
  readonly response: SelfUnlockResponse;
}

async function rateLimit(ctx: ServiceContext, cardId: number, now: number): Promise<void> {
  const limit = ctx.config.unlockCodesPerHour;
  const { count, earliest } = await codesSentSince(ctx.db, cardId, now - HOUR_MS);
  if (count < limit) return;
  const minutes = Math.max(1, Math.ceil(((earliest ?? now) + HOUR_MS - now) / MINUTE_MS));
  throw refuse(
    429,
    'rate-limited',
    'rate-limited',
    `${limit} security codes have been sent for this smartcard in the last hour, the most allowed. ` +
      `Try again in ${minutes} minute${minutes === 1 ? '' : 's'}, or ask your sponsor or local smartcard administrator to unlock it.`,
  );
}

/** Runs in the step's transaction: `ctx.db` is the transaction. */
async function prepareCode(ctx: ServiceContext, body: z.infer<typeof SelfUnlockRequest>, facts: RefusalFacts): Promise<Prepared> {
  const now = ctx.now();
  const card = await cardOnRecord(ctx.db, body.cardUuid, body.certificate);
  facts.subject = card.cardUuid;
  facts.actor = card.holderUuid;
  // Said first: with no way to send a code, nothing else about the card changes the answer.
  const sendable = sendableChannels(ctx);
  refuseWithoutSenders(sendable);
  refuseStoppedCard(card);
  refuseOldCertificate(card);
  if (card.holderStatus !== 'open') {
    throw refuse(409, 'conflict', 'profile-closed', 'Your Care Identity profile is closed, so this smartcard cannot be unlocked. Contact your registration authority.');
  }
  if (now > card.certificateNotAfter) {
    throw refuse(
      409,
      'conflict',
      'certificate-expired',
      "This smartcard's certificates have expired, so it cannot be unlocked here; contact your registration authority.",
    );
  }
  const domains = ctx.config.unlockEmailDomains;
  const contact = { email: card.holderEmail, mobile: card.holderMobile, emailChangedAt: card.holderEmailChangedAt, mobileChangedAt: card.holderMobileChangedAt };
  const { channel, to, otherChannel } = chooseChannel(eligibleDestinations(contact, domains, now.getTime()), contact, domains, body.channel, sendable);
  await refuseBarredCard(ctx, card.cardId, now.getTime());
  await rateLimit(ctx, card.cardId, now.getTime());

  // Only the newest code works: asking again makes every earlier one useless. An unlock whose
  // code was already entered is left alone, so asking for codes cannot undo the holder's.
  await voidOpenUnlocks(ctx.db, card.cardId, 'self', true);
  const unlockId = newUnlockId();
  const unlockHash = hashUnlockId(unlockId);
  const code = newSecurityCode();
  const codeExpiresAt = now.getTime() + SECURITY_CODE_VALID_MINUTES * MINUTE_MS;
  const rowId = await insertUnlock(ctx.db, {
    unlockHash,
    cardId: card.cardId,
    kind: 'self',
    workstationId: body.workstationId,
    status: 'code-sent',
    channel,
    codeMac: securityCodeMac(ctx.dataKey, unlockHash, code),
    codeExpiresAt,
    createdAt: now.getTime(),
  });
  await appendAudit(
    ctx.db,
    {
      action: 'card.unlock-code-sent',
      actor: card.holderUuid,
      subject: card.cardUuid,
      workstationId: body.workstationId,
      details: { channel, codeExpiresAt: new Date(codeExpiresAt).toISOString() },
    },
    now,
  );
  return {
    rowId,
    code,
    channel,
    to,
    cardUuid: card.cardUuid,
    holderUuid: card.holderUuid,
    response: { unlockId, channel, sentTo: maskDestination(channel, to), codeExpiresAt: new Date(codeExpiresAt).toISOString(), otherChannel },
  };
}

export async function startSelfUnlock(ctx: ServiceContext, body: z.infer<typeof SelfUnlockRequest>): Promise<SelfUnlockResponse> {
  // Outside the step's transaction, so a failed proof's count is kept while nothing else is written.
  await requireProvenCard(ctx, body.cardUuid, body.cardProof);
  const facts: RefusalFacts = { workstationId: body.workstationId };
  const sending = await auditedStep(ctx, 'card.unlock-refused', facts, (tx) => prepareCode(tx, body, facts));
  try {
    await sendUnlockCode(ctx, sending.channel, sending.to, sending.code, `unlock-${sending.rowId}`);
  } catch {
    // The reason (a mail server's reply, a gateway error) may name the address: it is not kept.
    await inTransaction(ctx.db, async (trx) => {
      await setUnlockStatus(trx, sending.rowId, 'void', ctx.now().getTime());
      await appendAudit(
        trx,
        { action: 'card.unlock-code-not-sent', actor: sending.holderUuid, subject: sending.cardUuid, workstationId: body.workstationId, details: { channel: sending.channel } },
        ctx.now(),
      );
    });
    const by = sending.channel === 'email' ? 'email' : 'text message';
    throw new ServiceError(
      503,
      'unavailable',
      `The security code could not be sent by ${by} just now. Try again in a few minutes, or ask your sponsor or local smartcard administrator to unlock your smartcard.`,
    );
  }
  return sending.response;
}
