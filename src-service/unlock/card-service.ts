import type { z } from 'zod';
import type { CardServiceInspection, CardServiceRequest } from '../../src-shared/api/service-unlock.js';
import { grantFor, type Activity, type RoleCode } from '../../src-shared/domain/roles.js';
import { daysToExpiry } from '../auth/login-summary.js';
import type { SessionContext } from '../auth/session-store.js';
import { utcDate } from '../cim/dates.js';
import { userInScope, userOrgPaths } from '../cim/user-scope.js';
import type { ServiceContext } from '../service-context.js';
import { EXPIRED_FOR_SPONSOR, notYetOpenMessage, renewalWindow } from '../renewal/renewal-window.js';
import { cardOnRecord, refuseOldCertificate, refuseStoppedCard, type CardOnRecord, type CardServiceOutcome } from './card-on-record.js';
import { refuse } from './unlock-refusal.js';

// "Service smartcard": a sponsor, local smartcard administrator or RA member, signed in on
// reader A, puts someone else's card in reader B. Who may service which card is decided here,
// once, for inspecting it, unlocking it and renewing its certificate: a card-service role, a
// different card from the one signed in with, someone else's card, a holder within the session
// organisation and its child organisations (the same scope rule as viewing their profile), a
// card still in use.

const CARD_SERVICE_ACTIVITIES: readonly Activity[] = ['unlock-smartcard', 'renew-smartcard-due', 'renew-smartcard-expired'];

export async function cardForService(
  ctx: ServiceContext,
  session: SessionContext,
  body: z.infer<typeof CardServiceRequest>,
  outcome: CardServiceOutcome = 'unlocked',
): Promise<CardOnRecord> {
  if (!CARD_SERVICE_ACTIVITIES.some((a) => grantFor(session.roles, a))) {
    throw refuse(403, 'forbidden', 'no-card-service-role', "Your role does not allow servicing other people's smartcards.");
  }
  const card = await cardOnRecord(ctx.db, body.cardUuid, body.certificate);
  if (card.cardId === session.cardId) {
    throw refuse(
      409,
      'conflict',
      'session-card',
      "That is the smartcard you are signed in with. Put the card holder's smartcard in the other reader.",
    );
  }
  if (card.holderId === session.userId) {
    throw refuse(403, 'forbidden', 'own-card', 'You cannot service your own smartcard. Ask another sponsor, a local smartcard administrator or your registration authority.');
  }
  if (!userInScope(session, await userOrgPaths(ctx.db, card.holderId, utcDate(ctx.now())))) {
    throw refuse(
      403,
      'out-of-scope',
      'out-of-scope',
      'The card holder is outside your organisation and its child organisations, so you cannot service their smartcard.',
    );
  }
  refuseStoppedCard(card, outcome);
  refuseOldCertificate(card, outcome);
  if (card.holderStatus !== 'open') {
    throw refuse(409, 'conflict', 'profile-closed', "The card holder's Care Identity profile is closed, so their smartcard cannot be serviced.");
  }
  return card;
}

const NO_RENEW_ROLE = 'Your role does not allow renewing smartcards.';

/**
 * Renewal per the rules: from 90 days before expiry by RAM, RAA(A), RAA, S and LSA; once
 * expired by registration authority staff only; earlier by nobody, and the reason says when.
 */
export function renewAction(roles: readonly RoleCode[], notAfter: Date, now: Date): { allowed: boolean; reason: string | null } {
  const window = renewalWindow(notAfter, now);
  if (window.state === 'early') return { allowed: false, reason: notYetOpenMessage(window.opensOn) };
  if (window.state === 'expired') {
    return grantFor(roles, 'renew-smartcard-expired') ? { allowed: true, reason: null } : { allowed: false, reason: EXPIRED_FOR_SPONSOR };
  }
  return grantFor(roles, 'renew-smartcard-due') ? { allowed: true, reason: null } : { allowed: false, reason: NO_RENEW_ROLE };
}

function unlockAction(roles: readonly RoleCode[]): { allowed: boolean; reason: string | null } {
  return grantFor(roles, 'unlock-smartcard') ? { allowed: true, reason: null } : { allowed: false, reason: 'Your role does not allow unlocking smartcards.' };
}

/** POST /v1/card-service/inspect: who holds the card, and what this sponsor may do with it. */
export async function inspectCard(ctx: ServiceContext, session: SessionContext, body: z.infer<typeof CardServiceRequest>): Promise<CardServiceInspection> {
  const now = ctx.now();
  const card = await cardForService(ctx, session, body);
  return {
    holder: { uuid: card.holderUuid, name: card.holderName },
    cardUuid: card.cardUuid,
    certificateNotAfter: card.certificateNotAfter.toISOString(),
    daysToExpiry: daysToExpiry(card.certificateNotAfter, now),
    unlock: unlockAction(session.roles),
    renew: renewAction(session.roles, card.certificateNotAfter, now),
  };
}
