import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import type { ContactDetails } from '../../src-shared/api/service-cim.js';
import { SECURITY_CODE_VALID_MINUTES } from '../../src-shared/api/service-unlock.js';
import { appendAudit } from '../audit/audit-log.js';
import { authorize } from '../auth/authorize.js';
import type { SessionContext } from '../auth/session-store.js';
import { badRequest, conflict, ServiceError } from '../service-error.js';
import type { ServiceContext } from '../service-context.js';
import type { Db } from '../store/database.js';
import { inTransaction } from '../store/transaction.js';
import { newSecurityCode, securityCodeMac, securityCodeMatches } from '../unlock/security-code.js';

// A new email address of one's own takes effect only once the holder enters a six-digit code
// sent to it: the card proves who asks, the code proves the address is theirs (a typo would
// otherwise send every later unlock code to a stranger). The code is never stored: the row keeps
// an HMAC of it bound to a random binding, as unlock codes are kept. It lasts 15 minutes, allows
// five tries, and only the session that asked for it may enter it; a newer change voids it.

type Contact = z.infer<typeof ContactDetails>;

const MINUTE_MS = 60_000;
const TRIES = 5;
const START_AGAIN = 'Change your email address again to get a new code.';

const EMAIL_CODE_SUBJECT = 'Confirm your new email address';

function emailCodeText(code: string): string {
  return (
    `Your code to confirm this email address for your Care Identity profile is ${code}. ` +
    `It expires in ${SECURITY_CODE_VALID_MINUTES} minutes and can be used once. ` +
    'If you did not ask for this code, tell your registration authority.'
  );
}

export interface EmailCodeToSend {
  readonly confirmationId: number;
  readonly email: string;
  readonly code: string;
  readonly expiresAt: Date;
}

/** The tables that keep a code sent to an email address (the same columns): one's own contact, the sponsor's query address. */
export type EmailCodeTable = 'email_confirmations' | 'apply_email_confirmations';

/**
 * Records a new code for `email` in `table`, voiding any earlier one of the user, and returns the
 * code to send (never stored: only its MAC). In the caller's transaction.
 */
