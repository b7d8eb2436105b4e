import { describe, expect, it } from 'vitest';
import type { RoleCode } from '../../../src-shared/domain/roles.js';
import { revokeCard } from '../../../src-service/auth/card-revocation.js';
import { DAY, holderWithCard, proveCard, renewalRigPerFile, requestSponsorRenewal, type RenewalRig } from './support/renewal-rig.js';
import { auditRows, certificateOf, witnessAndRelease, type Sponsor } from './support/unlock-rig.js';

// DESIGN §10: every authorised call re-checks the session's live card, assignment and position.
// Roles come from the position chosen at login; once the assignment is removed or ended, or the
// position closed, the session loses them on its next call, not when it runs out hours later.

let rig: RenewalRig;
let orgId: number;
renewalRigPerFile((file) => {
  rig = file.rig;
  orgId = file.orgId;
});

const POSITION_ENDED = /The position you signed in with is no longer yours, or has closed/;
const yesterday = (): string => new Date(rig.now().getTime() - DAY).toISOString().slice(0, 10);

function sponsor(roles: RoleCode[] = ['S']): Sponsor {
  return rig.sponsor(orgId, roles);
}

const unlock = (s: Sponsor, card: ReturnType<typeof holderWithCard>['card']) =>
  rig.call('POST', '/v1/card-service/unlock', { cardUuid: card.cardUuid, certificate: certificateOf(card) }, { token: s.token });

const endAssignment = (s: Sponsor): void => {
  rig.db.prepare('UPDATE position_assignments SET end_date = ? WHERE user_id = ? AND position_id = ?').run(yesterday(), s.userId, s.positionId);
};
const removeAssignment = (s: Sponsor): void => {
  rig.db.prepare('UPDATE position_assignments SET removed_at = ? WHERE user_id = ? AND position_id = ?').run(rig.now().toISOString(), s.userId, s.positionId);
};
const closePosition = (s: Sponsor): void => {
  rig.db.prepare('UPDATE positions SET closed = 1 WHERE id = ?').run(s.positionId);
};

const endReason = (s: Sponsor): unknown => rig.db.prepare('SELECT end_reason FROM sessions WHERE id = ?').pluck().get(s.sessionId);

describe('rule: every authorised call re-checks the assignment and the position', () => {
  it('a sponsor whose assignment and position are current may unlock and renew', async () => {
    const s = sponsor(['LSA']);
    expect((await unlock(s, holderWithCard(rig, { orgId, days: 30 }).card)).status).toBe(200);
    expect((await requestSponsorRenewal(rig, s.token, holderWithCard(rig, { orgId, days: 30 }).card)).status).toBe(200);
    expect(endReason(s)).toBeNull();
  });

  it.each([
    ['an assignment whose end date has passed', endAssignment],
    ['a removed assignment', removeAssignment],
    ['a closed position', closePosition],
  ])('%s: the next unlock is refused (401) and the session ended', async (_what, change) => {
    const s = sponsor();
    const { card } = holderWithCard(rig, { orgId, days: 30 });
    change(s);
    const res = await unlock(s, card);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('unauthenticated');
    expect(res.body.message).toMatch(POSITION_ENDED);
    expect(rig.db.prepare('SELECT count(*) FROM card_unlocks WHERE card_id = ?').pluck().get(card.cardId)).toBe(0);
    expect(endReason(s)).toBe('position-ended');
    expect(auditRows(rig.db).at(-1)).toMatchObject({ action: 'session.ended', actor: s.uuid });
    // Ended for good: putting the assignment back does not revive it.
    rig.db.prepare('UPDATE position_assignments SET end_date = NULL, removed_at = NULL WHERE user_id = ?').run(s.userId);
    rig.db.prepare('UPDATE positions SET closed = 0 WHERE id = ?').run(s.positionId);
    expect((await unlock(s, card)).status).toBe(401);
  });

  it.each([
    ['an assignment whose end date has passed', endAssignment],
    ['a closed position', closePosition],
  ])('%s: the next renewal is refused (401)', async (_what, change) => {
    const s = sponsor(['RAA']);
    change(s);
    const res = await requestSponsorRenewal(rig, s.token, holderWithCard(rig, { orgId, days: 30 }).card);
    expect(res.status).toBe(401);
    expect(res.body.message).toMatch(POSITION_ENDED);
  });

  it("an unlock started while the position was current stops at the card step once it closes (401, the unlock void)", async () => {
    const s = sponsor();
    const { card } = holderWithCard(rig, { orgId, days: 30 });
    const started = await unlock(s, card);
    expect(started.status).toBe(200);
    closePosition(s);
    const { witness } = await witnessAndRelease(rig, started.body.unlockId, card);
    expect(witness.status).toBe(401);
    expect(rig.db.prepare('SELECT status FROM card_unlocks WHERE card_id = ?').pluck().get(card.cardId)).toBe('void');
  });

  it('a renewal started while the assignment was current stops at the card step once it is removed (401)', async () => {
    const s = sponsor(['LSA']);
    const { card } = holderWithCard(rig, { orgId, days: 30 });
    const opened = await requestSponsorRenewal(rig, s.token, card);
    expect(opened.status).toBe(200);
    removeAssignment(s);
    const proved = await proveCard(rig, opened.body.renewalId, card);
    expect(proved.status).toBe(401);
    expect(proved.body.code).toBe('unauthenticated');
  });

  it("a revoked card ends the session on its next call with the reason said", async () => {
    const s = sponsor();
    revokeCard(rig.service.ctx, { cardUuid: s.card.cardUuid, reason: 'lost', actor: 'system' });
    rig.db.prepare('UPDATE sessions SET ended_at = NULL WHERE id = ?').run(s.sessionId);
    const res = await unlock(s, holderWithCard(rig, { orgId, days: 30 }).card);
    expect(res.status).toBe(401);
    expect(res.body.message).toMatch(/Your smartcard can no longer be used/);
    expect(endReason(s)).toBe('card-stopped');
  });
});
