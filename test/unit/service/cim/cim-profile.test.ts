import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProfileView } from '../../../../src-shared/api/cim-profile.js';
import { actor, addCard, addPosition, addUser, assign, sessionFor } from '../../../support/service-fixtures.js';
import { startHarness, TODAY, type Harness, type Orgs, uniqueNi } from './cim-harness.js';

// GET /v1/users/:uuid: what a profile shows, and to whom.

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
  h.resetClock();
});

/** A user at site A1 with a current, an ended, a removed and an upcoming assignment. */
async function clinicianWithHistory(): Promise<{ id: number; uuid: string; ni: string; current: number; ended: number; removed: number; upcoming: number }> {
  const { db } = h;
  const ni = uniqueNi();
  const user = await addUser(db, { given: 'Zoë', family: 'Ashworth', homeOrgId: orgs.siteA1.id, ni, email: 'zoe.ashworth@nhs.net', mobile: '07700900123' });
  const nurse = await addPosition(db, { orgId: orgs.siteA1.id, title: 'Staff Nurse', jobRole: 'R8000' });
  const ward = await addPosition(db, { orgId: orgs.siteA1.id, title: 'Ward Clerk', jobRole: 'R8001' });
  const bank = await addPosition(db, { orgId: orgs.trustA.id, title: 'Bank Nurse', jobRole: 'R8002', assignable: false });
  const current = await assign(db, user.id, nurse, '2024-01-01', null);
  const ended = await assign(db, user.id, ward, '2023-01-01', '2024-06-30');
  const removed = await assign(db, user.id, bank, '2024-01-01', null);
  await db.updateTable('position_assignments').set({ removed_at: '2025-01-10T09:00:00.000Z' }).where('id', '=', removed).execute();
  const upcoming = await assign(db, user.id, bank, '2025-07-01', '2026-07-01');
  return { ...user, ni, current, ended, removed, upcoming };
}

describe('profile contents', () => {
  it('rule: a profile shows the details, the cards with their latest certificate expiry (a cleared card as cleared) and the authenticators not removed', async () => {
    const { db } = h;
    const user = await clinicianWithHistory();
    const card = await addCard(db, user.id, { status: 'active' });
    const oldCard = await addCard(db, user.id, { status: 'revoked' });
    const clearedCard = await addCard(db, user.id, { status: 'revoked' });
    await db.updateTable('cards').set({ cleared_at: '2025-02-01T08:00:00.000Z' }).where('id', '=', clearedCard.id).execute();
    await db
      .insertInto('certificates')
      .values([
        { serial: '01', card_id: card.id, not_before: '2022-01-01T00:00:00.000Z', not_after: '2025-01-01T00:00:00.000Z' },
        // The renewal: issued last.
        { serial: '02', card_id: card.id, not_before: '2024-12-01T00:00:00.000Z', not_after: '2027-12-01T00:00:00.000Z' },
      ])
      .execute();
    await db.updateTable('cards').set({ puk_sealed: Buffer.from('sealed-puk') }).where('id', '=', card.id).execute();
    await db
      .insertInto('authenticators')
      .values([
        { user_id: user.id, kind: 'ipad', label: 'Ward iPad', created_at: '2025-02-01T08:00:00.000Z', removed_at: null },
        { user_id: user.id, kind: 'security-key', label: 'Old key', created_at: '2024-02-01T08:00:00.000Z', removed_at: '2025-03-01T08:00:00.000Z' },
      ])
      .execute();

    const viewer = await actor(db, orgs.trustA.id, []);
    const res = await h.call('GET', `/v1/users/${user.uuid}`, { token: viewer.token });
    expect(res.status).toBe(200);
    const profile = ProfileView.parse(res.body);
    expect(profile).toMatchObject({
      uuid: user.uuid,
      givenName: 'Zoë',
      familyName: 'Ashworth',
      niNumber: user.ni,
      email: 'zoe.ashworth@nhs.net',
      mobile: '07700900123',
      status: 'open',
    });
    const { serial: cardSerial } = await db.selectFrom('cards').select('serial').where('id', '=', card.id).executeTakeFirstOrThrow();
    expect(profile.cards).toEqual([
      { uuid: card.uuid, serial: cardSerial, status: 'active', certificateNotAfter: '2027-12-01T00:00:00.000Z' },
      expect.objectContaining({ uuid: oldCard.uuid, status: 'revoked', certificateNotAfter: null }),
      // Cleared for reuse: shown as such, not as a revoked card.
      expect.objectContaining({ uuid: clearedCard.uuid, status: 'cleared', certificateNotAfter: null }),
    ]);
    expect(profile.authenticators).toEqual([{ id: expect.any(Number), kind: 'ipad', label: 'Ward iPad', createdAt: '2025-02-01T08:00:00.000Z' }]);
    // Card secrets stay in the store.
    expect(JSON.stringify(res.body)).not.toContain('puk');
    expect(JSON.stringify(res.body)).not.toContain(Buffer.from('sealed-puk').toString('base64'));
  });

  it('rule: assignments show the position and its organisation; ended and removed ones are hidden from a session without view-ended-assignments', async () => {
    const { db } = h;
    const user = await clinicianWithHistory();
    for (const roles of [[], ['IDC'], ['LSA']] as const) {
      const viewer = await actor(db, orgs.trustA.id, [...roles]);
      const res = await h.call('GET', `/v1/users/${user.uuid}`, { token: viewer.token });
      expect(res.status).toBe(200);
      expect(res.body.assignments.map((a: { id: number }) => a.id)).toEqual([user.current, user.upcoming]);
    }
    const viewer = await actor(db, orgs.trustA.id, []);
    const res = await h.call('GET', `/v1/users/${user.uuid}`, { token: viewer.token });
    expect(res.body.assignments[0]).toEqual({
      id: user.current,
      position: {
        id: expect.any(Number),
        title: 'Staff Nurse',
        jobRole: 'R8000',
        organisation: { code: orgs.siteA1.code, name: orgs.siteA1.name, kind: 'site', parentCode: orgs.trustA.code },
        roles: [],
        assignable: true,
      },
      startDate: '2024-01-01',
      endDate: null,
      state: 'current',
    });
  });

  it('rule: RA staff and sponsors see expired and removed assignments too', async () => {
    const { db } = h;
    const user = await clinicianWithHistory();
    for (const role of ['RAM', 'RAA(A)', 'RAA', 'S'] as const) {
      const viewer = await actor(db, orgs.trustA.id, [role]);
      const res = await h.call('GET', `/v1/users/${user.uuid}`, { token: viewer.token });
      expect(res.status).toBe(200);
      expect(res.body.assignments.map((a: { id: number }) => a.id).sort()).toEqual([user.current, user.ended, user.removed, user.upcoming].sort());
    }
  });

  it('rule: an assignment ending today is still active; one that ended yesterday is history', async () => {
    const { db } = h;
    const user = await addUser(db, { given: 'Sam', family: 'Boundary', homeOrgId: orgs.trustA.id });
    const p = await addPosition(db, { orgId: orgs.trustA.id, title: 'Porter' });
    const today = await assign(db, user.id, p, '2024-01-01', TODAY);
    await assign(db, user.id, p, '2024-01-01', '2025-06-14');
    const viewer = await actor(db, orgs.trustA.id, []);
    const res = await h.call('GET', `/v1/users/${user.uuid}`, { token: viewer.token });
    expect(res.body.assignments.map((a: { id: number }) => a.id)).toEqual([today]);
  });

  it('rule: an unknown user UUID is 404', async () => {
    const viewer = await actor(h.db, orgs.trustA.id, ['RAM']);
    const res = await h.call('GET', '/v1/users/0b5f3c1e-8d2a-4c7e-9f10-2a3b4c5d6e7f', { token: viewer.token });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('not-found');
  });
});

