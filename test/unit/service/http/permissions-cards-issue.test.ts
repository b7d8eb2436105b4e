import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoleCode } from '../../../../src-shared/domain/roles.js';
import { endSession, resolveSession } from '../../../../src-service/auth/session-store.js';
import { actor, addUser, TEST_KEY } from '../../../support/service-fixtures.js';
import { newCardKey } from '../support/renewal-rig.js';
import { startHarness, tableCounts, uniqueNi, type Harness, type Reply } from '../cim/cim-harness.js';
import { attest, blankCard, issueUntil, openIssue, readout, requestCertificate, step, witnessFor, witnessWith, WS, type People } from '../cards/issue-support.js';

// The permission matrix for issuing a smartcard, at the HTTP boundary, for every endpoint the
// issue serves. Expected outcomes written by hand from domain.md: 'issue-smartcard' is RAM,
// RAA(A) and RAA, over users in their organisation and its child organisations; S, IDC, LSA and a
// position with no role are refused (403 'forbidden'); a holder in a sibling trust or the parent
// organisation is 403 'out-of-scope'; no live session is 401. Every step checks again: a role
// taken away, or a holder moved out of scope, between two steps stops the issue there. A
// refusal changes nothing.

type RoleOrNone = RoleCode | 'none';
const ROLES: RoleOrNone[] = ['RAM', 'RAA(A)', 'RAA', 'S', 'IDC', 'LSA', 'none'];
const ALLOWED: Record<RoleOrNone, boolean> = { RAM: true, 'RAA(A)': true, RAA: true, S: false, IDC: false, LSA: false, none: false };
const RA_ROLES = ['RAM', 'RAA(A)', 'RAA'] as const;

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

function expectRefused(res: Reply, status: number, code: string): void {
  expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
}

async function staffAndHolder(role: RoleOrNone, holderAt: 'siteA1' | 'trustB' | 'region' = 'siteA1'): Promise<People> {
  const orgs = await h.tree();
  const ra = await actor(h.db, orgs.trustA.id, role === 'none' ? [] : [role]);
  const holder = await addUser(h.db, { given: 'Nia', family: 'Holder', homeOrgId: orgs[holderAt].id, ni: uniqueNi() });
  return { orgs, ra, holder };
}

describe('POST /v1/users/:uuid/smartcards (open an issue)', () => {
  it.each(ROLES)('rule: %s opening an issue for a user in its subtree gets what domain.md gives', async (role) => {
    const p = await staffAndHolder(role);
    const before = await tableCounts(h.db);
    const res = await openIssue(h, p.ra.token, p.holder.uuid, readout(blankCard()));
    if (ALLOWED[role]) expect(res.status).toBe(201);
    else {
      expectRefused(res, 403, 'forbidden');
      expect(await tableCounts(h.db)).toEqual(before);
    }
  });

  it.each(RA_ROLES)('rule: %s cannot open an issue for a user in a sibling trust or the parent organisation', async (role) => {
    for (const at of ['trustB', 'region'] as const) {
      const p = await staffAndHolder(role, at);
      const before = await tableCounts(h.db);
      expectRefused(await openIssue(h, p.ra.token, p.holder.uuid, readout(blankCard())), 403, 'out-of-scope');
      expect(await tableCounts(h.db)).toEqual(before);
    }
  });
});

type StepName = 'certificate' | 'personalise' | 'card-witness' | 'authenticate' | 'confirm' | 'abandon';
const STEPS: StepName[] = ['certificate', 'personalise', 'card-witness', 'authenticate', 'confirm', 'abandon'];

