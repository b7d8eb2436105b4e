import type { z } from 'zod';
import type { ApplySettings, SettingsEmailSent } from '../../src-shared/api/apply.js';
import { SECURITY_CODE_VALID_MINUTES } from '../../src-shared/api/service-unlock.js';
import { appendAudit } from '../audit/audit-log.js';
import { authorize } from '../auth/authorize.js';
import type { SessionContext } from '../auth/session-store.js';
import { checkEmailCode, recordEmailCode } from '../cim/contact-email-code.js';
import { ServiceError } from '../service-error.js';
import type { ServiceContext } from '../service-context.js';
import type { Db } from '../store/database.js';
import { inTransaction } from '../store/transaction.js';

// The sponsor's settings: the email address applicants may write to with their queries (a shared
// inbox is allowed). It is named in every invite, so it is set only once the sponsor enters the
// 6-digit code sent to it, kept as the contact email's codes are (contact-email-code.ts): only a
// MAC stored, 15 minutes, five tries, only the session that asked may enter it.

type Settings = z.infer<typeof ApplySettings>;

const SUBJECT = 'Confirm the email address for applicants\u2019 queries';

function codeText(code: string): string {
  return (
    `Your code to confirm this email address for applicants' queries in Apply for Care ID is ${code}. ` +
    `It expires in ${SECURITY_CODE_VALID_MINUTES} minutes and can be used once. ` +
    'If you did not ask for this code, you can ignore this email.'
  );
}

async function settingsOf(db: Db, session: SessionContext, now: Date): Promise<Settings> {
  const [settings, profile, pending] = await Promise.all([
    db.selectFrom('apply_settings').select('query_email').where('user_id', '=', session.userId).executeTakeFirst(),
    db.selectFrom('users').select('email').where('id', '=', session.userId).executeTakeFirst(),
    db
      .selectFrom('apply_email_confirmations')
      .select('email')
      .where('user_id', '=', session.userId)
      .where('session_id', '=', session.sessionId)
      .where('status', '=', 'sent')
      .where('expires_at', '>=', now.getTime())
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst(),
  ]);
  return { queryEmail: settings?.query_email ?? null, profileEmail: profile?.email ?? null, pendingEmail: pending?.email ?? null };
}

/** GET /v1/apply/settings. */
export async function applySettings(ctx: ServiceContext, session: SessionContext): Promise<Settings> {
  authorize(session, 'apply-for-care-id');
  return settingsOf(ctx.db, session, ctx.now());
}

/** The sponsor's confirmed query address, or null: an application cannot be submitted without one. */
export async function queryEmailOf(db: Db, userId: number): Promise<string | null> {
  const row = await db.selectFrom('apply_settings').select('query_email').where('user_id', '=', userId).executeTakeFirst();
  return row?.query_email ?? null;
}

/** POST /v1/apply/settings/email: a code to the address; it is not used until the code comes back. */
export async function applyChangeSettingsEmail(ctx: ServiceContext, session: SessionContext, email: string): Promise<z.infer<typeof SettingsEmailSent>> {
  authorize(session, 'apply-for-care-id');
  const now = ctx.now();
  const toSend = await inTransaction(ctx.db, async (trx) => {
    const recorded = await recordEmailCode(trx, 'apply_email_confirmations', ctx.dataKey, session, email, now);
    await appendAudit(
      trx,
      { action: 'apply.settings-email-code-sent', actor: session.userUuid, subject: session.userUuid, workstationId: session.workstationId, details: { expiresAt: recorded.expiresAt.toISOString() } },
      now,
    );
    return recorded;
  });
  try {
    if (!ctx.mailer) throw new Error('this service has no way to send email');
    await ctx.mailer.send({ kind: 'contact-changed', to: email, subject: SUBJECT, text: codeText(toSend.code), reference: `apply-settings-${toSend.confirmationId}` });
  } catch {
    await ctx.db.updateTable('apply_email_confirmations').set({ status: 'void' }).where('id', '=', toSend.confirmationId).execute();
    throw new ServiceError(503, 'unavailable', 'The security code could not be sent just now, so the email address has not changed. Try again in a few minutes.');
  }
  return { sentTo: email, expiresAt: toSend.expiresAt.toISOString() };
}

/** POST /v1/apply/settings/email/confirm: the right code makes the address the one applicants write to. */
export async function applyConfirmSettingsEmail(ctx: ServiceContext, session: SessionContext, code: string): Promise<Settings> {
  authorize(session, 'apply-for-care-id');
  const now = ctx.now();
  const audit = { actor: session.userUuid, subject: session.userUuid, workstationId: session.workstationId };
  const refused = await inTransaction(ctx.db, async (trx) => {
    const checked = await checkEmailCode(trx, 'apply_email_confirmations', ctx.dataKey, session, code, now);
    if ('refused' in checked) {
      if (checked.triesLeft !== undefined) await appendAudit(trx, { ...audit, action: 'apply.settings-email-code-refused', details: { triesLeft: checked.triesLeft } }, now);
      return checked.refused;
    }
    await trx
      .insertInto('apply_settings')
      .values({ user_id: session.userId, query_email: checked.confirmed.email, changed_at: now.getTime() })
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ query_email: checked.confirmed.email, changed_at: now.getTime() }))
      .execute();
    await appendAudit(trx, { ...audit, action: 'apply.settings-email-confirmed', details: {} }, now);
    return null;
  });
  if (refused) throw refused;
  return settingsOf(ctx.db, session, now);
}
