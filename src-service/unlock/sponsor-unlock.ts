import type { z } from 'zod';
import type { CardServiceRequest, SponsorUnlockResponse } from '../../src-shared/api/service-unlock.js';
import { grantFor } from '../../src-shared/domain/roles.js';
import { appendAudit } from '../audit/audit-log.js';
import type { SessionContext } from '../auth/session-store.js';
import type { ServiceContext } from '../service-context.js';
import { cardForService } from './card-service.js';
import { auditedStep, refuse, type RefusalFacts } from './unlock-refusal.js';
import { hashUnlockId, insertUnlock, newUnlockId, UNLOCK_READY_MINUTES, voidOpenUnlocks } from './unlock-store.js';

// POST /v1/card-service/unlock: a sponsor or local smartcard administrator opens an unlock of
// the card in their second reader. It is ready at once (the sponsor vouches for the holder in
// person) and lasts ten minutes; it remembers the sponsor's session, so it dies with it (a
// sponsor signed out, or whose own card was revoked, cannot finish it).

const MINUTE_MS = 60_000;

export async function startSponsorUnlock(ctx: ServiceContext, session: SessionContext, body: z.infer<typeof CardServiceRequest>): Promise<SponsorUnlockResponse> {
  const facts: RefusalFacts = { actor: session.userUuid, subject: body.cardUuid.toLowerCase(), workstationId: session.workstationId, details: { kind: 'sponsor' } };
  return auditedStep(ctx, 'card.unlock-refused', facts, async (tx) => {
    const now = tx.now().getTime();
    const card = await cardForService(tx, session, body);
    if (!grantFor(session.roles, 'unlock-smartcard')) throw refuse(403, 'forbidden', 'no-unlock-role', 'Your role does not allow unlocking smartcards.');
    // One unlock at a time per card: a new one supersedes any still waiting for the card.
    await voidOpenUnlocks(tx.db, card.cardId);
    const unlockId = newUnlockId();
    await insertUnlock(tx.db, {
      unlockHash: hashUnlockId(unlockId),
      cardId: card.cardId,
      kind: 'sponsor',
      workstationId: session.workstationId,
      status: 'ready',
      sponsorSessionId: session.sessionId,
      sponsorUserId: session.userId,
      expiresAt: now + UNLOCK_READY_MINUTES * MINUTE_MS,
      createdAt: now,
    });
    await appendAudit(
      tx.db,
      {
        action: 'card.unlock-started',
        actor: session.userUuid,
        subject: card.cardUuid,
        workstationId: session.workstationId,
        details: { kind: 'sponsor', sponsorUuid: session.userUuid, holderUuid: card.holderUuid, cardUuid: card.cardUuid, workstationId: session.workstationId, positionId: session.positionId },
      },
      new Date(now),
    );
    return { unlockId, holder: { uuid: card.holderUuid, name: card.holderName } };
  });
}
