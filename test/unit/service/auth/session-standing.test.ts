import { describe, expect, it } from 'vitest';
import type { RoleCode } from '../../../../src-shared/domain/roles.js';
import { revokeCard } from '../../../../src-service/auth/card-revocation.js';
import type { MadeCard } from '../../../../src-service/ca/card-factory.js';
import { DAY, holderWithCard, proveCard, renewalRigPerFile, requestSponsorRenewal, type RenewalRig } from '../support/renewal-rig.js';
import { auditRows, certificateOf, witnessAndRelease, type Sponsor } from '../support/unlock-rig.js';

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

function sponsor(roles: RoleCode[] = ['S']): Promise<Sponsor> {
  return rig.sponsor(orgId, roles);
}

const unlock = (s: Sponsor, card: MadeCard) =>
  rig.call('POST', '/v1/card-service/unlock', { cardUuid: card.cardUuid, certificate: certificateOf(card) }, { token: s.token });

const endAssignment = async (s: Sponsor): Promise<void> => {
  await rig.db.updateTable('position_assignments').set({ end_date: yesterday() }).where('user_id', '=', s.userId).where('position_id', '=', s.positionId).execute();
};
const removeAssignment = async (s: Sponsor): Promise<void> => {
  await rig.db
    .updateTable('position_assignments')
    .set({ removed_at: rig.now().toISOString() })
    .where('user_id', '=', s.userId)
    .where('position_id', '=', s.positionId)
    .execute();
};
const closePosition = async (s: Sponsor): Promise<void> => {
  await rig.db.updateTable('positions').set({ closed: 1 }).where('id', '=', s.positionId).execute();
};

const endReason = async (s: Sponsor): Promise<string | null> =>
  (await rig.db.selectFrom('sessions').select('end_reason').where('id', '=', s.sessionId).executeTakeFirstOrThrow()).end_reason;
const unlocksOf = (card: MadeCard) => rig.db.selectFrom('card_unlocks').select('status').where('card_id', '=', card.cardId).execute();

describe('rule: every authorised call re-checks the assignment and the position', () => {
  it('a sponsor whose assignment and position are current may unlock and renew', async () => {
    const s = await sponsor(['LSA']);
    expect((await unlock(s, (await holderWithCard(rig, { orgId, days: 30 })).card)).status).toBe(200);
    expect((await requestSponsorRenewal(rig, s.token, (await holderWithCard(rig, { orgId, days: 30 })).card)).status).toBe(200);
    expect(await endReason(s)).toBeNull();
  });

  it.each([
    ['an assignment whose end date has passed', endAssignment],
    ['a removed assignment', removeAssignment],
    ['a closed position', closePosition],
  ])('%s: the next unlock is refused (401) and the session ended', async (_what, change) => {
    const s = await sponsor();
    const { card } = await holderWithCard(rig, { orgId, days: 30 });
    await change(s);
    const res = await unlock(s, card);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('unauthenticated');
    expect(res.body.message).toMatch(POSITION_ENDED);
    expect(await unlocksOf(card)).toEqual([]);
    expect(await endReason(s)).toBe('position-ended');
    expect((await auditRows(rig.db)).at(-1)).toMatchObject({ action: 'session.ended', actor: s.uuid });
    // Ended for good: putting the assignment back does not revive it.
    await rig.db.updateTable('position_assignments').set({ end_date: null, removed_at: null }).where('user_id', '=', s.userId).execute();
    await rig.db.updateTable('positions').set({ closed: 0 }).where('id', '=', s.positionId).execute();
    expect((await unlock(s, card)).status).toBe(401);
  });

  it.each([
    ['an assignment whose end date has passed', endAssignment],
    ['a closed position', closePosition],
  ])('%s: the next renewal is refused (401)', async (_what, change) => {
    const s = await sponsor(['RAA']);
    await change(s);
    const res = await requestSponsorRenewal(rig, s.token, (await holderWithCard(rig, { orgId, days: 30 })).card);
    expect(res.status).toBe(401);
    expect(res.body.message).toMatch(POSITION_ENDED);
  });

  it("an unlock started while the position was current stops at the card step once it closes (401, the unlock void)", async () => {
    const s = await sponsor();
    const { card } = await holderWithCard(rig, { orgId, days: 30 });
    const started = await unlock(s, card);
    expect(started.status).toBe(200);
    await closePosition(s);
    const { witness } = await witnessAndRelease(rig, started.body.unlockId, card);
    expect(witness.status).toBe(401);
    expect(await unlocksOf(card)).toEqual([{ status: 'void' }]);
  });

  it('a renewal started while the assignment was current stops at the card step once it is removed (401)', async () => {
    const s = await sponsor(['LSA']);
    const { card } = await holderWithCard(rig, { orgId, days: 30 });
    const opened = await requestSponsorRenewal(rig, s.token, card);
    expect(opened.status).toBe(200);
    await removeAssignment(s);
    const proved = await proveCard(rig, opened.body.renewalId, card);
    expect(proved.status).toBe(401);
    expect(proved.body.code).toBe('unauthenticated');
  });

  it("a revoked card ends the session on its next call with the reason said", async () => {
    const s = await sponsor();
    await revokeCard(rig.service.ctx, { cardUuid: s.card.cardUuid, reason: 'lost', actor: 'system' });
    await rig.db.updateTable('sessions').set({ ended_at: null }).where('id', '=', s.sessionId).execute();
    const res = await unlock(s, (await holderWithCard(rig, { orgId, days: 30 })).card);
    expect(res.status).toBe(401);
    expect(res.body.message).toMatch(/Your smartcard can no longer be used/);
    expect(await endReason(s)).toBe('card-stopped');
  });
});