export async function recordEmailCode(trx: Db, table: EmailCodeTable, dataKey: Buffer, session: SessionContext, email: string, now: Date): Promise<EmailCodeToSend> {
  await trx.updateTable(table).set({ status: 'void' }).where('user_id', '=', session.userId).where('status', '=', 'sent').execute();
  const binding = randomBytes(32);
  const code = newSecurityCode();
  const expiresAt = new Date(now.getTime() + SECURITY_CODE_VALID_MINUTES * MINUTE_MS);
  const { id } = await trx
    .insertInto(table)
    .values({
      user_id: session.userId,
      session_id: session.sessionId,
      email,
      binding,
      code_mac: securityCodeMac(dataKey, binding, code),
      expires_at: expiresAt.getTime(),
      created_at: now.getTime(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { confirmationId: id, email, code, expiresAt };
}

/** Records a new confirmation for `email`, voiding any earlier one of the user. In the caller's transaction. */
export async function openEmailConfirmation(trx: Db, dataKey: Buffer, session: SessionContext, email: string, now: Date): Promise<EmailCodeToSend> {
  const toSend = await recordEmailCode(trx, 'email_confirmations', dataKey, session, email, now);
  await appendAudit(
    trx,
    { action: 'contact.email-code-sent', actor: session.userUuid, subject: session.userUuid, workstationId: session.workstationId, details: { expiresAt: toSend.expiresAt.toISOString() } },
    now,
  );
  return toSend;
}

/**
 * Sends the code to the NEW address, after the commit. When it cannot be sent the confirmation is
 * voided (audited without the address) and the holder told: their email stays as it was.
 */
export async function sendEmailCode(ctx: ServiceContext, session: SessionContext, toSend: EmailCodeToSend): Promise<void> {
  try {
    if (!ctx.mailer) throw new Error('this service has no way to send email');
    // The generic body template (Notify): these words, not the unlock code's.
    await ctx.mailer.send({ kind: 'contact-changed', to: toSend.email, subject: EMAIL_CODE_SUBJECT, text: emailCodeText(toSend.code), reference: `email-confirmation-${toSend.confirmationId}` });
  } catch {
    await inTransaction(ctx.db, async (trx) => {
      await trx.updateTable('email_confirmations').set({ status: 'void' }).where('id', '=', toSend.confirmationId).execute();
      await appendAudit(trx, { action: 'contact.email-code-not-sent', actor: session.userUuid, subject: session.userUuid, workstationId: session.workstationId, details: {} }, ctx.now());
    });
    throw new ServiceError(503, 'unavailable', 'The code to confirm your new email address could not be sent just now, so your email address has not changed. Try again in a few minutes.');
  }
}

type Outcome = { readonly changed: Contact & { readonly oldEmail: string | null } } | { readonly refused: ServiceError };

/** A code entered: the confirmed address, or the refusal to answer with. */
export type EmailCodeCheck = { readonly confirmed: { readonly id: number; readonly email: string } } | { readonly refused: ServiceError; readonly triesLeft?: number };

/**
 * Checks `code` against the session's waiting confirmation in `table`. A wrong code spends a try
 * (the caller commits it even though the call fails, and audits it); the fifth wrong one voids
 * the confirmation; an expired one is voided. The right one is marked confirmed. In the caller's transaction.
 */
export async function checkEmailCode(trx: Db, table: EmailCodeTable, dataKey: Buffer, session: SessionContext, code: string, now: Date): Promise<EmailCodeCheck> {
  const row = await trx
    .selectFrom(table)
    .select(['id', 'email', 'binding', 'code_mac', 'expires_at', 'tries'])
    .where('user_id', '=', session.userId)
    .where('session_id', '=', session.sessionId)
    .where('status', '=', 'sent')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row) return { refused: conflict(`No new email address is waiting for a code. ${START_AGAIN}`) };
  if (now.getTime() > row.expires_at) {
    await trx.updateTable(table).set({ status: 'void' }).where('id', '=', row.id).execute();
    return { refused: conflict(`That code has expired. ${START_AGAIN}`) };
  }
  if (!securityCodeMatches(dataKey, row.binding, code, row.code_mac)) {
    const tries = row.tries + 1;
    const left = TRIES - tries;
    await trx
      .updateTable(table)
      .set({ tries, ...(left <= 0 ? { status: 'void' as const } : {}) })
      .where('id', '=', row.id)
      .execute();
    return {
      triesLeft: Math.max(left, 0),
      refused:
        left <= 0
          ? conflict(`The code was wrong too many times. ${START_AGAIN}`)
          : badRequest('The request body is not valid.', [{ path: 'body.code', message: `The code is not right. ${left} ${left === 1 ? 'try' : 'tries'} left.` }]),
    };
  }
  await trx.updateTable(table).set({ status: 'confirmed' }).where('id', '=', row.id).execute();
  return { confirmed: { id: row.id, email: row.email } };
}

/**
 * POST /v1/me/contact/email-code. A wrong code spends a try (kept even though the call fails);
 * the fifth wrong one voids the confirmation. The right one sets the email and its change time.
 */
export async function confirmContactEmail(ctx: ServiceContext, session: SessionContext, code: string): Promise<{ contact: Contact; oldEmail: string | null }> {
  authorize(session, 'change-own-contact');
  const now = ctx.now();
  const audit = { actor: session.userUuid, subject: session.userUuid, workstationId: session.workstationId };
  const outcome = await inTransaction(ctx.db, async (trx): Promise<Outcome> => {
    const checked = await checkEmailCode(trx, 'email_confirmations', ctx.dataKey, session, code, now);
    if ('refused' in checked) {
      if (checked.triesLeft !== undefined) await appendAudit(trx, { ...audit, action: 'contact.email-code-refused', details: { triesLeft: checked.triesLeft } }, now);
      return checked;
    }
    const before = await trx.selectFrom('users').select(['email', 'mobile']).where('id', '=', session.userId).executeTakeFirstOrThrow();
    await trx.updateTable('users').set({ email: checked.confirmed.email, email_changed_at: now.getTime() }).where('id', '=', session.userId).execute();
    await appendAudit(trx, { ...audit, action: 'contact.changed', details: { fields: ['email'] } }, now);
    return { changed: { email: checked.confirmed.email, mobile: before.mobile, emailConfirmation: null, oldEmail: before.email } };
  });
  if ('refused' in outcome) throw outcome.refused;
  const { oldEmail, ...contact } = outcome.changed;
  return { contact, oldEmail: oldEmail !== contact.email ? oldEmail : null };
}
