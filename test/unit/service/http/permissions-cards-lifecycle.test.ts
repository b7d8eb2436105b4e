import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RoleCode } from '../../../../src-shared/domain/roles.js';
import { makeCard, type MadeCard } from '../../../../src-service/ca/card-factory.js';
import { actor, addUser } from '../../../support/service-fixtures.js';
import { startHarness, tableCounts, uniqueNi, type Harness, type Orgs } from '../cim/cim-harness.js';
import { blankReadout, cardProved, issuedReadout, WORKSTATION } from '../cards/card-lifecycle-support.js';

// Repair, clear and cancel a smartcard, and the revocation list, at the HTTP boundary: each
// role allowed or refused as written by hand here (domain.md: RAM, RAA(A) and RAA only, over
// their organisation and its children), out of scope refused, 401 without a session, and a
// refusal changes nothing. The steps of an open repair or clear check again: a session that
// lost its role or its scope over the holder since opening is refused there.

type RoleOrNone = RoleCode | 'none';
const ROLES: RoleOrNone[] = ['RAM', 'RAA(A)', 'RAA', 'S', 'IDC', 'LSA', 'none'];
const ALLOWED: Record<RoleOrNone, boolean> = { RAM: true, 'RAA(A)': true, RAA: true, S: false, IDC: false, LSA: false, none: false };

let h: Harness;
let orgs: Orgs;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});
beforeEach(async () => {
  orgs = await h.tree();
});

const staff = (orgId: number, role: RoleOrNone) => actor(h.db, orgId, role === 'none' ? [] : [role]);
async function cardAt(orgId: number): Promise<MadeCard> {
  const user = await addUser(h.db, { given: 'Card', family: 'Holder', homeOrgId: orgId, ni: uniqueNi() });
  return makeCard(h.service.ctx, { userUuid: user.uuid, algorithm: 'p256' });
}
const cardStatus = async (card: MadeCard) => h.db.selectFrom('cards').select(['status', 'cleared_at']).where('uuid', '=', card.cardUuid).executeTakeFirstOrThrow();

function expectRefused(res: { status: number; body: { code?: string } }, status: number, code: string): void {
  expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
}

/** The three card-level openings, each with a body that succeeds for an allowed role. */
const OPENINGS = [
  { name: 'POST /v1/smartcards/:cardUuid/repair', path: (c: MadeCard) => `/v1/smartcards/${c.cardUuid}/repair`, body: (c: MadeCard) => ({ workstationId: WORKSTATION, card: issuedReadout(c) }), ok: 201 },
  { name: 'POST /v1/smartcards/:cardUuid/clear', path: (c: MadeCard) => `/v1/smartcards/${c.cardUuid}/clear`, body: (c: MadeCard) => ({ workstationId: WORKSTATION, card: issuedReadout(c) }), ok: 201 },
  { name: 'POST /v1/smartcards/:cardUuid/cancel', path: (c: MadeCard) => `/v1/smartcards/${c.cardUuid}/cancel`, body: () => ({ reason: 'lost' }), ok: 200 },
] as const;

for (const e of OPENINGS) {
  describe(`${e.name} (RAM, RAA(A), RAA over their organisation and its children)`, () => {
    it.each(ROLES)(`rule: %s on a card of a user in a child organisation: allowed or refused as written here, and a refusal changes nothing`, async (role) => {
      const card = await cardAt(orgs.siteA1.id);
      const me = await staff(orgs.trustA.id, role);
      const before = await tableCounts(h.db);
      const res = await h.call('POST', e.path(card), { token: me.token, json: e.body(card) });
      if (ALLOWED[role]) {
        expect(res.status).toBe(e.ok);
      } else {
        expectRefused(res, 403, 'forbidden');
        expect(await tableCounts(h.db)).toEqual(before);
        expect((await cardStatus(card)).status).toBe('active');
      }
    });

    it.each(ROLES)('rule: %s cannot act on a card of a user in a sibling trust or the parent organisation; nothing changes', async (role) => {
      const me = await staff(orgs.trustA.id, role);
      for (const org of [orgs.trustB, orgs.region]) {
        const card = await cardAt(org.id);
        const before = await tableCounts(h.db);
        const res = await h.call('POST', e.path(card), { token: me.token, json: e.body(card) });
        expectRefused(res, 403, ALLOWED[role] ? 'out-of-scope' : 'forbidden');
        expect(await tableCounts(h.db)).toEqual(before);
        expect((await cardStatus(card)).status).toBe('active');
      }
    });

    it('rule: without a live session it is 401 and nothing changes', async () => {
      const card = await cardAt(orgs.siteA1.id);
      const before = await tableCounts(h.db);
      expect((await h.call('POST', e.path(card), { json: e.body(card) })).status).toBe(401);
      expect(await tableCounts(h.db)).toEqual(before);
    });
  });
}