/** An issue opened by an RAA and taken up to `name`, and the call that takes that step as the agent would. */
async function readyFor(name: StepName): Promise<{ p: People; go: () => Promise<Reply> }> {
  const p = await staffAndHolder('RAA');
  const card = blankCard();
  const until = ({ certificate: 'open', personalise: 'certificate', 'card-witness': 'personalise', authenticate: 'personalise', confirm: 'authenticate', abandon: 'certificate' } as const)[name];
  const issued = await issueUntil(h, p, card, until);
  const id = issued.operationId;
  switch (name) {
    case 'certificate': {
      const key = newCardKey('p256');
      return { p, go: () => requestCertificate(h, p.ra.token, id, key, attest(card, key.publicKey)) };
    }
    case 'card-witness':
      return { p, go: () => step(h, p.ra.token, id, 'card-witness', { witness: witnessWith(issued.managementKey!) }) };
    case 'authenticate': {
      const answer = await witnessFor(h, p.ra.token, id, issued.managementKey!);
      if ('status' in answer) throw new Error('the witness was refused');
      return { p, go: () => step(h, p.ra.token, id, 'authenticate', answer) };
    }
    case 'abandon':
      return { p, go: () => step(h, p.ra.token, id, 'abandon', { reason: 'cancelled-by-user' }) };
    default:
      return { p, go: () => step(h, p.ra.token, id, name) };
  }
}

describe.each(STEPS)('POST /v1/card-operations/:operationId/%s', (name) => {
  it.each(ROLES)(`rule: the RA's position holding %s when it asks for ${name} gets what domain.md gives`, async (role) => {
    const { p, go } = await readyFor(name);
    await h.db.updateTable('positions').set({ roles: role === 'none' ? '' : role }).where('id', '=', p.ra.positionId).execute();
    const before = await tableCounts(h.db);
    const res = await go();
    if (ALLOWED[role]) expect(res.status).toBe(200);
    else {
      expectRefused(res, 403, 'forbidden');
      expect(await tableCounts(h.db)).toEqual(before);
    }
  });

  it(`rule: a holder moved to a sibling trust or the parent organisation before ${name} is out of scope, and nothing changes`, async () => {
    for (const to of ['trustB', 'region'] as const) {
      const { p, go } = await readyFor(name);
      await h.db.updateTable('users').set({ home_org_id: p.orgs[to].id }).where('id', '=', p.holder.id).execute();
      const before = await tableCounts(h.db);
      expectRefused(await go(), 403, 'out-of-scope');
      expect(await tableCounts(h.db)).toEqual(before);
    }
  });
});

describe('no session', () => {
  const UUID = '0b5f3c1e-8d2a-4c7e-9f10-2a3b4c5d6e7f';
  const OP = 'A'.repeat(43);
  const ENDPOINTS: [string, unknown][] = [
    [`/v1/users/${UUID}/smartcards`, { workstationId: WS, algorithm: 'p256', card: readout(blankCard()) }],
    [`/v1/card-operations/${OP}/certificate`, { workstationId: WS, csr: 'AAAA', attestation: null }],
    [`/v1/card-operations/${OP}/personalise`, { workstationId: WS }],
    [`/v1/card-operations/${OP}/card-witness`, { workstationId: WS, witness: Buffer.alloc(16).toString('base64') }],
    [`/v1/card-operations/${OP}/authenticate`, { workstationId: WS, exchangeId: 'abc', cardResponse: 'AAAA' }],
    [`/v1/card-operations/${OP}/confirm`, { workstationId: WS }],
    [`/v1/card-operations/${OP}/abandon`, { workstationId: WS, reason: 'failed' }],
  ];

  it.each(ENDPOINTS)('rule: POST %s needs a live session (none, a malformed or unknown token, an ended session: 401)', async (path, json) => {
    const orgs = await h.tree();
    const ended = await actor(h.db, orgs.trustA.id, ['RAM']);
    await endSession(h.db, ((await resolveSession(h.db, ended.token, TEST_KEY.thumbprint)) as { sessionId: number }).sessionId, 'test');
    const before = await tableCounts(h.db);
    for (const token of [undefined, 'not a bearer token', 'A'.repeat(43), ended.token]) {
      expectRefused(await h.call('POST', path, { json, ...(token ? { token } : {}) }), 401, 'unauthenticated');
    }
    expect(await tableCounts(h.db)).toEqual(before);
  });
});
