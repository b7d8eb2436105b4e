import type { z } from 'zod';
import type { RenewalOpened, SponsorRenewalRequest } from '../../src-shared/api/service-renewal.js';
import type { SessionContext } from '../auth/session-store.js';
import type { ServiceContext } from '../service-context.js';
import { cardForService, renewAction } from '../unlock/card-service.js';
import { auditedStep, refuse, type RefusalFacts } from '../unlock/unlock-refusal.js';
import { requireRenewableCard } from './renewal-liveness.js';
import { openRenewal, renewableCard } from './renewal-opening.js';
import { renewalWindow } from './renewal-window.js';

// POST /v1/card-service/renew: a sponsor, local smartcard administrator or RA member renews the
// certificate of the card in their second reader. Who may service which card is the same
// decision as for a sponsor unlock (card-service.ts); then the renewal rules: within 90 days
// the card-service roles, once expired RA staff only, earlier nobody. The renewal remembers the
// sponsor's session: its card steps need it live.

export async function startSponsorRenewal(ctx: ServiceContext, session: SessionContext, body: z.infer<typeof SponsorRenewalRequest>): Promise<RenewalOpened> {
  const facts: RefusalFacts = { actor: session.userUuid, subject: body.cardUuid.toLowerCase(), workstationId: session.workstationId, details: { kind: 'sponsor' } };
  return auditedStep(ctx, 'card.renewal-refused', facts, async (tx) => {
    const now = ctx.now();
    const serviced = await cardForService(tx, session, body, 'renewed');
    // A card the directory has locked must be unlocked first: renewing needs its passcode.
    requireRenewableCard(serviced);
    const verdict = renewAction(session.roles, serviced.certificateNotAfter, now);
    if (!verdict.allowed) {
      const window = renewalWindow(serviced.certificateNotAfter, now);
      const [status, code, reason] =
        window.state === 'early' ? ([409, 'conflict', 'not-yet-due'] as const) : ([403, 'forbidden', window.state === 'expired' ? 'expired-needs-ra' : 'no-renew-role'] as const);
      throw refuse(status, code, reason, verdict.reason ?? 'This smartcard cannot be renewed now.');
    }
    const card = await renewableCard(tx, serviced.cardId);
    if (!card?.currentSerial) throw refuse(409, 'conflict', 'no-certificate', 'This smartcard has no live certificate to renew. Contact your Registration Authority.');
    return openRenewal(
      tx,
      {
        card,
        kind: 'sponsor',
        workstationId: session.workstationId,
        sponsor: { sessionId: session.sessionId, userId: session.userId, uuid: session.userUuid, positionId: session.positionId },
        oldSerial: card.currentSerial,
      },
      now,
    );
  });
}
