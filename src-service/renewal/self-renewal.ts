import type { RenewalOpened } from '../../src-shared/api/service-renewal.js';
import type { SessionContext } from '../auth/session-store.js';
import type { ServiceContext } from '../service-context.js';
import { auditedStep, refuse, type RefusalFacts } from '../unlock/unlock-refusal.js';
import { openRenewal, renewableCard } from './renewal-opening.js';
import { EXPIRED_FOR_HOLDER, notYetOpenMessage, renewalWindow } from './renewal-window.js';

// POST /v1/renewals: the holder renews the certificate of the card they signed in with (the
// Smartcard Expiry Notification's "Yes"). Anyone may renew their own card within the window;
// once its certificate has expired nobody renews it here, the holder included: that is done by
// registration authority staff, in person.

export async function startSelfRenewal(ctx: ServiceContext, session: SessionContext): Promise<RenewalOpened> {
  const facts: RefusalFacts = { actor: session.userUuid, workstationId: session.workstationId, details: { kind: 'self' } };
  return auditedStep(ctx, 'card.renewal-refused', facts, async (tx) => {
    const now = ctx.now();
    const card = await renewableCard(tx, session.cardId);
    if (!card) throw refuse(404, 'not-found', 'card-unknown', 'The smartcard you signed in with is not registered with the identity service.');
    facts.subject = card.cardUuid;
    if (card.cardStatus !== 'active') {
      throw refuse(409, 'conflict', `card-${card.cardStatus}`, `Your smartcard is ${card.cardStatus}, so its certificate cannot be renewed. Contact your Registration Authority.`);
    }
    if (!card.currentSerial || !card.currentNotAfter) {
      throw refuse(409, 'conflict', 'no-certificate', 'Your smartcard has no live certificate to renew. Contact your Registration Authority.');
    }
    const window = renewalWindow(new Date(card.currentNotAfter), now);
    if (window.state === 'expired') throw refuse(409, 'conflict', 'certificate-expired', EXPIRED_FOR_HOLDER);
    if (window.state === 'early') throw refuse(409, 'conflict', 'not-yet-due', notYetOpenMessage(window.opensOn));
    return openRenewal(tx, { card, kind: 'self', workstationId: session.workstationId, oldSerial: card.currentSerial }, now);
  });
}
