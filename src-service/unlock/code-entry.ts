import type { z } from 'zod';
import { SECURITY_CODE_MAX_TRIES, type UnlockCodeRequest } from '../../src-shared/api/service-unlock.js';
import { appendAudit } from '../audit/audit-log.js';
import type { ServiceContext } from '../service-context.js';
import { barAfterWrongCode, SELF_UNLOCK_BARRED_MESSAGE } from './code-guess-limit.js';
import { securityCodeMatches } from './security-code.js';
import { auditedStep, refuse, type RefusalFacts } from './unlock-refusal.js';
import { findUnlock, UNLOCK_READY_MINUTES } from './unlock-store.js';

// POST /v1/unlock/{unlockId}/code: the holder types the security code they were sent. One right
// answer makes the unlock ready for the card steps (once); each wrong one spends one of five
// tries, and the try is kept even though the request is refused. The code's format (six digits)
// is checked by the contract before anything here, so a typo of letters spends nothing. Wrong
// codes also count against the card's daily cap (code-guess-limit.ts).

const MINUTE_MS = 60_000;

function refuseUsedCode(status: string): never {
  if (status === 'void') {
    throw refuse(409, 'conflict', 'code-void', 'That security code is no longer valid: a newer one was asked for, or it could not be sent. Ask for a new one.');
  }
  throw refuse(409, 'conflict', 'code-used', 'That security code has already been used. Ask for a new one if your smartcard is still locked.');
}

export async function enterSecurityCode(ctx: ServiceContext, unlockId: string, body: z.infer<typeof UnlockCodeRequest>): Promise<{ accepted: true }> {
  const facts: RefusalFacts = { workstationId: body.workstationId };
  return auditedStep(ctx, 'card.unlock-code-refused', facts, async (tx) => {
    const now = tx.now().getTime();
    const row = await findUnlock(tx.db, unlockId, body.workstationId);
    // A sponsor's unlock has no code: to a code entry it does not exist.
    if (row.kind !== 'self' || !row.codeMac || row.codeExpiresAt === null) {
      throw refuse(404, 'not-found', 'unknown-unlock', 'That unlock was not found on this workstation. Start again.');
    }
    facts.subject = row.cardUuid;
    facts.actor = row.holderUuid;
    if (row.status !== 'code-sent') refuseUsedCode(row.status);
    if (now >= row.codeExpiresAt) throw refuse(409, 'conflict', 'code-expired', 'That security code has expired. Ask for a new one.');
    if (row.codeTries >= SECURITY_CODE_MAX_TRIES) {
      throw refuse(409, 'conflict', 'code-tries-used', `That security code was entered wrongly ${SECURITY_CODE_MAX_TRIES} times and can no longer be used. Ask for a new one.`);
    }
    if (!securityCodeMatches(tx.dataKey, row.unlockHash, body.code, row.codeMac)) {
      const tries = row.codeTries + 1;
      await tx.db.updateTable('card_unlocks').set({ code_tries: tries }).where('id', '=', row.id).execute();
      if (await barAfterWrongCode(tx, row, body.workstationId, now)) {
        throw refuse(403, 'forbidden', 'code-wrong', `That security code is not right. ${SELF_UNLOCK_BARRED_MESSAGE}`, { triesLeft: 0, barred: true });
      }
      const left = SECURITY_CODE_MAX_TRIES - tries;
      throw refuse(
        403,
        'forbidden',
        'code-wrong',
        left > 0
          ? `That security code is not right. You have ${left} ${left === 1 ? 'try' : 'tries'} left.`
          : 'That security code is not right, and it can no longer be used: that was the last try. Ask for a new one.',
        { triesLeft: left },
      );
    }
    await tx.db.updateTable('card_unlocks').set({ status: 'ready', expires_at: now + UNLOCK_READY_MINUTES * MINUTE_MS }).where('id', '=', row.id).execute();
    await appendAudit(
      tx.db,
      { action: 'card.unlock-code-accepted', actor: row.holderUuid, subject: row.cardUuid, workstationId: body.workstationId, details: { channel: row.channel } },
      new Date(now),
    );
    return { accepted: true as const };
  });
}
