import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RoleCode } from '../../../../src-shared/domain/roles.js';
import { endSession, resolveSession } from '../../../../src-service/auth/session-store.js';
import { actor, addPosition, addUser, assign, TEST_KEY } from '../../../support/service-fixtures.js';
import { startHarness, tableCounts, uniqueNi, type Harness, type Orgs } from '../cim/cim-harness.js';

// Batch position management at the HTTP boundary: "batch manage position assignments" is RAM
// and RAA(A) only (domain.md); every other role is refused each step; every user and position a
// row touches must be in the session's organisation subtree (a row outside it is reported and
// never applied); a call without a live session gets 401. Expected outcomes written by hand.

type RoleOrNone = RoleCode | 'none';
const ROLES: RoleOrNone[] = ['RAM', 'RAA(A)', 'RAA', 'S', 'IDC', 'LSA', 'none'];
const EXPECTED: Record<RoleOrNone, 'allowed' | 'forbidden'> = {
  RAM: 'allowed',
  'RAA(A)': 'allowed',
  RAA: 'forbidden',
  S: 'forbidden',
  IDC: 'forbidden',
  LSA: 'forbidden',
  none: 'forbidden',
};

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

const HEADER = 'action,user_uuid,position_id,start_date';
const staff = (orgId: number, role: RoleOrNone) => actor(h.db, orgId, role === 'none' ? [] : [role], `${role} staff`);
const userAt = (orgId: number) => addUser(h.db, { given: 'Target', family: 'User', homeOrgId: orgId, ni: uniqueNi() });
const upload = (token: string, csv: string) => h.call('POST', '/v1/assignment-batches', { token, json: { csv } });
const assignmentsOf = (userId: number) => h.db.selectFrom('position_assignments').select('position_id').where('user_id', '=', userId).where('removed_at', 'is', null).execute();

function expectRefused(res: { status: number; body: { code?: string } }, status: number, code: string): void {
  expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
}

/** A batch checked by a RAM at trust A, adding a user at site A1 to a position there. */
async function ramBatch(): Promise<{ batchId: string; userId: number }> {
  const ram = await staff(orgs.trustA.id, 'RAM');
  const user = await userAt(orgs.siteA1.id);
  const position = await addPosition(h.db, { orgId: orgs.siteA1.id, title: 'Staff Nurse' });
  const res = await upload(ram.token, `${HEADER}\r\nadd,${user.uuid},${position},01/07/2025\r\n`);
  expect(res.status).toBe(201);
  return { batchId: res.body.batchId as string, userId: user.id };
}

describe('who may batch manage position assignments (RAM, RAA(A))', () => {
  it.each(ROLES)('rule: %s checks, applies and downloads a batch inside its subtree, or is refused each step', async (role) => {
    const me = await staff(orgs.trustA.id, role);
    const user = await userAt(orgs.siteA1.id);
    const position = await addPosition(h.db, { orgId: orgs.siteA1.id, title: 'Staff Nurse' });
    const csv = `${HEADER}\r\nadd,${user.uuid},${position},01/07/2025\r\n`;
    if (EXPECTED[role] === 'allowed') {
      const checked = await upload(me.token, csv);
      expect(checked.status).toBe(201);
      expect(checked.body).toMatchObject({ valid: 1, errors: [] });
      const applied = await h.call('POST', `/v1/assignment-batches/${checked.body.batchId}/apply`, { token: me.token });
      expect(applied.status).toBe(200);
      expect(await assignmentsOf(user.id)).toEqual([{ position_id: position }]);
      expect((await h.call('GET', `/v1/assignment-batches/${checked.body.batchId}/result`, { token: me.token })).status).toBe(200);
    } else {
      const other = await ramBatch();
      const before = await tableCounts(h.db);
      expectRefused(await upload(me.token, csv), 403, 'forbidden');
      expectRefused(await h.call('POST', `/v1/assignment-batches/${other.batchId}/apply`, { token: me.token }), 403, 'forbidden');
      expectRefused(await h.call('GET', `/v1/assignment-batches/${other.batchId}/result`, { token: me.token }), 403, 'forbidden');
      expect(await tableCounts(h.db)).toEqual(before);
      expect(await assignmentsOf(other.userId)).toEqual([]);
    }
  });
});