describe('profile scope', () => {
  it("rule: outside the session's organisation and its children a found user's profile shows only the directory part, never a refusal", async () => {
    const { db } = h;
    const viewer = await actor(db, orgs.trustA.id, ['RAM']);
    const child = await addUser(db, { given: 'Child', family: 'Site', homeOrgId: orgs.siteA1.id, ni: uniqueNi(), email: 'child.site@nhs.net' });
    expect((await h.call('GET', `/v1/users/${child.uuid}`, { token: viewer.token })).body).toMatchObject({ access: 'full', email: 'child.site@nhs.net' });
    for (const org of [orgs.trustB, orgs.region]) {
      const other = await addUser(db, { given: 'Other', family: 'Place', homeOrgId: org.id, ni: uniqueNi(), email: 'other.place@nhs.net', mobile: '07700900999' });
      const ward = await addPosition(db, { orgId: org.id, title: 'Ward Sister' });
      await assign(db, other.id, ward, '2024-01-01', null);
      await addCard(db, other.id, { status: 'active' });
      const res = await h.call('GET', `/v1/users/${other.uuid}`, { token: viewer.token });
      expect(res.status).toBe(200);
      const profile = ProfileView.parse(res.body);
      expect(profile).toMatchObject({ access: 'directory', givenName: 'Other', familyName: 'Place', niNumber: null, email: null, mobile: null, cards: [], authenticators: [] });
      expect(profile.organisations.map((o) => o.code)).toEqual([org.code]);
      expect(profile.assignments.map((a) => a.position.title)).toEqual(['Ward Sister']);
      expect(profile.may).toMatchObject({ changeDetails: null, closeReopen: null, assignPositions: null, viewEnded: false, viewHistory: false });
    }
  });

  it("rule: a user's organisations are their home organisation and those of their active assignments", async () => {
    const { db } = h;
    const viewer = await actor(db, orgs.trustA.id, ['RAA']);
    // Home in trust B, working a shift at site A1: trust A staff see all of the profile while it lasts.
    const locum = await addUser(db, { given: 'Lee', family: 'Locum', homeOrgId: orgs.trustB.id, ni: uniqueNi() });
    const shift = await addPosition(db, { orgId: orgs.siteA1.id, title: 'Locum Registrar' });
    const assignment = await assign(db, locum.id, shift, '2025-01-01', null);
    const during = await h.call('GET', `/v1/users/${locum.uuid}`, { token: viewer.token });
    expect(during.body.access).toBe('full');
    expect(during.body.organisations.map((o: { code: string }) => o.code)).toEqual([orgs.trustB.code, orgs.siteA1.code]);
    await db.updateTable('position_assignments').set({ removed_at: '2025-06-01T00:00:00.000Z' }).where('id', '=', assignment).execute();
    const after = await h.call('GET', `/v1/users/${locum.uuid}`, { token: viewer.token });
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({ access: 'directory', niNumber: null, assignments: [] });
  });

  it('rule: anyone may view their own profile, even when signed in at an organisation outside their home', async () => {
    const { db } = h;
    const me = await addUser(db, { given: 'Own', family: 'Profile', homeOrgId: orgs.trustB.id });
    const shift = await addPosition(db, { orgId: orgs.siteA1.id, title: 'Agency Nurse' });
    // Signed in with a position at a site of another trust: the session names the site.
    await assign(db, me.id, shift);
    const token = await sessionFor(db, me.id, shift);
    const res = await h.call('GET', `/v1/users/${me.uuid}`, { token });
    expect(res.status).toBe(200);
    expect(res.body.uuid).toBe(me.uuid);
  });
});
