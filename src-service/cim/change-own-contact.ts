import type { z } from 'zod';
import type { ChangeOwnContactBody, ContactChallenge, ContactChallengeBody, ContactDetails } from '../../src-shared/api/service-cim.js';
import { appendAudit } from '../audit/audit-log.js';
import { authorize } from '../auth/authorize.js';
import type { SessionContext } from '../auth/session-store.js';
import { badRequest } from '../service-error.js';
import { sendContactChangeNotice, type ContactChangeNotice } from '../notify/contact-change-notice.js';
import type { ServiceContext } from '../service-context.js';
import type { Db } from '../store/database.js';
import { inTransaction } from '../store/transaction.js';
import { isAllowedEmail, selfServiceEmailMessage } from '../unlock/self-service-email.js';
import { confirmContactEmail, openEmailConfirmation, sendEmailCode, type EmailCodeToSend } from './contact-email-code.js';
import { ApprovalRefused, issueContactChallenge, requireApproval, signedBySessionCard, type NewContact } from './contact-change-approval.js';

// PUT /v1/me/contact: anyone changes their own email or mobile, approved by their card
// (contact-change-approval.ts). The email must be one the self-service functions can use (they
// send security codes there), so another domain is refused rather than stored and found useless
// on the day the card locks. The domains are the service's configured allow-list
// (ServiceConfig.unlockEmailDomains), the same one the unlock checks.
//
// Each changed value gets its change time (no unlock codes go to it for a day, see
// unlock/contact-channels.ts), and the OLD email or mobile a notice, so a change the holder did
// not make does not go unseen. A new email also needs the code sent to it (contact-email-code.ts).

type Contact = z.infer<typeof ContactDetails>;

function checkNewContact(ctx: ServiceContext, session: SessionContext, body: { email?: string | undefined; mobile?: string | undefined }): NewContact {
  authorize(session, 'change-own-contact');
  const domains = ctx.config.unlockEmailDomains;
  if (body.email !== undefined && !isAllowedEmail(body.email, domains)) {
    throw badRequest('The request body is not valid.', [{ path: 'body.email', message: selfServiceEmailMessage(domains) }]);
  }
  return { email: body.email ?? null, mobile: body.mobile ?? null };
}

/** POST /v1/me/contact/challenge: the values are checked now, before the passcode is asked for. */
export async function contactChangeChallenge(ctx: ServiceContext, session: SessionContext, body: z.infer<typeof ContactChallengeBody>): Promise<z.infer<typeof ContactChallenge>> {
  return issueContactChallenge(ctx, session, checkNewContact(ctx, session, body));
}

const contactOf = (db: Db, userId: number): Promise<{ email: string | null; mobile: string | null }> =>
  db.selectFrom('users').select(['email', 'mobile']).where('id', '=', userId).executeTakeFirstOrThrow();

type Outcome =
  | { readonly contact: Contact; readonly notices: readonly ContactChangeNotice[]; readonly emailCode: EmailCodeToSend | null }
  | { readonly refused: ApprovalRefused };

/**
 * A new mobile number takes effect at once; a new email address only when the code sent to it
 * is entered (contact-email-code.ts): until then the answer names where the code went.
 */
export async function changeOwnContact(ctx: ServiceContext, session: SessionContext, body: z.infer<typeof ChangeOwnContactBody>): Promise<Contact> {
  const values = checkNewContact(ctx, session, body);
  const signed = await signedBySessionCard(ctx, session, body.nonce, values, body.signature);
  const now = ctx.now();
  const audit = { actor: session.userUuid, subject: session.userUuid, workstationId: session.workstationId };
  const outcome = await inTransaction(ctx.db, async (trx): Promise<Outcome> => {
    try {
      await requireApproval({ ...ctx, db: trx }, session, body.nonce, signed);
    } catch (err) {
      if (!(err instanceof ApprovalRefused)) throw err;
      // Committed with the challenge it spent; the profile is left as it was.
      await appendAudit(trx, { ...audit, action: 'contact.change-refused', details: { reason: err.reason } }, now);
      return { refused: err };
    }
    const before = await contactOf(trx, session.userId);
    const emailChanged = values.email !== null && values.email !== before.email;
    const mobileChanged = values.mobile !== null && values.mobile !== before.mobile;
    await trx
      .updateTable('users')
      .set({ mobile: values.mobile ?? before.mobile, ...(mobileChanged ? { mobile_changed_at: now.getTime() } : {}) })
      .where('id', '=', session.userId)
      .execute();
    // Which fields changed, not their values: the log is for accountability, not a copy of the directory.
    const fields = (['email', 'mobile'] as const).filter((k) => values[k] !== null && !(k === 'email' && emailChanged));
    if (fields.length > 0) await appendAudit(trx, { ...audit, action: 'contact.changed', details: { fields } }, now);
    const emailCode = emailChanged && values.email !== null ? await openEmailConfirmation(trx, ctx.dataKey, session, values.email, now) : null;
    const notices: ContactChangeNotice[] = [];
    if (mobileChanged && before.mobile) notices.push({ channel: 'sms', to: before.mobile });
    const emailConfirmation = emailCode ? { sentTo: emailCode.email, expiresAt: emailCode.expiresAt.toISOString() } : null;
    return { contact: { ...(await contactOf(trx, session.userId)), emailConfirmation }, notices, emailCode };
  });
  if ('refused' in outcome) throw outcome.refused.toServiceError();
  // After the commit: a mail server is never waited on while holding the database.
  for (const notice of outcome.notices) await sendNotice(ctx, session, notice, now);
  if (outcome.emailCode) await sendEmailCode(ctx, session, outcome.emailCode);
  return outcome.contact;
}

/** POST /v1/me/contact/email-code: the new email takes effect, and the OLD address is told. */
export async function confirmOwnEmail(ctx: ServiceContext, session: SessionContext, code: string): Promise<Contact> {
  const { contact, oldEmail } = await confirmContactEmail(ctx, session, code);
  if (oldEmail) await sendNotice(ctx, session, { channel: 'email', to: oldEmail }, ctx.now());
  return contact;
}

/** The change stands if its notice cannot be sent; that it was not sent is audited (without the address). */
async function sendNotice(ctx: ServiceContext, session: SessionContext, notice: ContactChangeNotice, at: Date): Promise<void> {
  try {
    await sendContactChangeNotice(ctx, notice, at);
  } catch {
    await appendAudit(
      ctx.db,
      { action: 'contact.change-notice-not-sent', actor: session.userUuid, subject: session.userUuid, workstationId: session.workstationId, details: { channel: notice.channel } },
      ctx.now(),
    );
  }
}
