import type { z } from 'zod';
import type { ContactDetails } from '../../src-shared/api/service-cim.js';
import { appendAudit } from '../audit/audit-log.js';
import { authorize } from '../auth/authorize.js';
import type { SessionContext } from '../auth/session-store.js';
import { badRequest } from '../http/service-error.js';
import type { ServiceContext } from '../service-context.js';
import { isAllowedEmail, selfServiceEmailMessage } from '../unlock/self-service-email.js';

// PUT /v1/me/contact: anyone changes their own email or mobile. The email must be one the
// self-service functions can use (they send security codes there), so another domain is refused
// rather than stored and found useless on the day the card locks. The domains are the service's
// configured allow-list (ServiceConfig.unlockEmailDomains), the same one the unlock checks.

export function changeOwnContact(ctx: ServiceContext, session: SessionContext, body: { email?: string; mobile?: string }): z.infer<typeof ContactDetails> {
  authorize(session, 'change-own-contact');
  const domains = ctx.config.unlockEmailDomains;
  if (body.email !== undefined && !isAllowedEmail(body.email, domains)) {
    throw badRequest('The request body is not valid.', [{ path: 'body.email', message: selfServiceEmailMessage(domains) }]);
  }
  const now = ctx.now();
  return ctx.db
    .transaction(() => {
      ctx.db
        .prepare('UPDATE users SET email = COALESCE(@email, email), mobile = COALESCE(@mobile, mobile) WHERE id = @id')
        .run({ email: body.email ?? null, mobile: body.mobile ?? null, id: session.userId });
      appendAudit(
        ctx.db,
        {
          action: 'contact.changed',
          actor: session.userUuid,
          subject: session.userUuid,
          workstationId: session.workstationId,
          // Which fields changed, not their values: the log is for accountability, not a copy of the directory.
          details: { fields: Object.keys(body).filter((k) => body[k as keyof typeof body] !== undefined) },
        },
        now,
      );
      return ctx.db.prepare('SELECT email, mobile FROM users WHERE id = ?').get(session.userId) as { email: string | null; mobile: string | null };
    })
    .immediate();
}