/** The steps of an open operation: opened by an RAA, then checked again at the step. */
const STEPS = [
  {
    name: 'POST /v1/card-operations/:operationId/repaired',
    open: (c: MadeCard) => ({ path: `/v1/smartcards/${c.cardUuid}/repair`, json: { workstationId: WORKSTATION, card: issuedReadout(c) } }),
    step: (id: string) => `/v1/card-operations/${id}/repaired`,
    body: () => ({ workstationId: WORKSTATION, repaired: [], keyMatches: true }),
  },
  {
    name: 'POST /v1/card-operations/:operationId/cleared',
    open: (c: MadeCard) => ({ path: `/v1/smartcards/${c.cardUuid}/clear`, json: { workstationId: WORKSTATION, card: issuedReadout(c) } }),
    step: (id: string) => `/v1/card-operations/${id}/cleared`,
    body: (c: MadeCard) => ({ workstationId: WORKSTATION, card: blankReadout(c.serial) }),
  },
] as const;

for (const e of STEPS) {
  describe(`${e.name} (the RA's own open operation, the right over the holder checked again)`, () => {
    async function opened(): Promise<{ card: MadeCard; me: Awaited<ReturnType<typeof staff>>; operationId: string }> {
      const card = await cardAt(orgs.siteA1.id);
      const me = await staff(orgs.trustA.id, 'RAA');
      const { path, json } = e.open(card);
      const res = await h.call('POST', path, { token: me.token, json });
      expect(res.status).toBe(201);
      await cardProved(h, me.token, res.body.operationId, card);
      return { card, me, operationId: res.body.operationId };
    }

    it('rule: the RA who opened it finishes it', async () => {
      const { card, me, operationId } = await opened();
      expect((await h.call('POST', e.step(operationId), { token: me.token, json: e.body(card) })).status).toBe(200);
    });

    it.each(['S', 'IDC', 'LSA', 'none'] as const)('rule: a session whose position became %s since opening is refused; nothing changes', async (role) => {
      const { card, me, operationId } = await opened();
      await h.db.updateTable('positions').set({ roles: role === 'none' ? '' : role }).where('id', '=', me.positionId).execute();
      const before = await tableCounts(h.db);
      expectRefused(await h.call('POST', e.step(operationId), { token: me.token, json: e.body(card) }), 403, 'forbidden');
      expect(await tableCounts(h.db)).toEqual(before);
      expect(await cardStatus(card)).toEqual({ status: 'active', cleared_at: null });
    });

    it('rule: a holder who moved out of the RA\'s organisations since opening is out of scope; nothing changes', async () => {
      const { card, me, operationId } = await opened();
      const holderId = (await h.db.selectFrom('cards').select('user_id').where('uuid', '=', card.cardUuid).executeTakeFirstOrThrow()).user_id;
      await h.db.updateTable('users').set({ home_org_id: orgs.trustB.id }).where('id', '=', holderId).execute();
      const before = await tableCounts(h.db);
      expectRefused(await h.call('POST', e.step(operationId), { token: me.token, json: e.body(card) }), 403, 'out-of-scope');
      expect(await tableCounts(h.db)).toEqual(before);
      expect(await cardStatus(card)).toEqual({ status: 'active', cleared_at: null });
    });

    it('rule: another RA, even of the same organisation, cannot take the operation over (404); nothing changes', async () => {
      const { card, operationId } = await opened();
      const other = await staff(orgs.trustA.id, 'RAM');
      const before = await tableCounts(h.db);
      expectRefused(await h.call('POST', e.step(operationId), { token: other.token, json: e.body(card) }), 404, 'not-found');
      expect(await tableCounts(h.db)).toEqual(before);
    });

    it('rule: without a live session it is 401 and nothing changes', async () => {
      const { card, operationId } = await opened();
      const before = await tableCounts(h.db);
      expect((await h.call('POST', e.step(operationId), { json: e.body(card) })).status).toBe(401);
      expect(await tableCounts(h.db)).toEqual(before);
    });
  });
}

describe('GET /v1/ca/crl (public: anyone checking a certificate)', () => {
  it('rule: the revocation list needs no session', async () => {
    const res = await fetch(`${h.url}/v1/ca/crl`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pkix-crl');
  });
});