describe('every user and position a row touches is in the session subtree', () => {
  it.each(['RAM', 'RAA(A)'] as const)('rule: %s gets each row about a user or position in a sibling trust or the parent organisation refused, and Apply leaves them alone', async (role) => {
    const me = await staff(orgs.trustA.id, role);
    const inside = await addPosition(h.db, { orgId: orgs.siteA1.id, title: 'Staff Nurse' });
    const siblingPosition = await addPosition(h.db, { orgId: orgs.trustB.id, title: 'Porter' });
    const parentPosition = await addPosition(h.db, { orgId: orgs.region.id, title: 'Regional Lead' });
    const siblingUser = await userAt(orgs.trustB.id);
    const parentUser = await userAt(orgs.region.id);
    const insideUser = await userAt(orgs.siteA1.id);
    const res = await upload(
      me.token,
      [
        HEADER,
        `add,${siblingUser.uuid},${inside},01/07/2025`,
        `add,${parentUser.uuid},${inside},01/07/2025`,
        `add,${insideUser.uuid},${siblingPosition},01/07/2025`,
        `add,${insideUser.uuid},${parentPosition},01/07/2025`,
      ].join('\r\n'),
    );
    expect(res.status).toBe(201);
    expect(res.body.errors).toEqual([
      { row: 2, message: 'Target User is outside your organisations' },
      { row: 3, message: 'Target User is outside your organisations' },
      { row: 4, message: `the position "Porter" at ${orgs.trustB.code} is outside your organisations` },
      { row: 5, message: `the position "Regional Lead" at ${orgs.region.code} is outside your organisations` },
    ]);
    const applied = await h.call('POST', `/v1/assignment-batches/${res.body.batchId}/apply`, { token: me.token });
    expect(applied.body).toMatchObject({ applied: 0, skipped: 4 });
    for (const user of [siblingUser, parentUser, insideUser]) expect(await assignmentsOf(user.id)).toEqual([]);
  });

  it('rule: a user from another trust who holds a current position in the subtree is in scope (their assignment brings them in)', async () => {
    const me = await staff(orgs.trustA.id, 'RAM');
    const held = await addPosition(h.db, { orgId: orgs.siteA1.id, title: 'Locum' });
    const extra = await addPosition(h.db, { orgId: orgs.siteA1.id, title: 'Staff Nurse' });
    const visitor = await userAt(orgs.trustB.id);
    await assign(h.db, visitor.id, held, '2025-01-01', null);
    const res = await upload(me.token, `${HEADER}\r\nadd,${visitor.uuid},${extra},01/07/2025\r\n`);
    expect(res.body).toMatchObject({ valid: 1, errors: [] });
  });

  it('rule: scope is checked again at Apply, against the session applying', async () => {
    const me = await staff(orgs.trustA.id, 'RAM');
    const position = await addPosition(h.db, { orgId: orgs.siteA1.id, title: 'Staff Nurse' });
    const mover = await userAt(orgs.siteA1.id);
    const res = await upload(me.token, `${HEADER}\r\nadd,${mover.uuid},${position},01/07/2025\r\n`);
    expect(res.body.valid).toBe(1);
    // The user moves to the sibling trust before the batch is applied.
    await h.db.updateTable('users').set({ home_org_id: orgs.trustB.id }).where('id', '=', mover.id).execute();
    const applied = await h.call('POST', `/v1/assignment-batches/${res.body.batchId}/apply`, { token: me.token });
    expect(applied.body).toMatchObject({ applied: 0, notApplied: 1 });
    expect(await assignmentsOf(mover.id)).toEqual([]);
  });
});

describe('a live session is needed', () => {
  const BATCH = '00000000-0000-4000-8000-000000000000';
  const ENDPOINTS: [string, string, unknown?][] = [
    ['POST', '/v1/assignment-batches', { csv: `${HEADER}\r\n` }],
    ['POST', `/v1/assignment-batches/${BATCH}/apply`],
    ['GET', `/v1/assignment-batches/${BATCH}/result`],
  ];

  it.each(ENDPOINTS)('rule: %s %s needs a live session (none, a malformed or unknown token, an ended session: 401)', async (method, path, json) => {
    const body = json === undefined ? {} : { json };
    const ended = await staff(orgs.trustA.id, 'RAM');
    await endSession(h.db, ((await resolveSession(h.db, ended.token, TEST_KEY.thumbprint)) as { sessionId: number }).sessionId, 'test');
    for (const token of [undefined, 'not a bearer token', 'A'.repeat(43), ended.token]) {
      expectRefused(await h.call(method, path, { ...body, ...(token ? { token } : {}) }), 401, 'unauthenticated');
    }
  });
});
