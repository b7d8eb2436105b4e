import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceErrorBody } from '../../../../src-shared/api/service-errors.js';
import { actor, addPosition, addUser } from '../../../support/service-fixtures.js';
import { auditLength, startHarness, tableCounts, uniqueNi, type Harness, type Orgs, type Reply } from '../cim/cim-harness.js';

// Property-style checks over many generated bodies (a seeded generator, so a failure replays),
// and the guarantee that a refused request leaves the store exactly as it was.

let h: Harness;
let orgs: Orgs;
beforeAll(async () => {
  h = await startHarness();
  orgs = await h.tree();
});
afterAll(async () => {
  await h.close();
});

/** mulberry32: small, fast, good enough to vary test input; the seed makes runs repeatable. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIELD_NAMES = ['givenName', 'familyName', 'niNumber', 'email', 'mobile', 'positionIds', 'startDate', 'reason', 'endDate', '__proto__', 'constructor', '', 'x'.repeat(300)];
const STRINGS = ['', ' ', 'a', 'AB123456C', 'ab 12 34 56 c', 'x@nhs.net', 'x@gmail.com', '07700900123', '+447700900123', '2025-07-01', '2025-06-14', '9999-12-31', "'; DROP TABLE users;--", '\u0000', '\uD800', '👩‍⚕️', 'e\u0301', '\u202E', 'null', '{}', '[]', 'x'.repeat(101), 'y'.repeat(501)];

function randomValue(rand: () => number, depth: number): unknown {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  switch (Math.floor(rand() * (depth > 2 ? 6 : 8))) {
    case 0:
      return null;
    case 1:
      return rand() < 0.5;
    case 2:
      return pick([0, -1, 1, 2, 1.5, 2 ** 31, 2 ** 53, -(2 ** 53), 1e308, Number.MIN_VALUE]);
    case 3:
    case 4:
      return pick(STRINGS);
    case 5:
      return String.fromCharCode(...Array.from({ length: Math.floor(rand() * 12) }, () => Math.floor(rand() * 0xffff)));
    case 6:
      return Array.from({ length: Math.floor(rand() * 5) }, () => randomValue(rand, depth + 1));
    default:
      return randomObject(rand, depth + 1);
  }
}

function randomObject(rand: () => number, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const n = Math.floor(rand() * 4);
  for (let i = 0; i < n; i++) out[FIELD_NAMES[Math.floor(rand() * FIELD_NAMES.length)] as string] = randomValue(rand, depth);
  return out;
}

/** Half the bodies start from a valid one and change a field or two, to get past the first checks. */
function randomBody(rand: () => number, valid: Record<string, unknown>): string {
  const roll = rand();
  if (roll < 0.1) return JSON.stringify(randomValue(rand, 0));
  if (roll < 0.5) return JSON.stringify(randomObject(rand, 0));
  const body: Record<string, unknown> = { ...valid };
  const changes = 1 + Math.floor(rand() * 2);
  for (let i = 0; i < changes; i++) {
    const keys = Object.keys(valid);
    const key = rand() < 0.7 && keys.length > 0 ? (keys[Math.floor(rand() * keys.length)] as string) : (FIELD_NAMES[Math.floor(rand() * FIELD_NAMES.length)] as string);
    if (rand() < 0.15) delete body[key];
    else body[key] = randomValue(rand, 1);
  }
  const text = JSON.stringify(body);
  // Sometimes truncate, to mix in broken JSON.
  return rand() < 0.05 ? text.slice(0, Math.floor(rand() * text.length)) : text;
}

function expectNoServerError(res: Reply, what: string): void {
  expect(res.status, what).toBeLessThan(500);
  if (res.status >= 400) expect(ServiceErrorBody.safeParse(res.body).success, what).toBe(true);
}

describe('generated bodies', () => {
  const RUNS = 300;

  it(`rule: ${RUNS} generated bodies to each POST, PUT and PATCH endpoint never produce a server error`, async () => {
    const ram = await actor(h.db, orgs.trustA.id, ['RAM']);
    const sponsor = await actor(h.db, orgs.trustA.id, ['S']);
    const requester = await actor(h.db, orgs.siteA1.id, [], 'Requester');
    const user = await addUser(h.db, { given: 'Fuzz', family: 'Target', homeOrgId: orgs.siteA1.id, ni: uniqueNi() });
    const position = await addPosition(h.db, { orgId: orgs.siteA1.id, title: 'Fuzz position' });
    const requested = await h.call('POST', '/v1/me/position-requests', { token: requester.token, json: { positionIds: [position], startDate: '2025-07-01' } });
    const requestId = requested.body.requests[0].id as number;

    const endpoints: { method: string; path: string; token: string; valid: Record<string, unknown> }[] = [
      { method: 'PATCH', path: `/v1/users/${user.uuid}/details`, token: ram.token, valid: { givenName: 'Jo', niNumber: 'AB123456C' } },
      { method: 'PATCH', path: `/v1/users/${user.uuid}/details`, token: sponsor.token, valid: { familyName: 'Smith', mobile: '07700900123' } },
      { method: 'PUT', path: '/v1/me/contact', token: requester.token, valid: { email: 'fuzz@nhs.net', mobile: '07700900123' } },
      { method: 'POST', path: '/v1/me/position-requests', token: requester.token, valid: { positionIds: [position], startDate: '2025-07-01' } },
      { method: 'POST', path: `/v1/position-requests/${requestId}/reject`, token: ram.token, valid: { reason: 'Not needed' } },
      { method: 'POST', path: `/v1/position-requests/${requestId + 1000}/grant`, token: ram.token, valid: {} },
    ];
    for (const [index, endpoint] of endpoints.entries()) {
      const rand = prng(0xc1a0 + index);
      const bodies = Array.from({ length: RUNS }, () => randomBody(rand, endpoint.valid));
      // A few at a time: concurrent writers must queue, not fail.
      for (let i = 0; i < bodies.length; i += 10) {
        const batch = bodies.slice(i, i + 10);
        const replies = await Promise.all(batch.map((raw) => h.call(endpoint.method, endpoint.path, { token: endpoint.token, raw })));
        replies.forEach((res, j) => expectNoServerError(res, `${endpoint.method} ${endpoint.path} ${batch[j]}`));
      }
    }
    // Whatever was accepted, the directory still holds together: one user per NI number, and
    // names still have their search forms.
    expect(await h.db.selectFrom('users').select('id').where((eb) => eb.or([eb('given_name_norm', 'is', null), eb('family_name_norm', 'is', null)])).execute()).toEqual([]);
  });
});

describe('refused requests change nothing', () => {
  it('rule: state never changes on a rejected request (row counts, audit log length, the target user and the request queue are as before)', async () => {
    const ram = await actor(h.db, orgs.trustA.id, ['RAM'], 'Manager');
    const lsa = await actor(h.db, orgs.trustA.id, ['LSA'], 'Administrator');
    const elsewhere = await actor(h.db, orgs.trustB.id, ['RAM'], 'Elsewhere');
    const requester = await actor(h.db, orgs.siteA1.id, [], 'Requester');
    const user = await addUser(h.db, { given: 'Still', family: 'Same', homeOrgId: orgs.siteA1.id, ni: uniqueNi(), email: 'still.same@nhs.net' });
    const otherNi = uniqueNi();
    await addUser(h.db, { given: 'Other', family: 'Holder', homeOrgId: orgs.siteA1.id, ni: otherNi });
    const open = await addPosition(h.db, { orgId: orgs.siteA1.id, title: 'Open' });
    const closed = await addPosition(h.db, { orgId: orgs.siteA1.id, title: 'Closed' });
    await h.db.updateTable('positions').set({ closed: 1 }).where('id', '=', closed).execute();
    const pending = (await h.call('POST', '/v1/me/position-requests', { token: requester.token, json: { positionIds: [open], startDate: '2025-07-01' } })).body.requests[0].id as number;
    const decidedPosition = await addPosition(h.db, { orgId: orgs.siteA1.id, title: 'Decided' });
    const decided = (await h.call('POST', '/v1/me/position-requests', { token: requester.token, json: { positionIds: [decidedPosition], startDate: '2025-07-01' } })).body.requests[0]
      .id as number;
    expect((await h.call('POST', `/v1/position-requests/${decided}/reject`, { token: ram.token, json: { reason: 'No' } })).status).toBe(200);

    const snapshot = async () => ({
      counts: await tableCounts(h.db),
      audit: await auditLength(h.db),
      user: await h.db.selectFrom('users').selectAll().where('id', '=', user.id).executeTakeFirst(),
      requester: await h.db.selectFrom('users').selectAll().where('id', '=', requester.userId).executeTakeFirst(),
      requests: await h.db.selectFrom('position_requests').selectAll().orderBy('id').execute(),
      assignments: await h.db.selectFrom('position_assignments').selectAll().orderBy('id').execute(),
    });
    const before = await snapshot();

    const details = `/v1/users/${user.uuid}/details`;
    const refused: [string, string, { token?: string; json?: unknown; raw?: string; contentType?: string }, number][] = [
      ['PATCH', details, { token: ram.token, raw: '{"familyName":' }, 400],
      ['PATCH', details, { token: ram.token, json: { familyName: 'X', admin: true } }, 400],
      ['PATCH', details, { token: ram.token, json: { givenName: 'a\u0000b' } }, 400],
      ['PATCH', details, { token: ram.token, json: { email: 'not-an-email' } }, 400],
      ['PATCH', details, { token: ram.token, json: { familyName: 'x'.repeat(h.service.ctx.config.bodyLimitBytes) } }, 413],
      ['PATCH', details, { token: ram.token, raw: '{"familyName":"X"}', contentType: 'application/xml' }, 415],
      ['PATCH', details, { json: { familyName: 'X' } }, 401],
      ['PATCH', details, { token: lsa.token, json: { familyName: 'X' } }, 403],
      ['PATCH', details, { token: elsewhere.token, json: { familyName: 'X' } }, 403],
      ['PATCH', details, { token: ram.token, json: { niNumber: otherNi, familyName: 'X' } }, 409],
      ['PATCH', '/v1/users/0b5f3c1e-8d2a-4c7e-9f10-2a3b4c5d6e7f/details', { token: ram.token, json: { familyName: 'X' } }, 404],
      ['PUT', '/v1/me/contact', { token: requester.token, json: { email: 'me@gmail.com' } }, 400],
      ['PUT', '/v1/me/contact', { token: requester.token, json: { email: 'me@nhs.net', extra: 1 } }, 400],
      ['PUT', '/v1/me/contact', { json: { email: 'me@nhs.net' } }, 401],
      ['POST', '/v1/me/position-requests', { token: requester.token, json: { positionIds: [open], startDate: '2025-07-01' } }, 409],
      ['POST', '/v1/me/position-requests', { token: requester.token, json: { positionIds: [decidedPosition, closed], startDate: '2025-07-01' } }, 400],
      ['POST', '/v1/me/position-requests', { token: requester.token, json: { positionIds: [decidedPosition], startDate: '2025-06-01' } }, 400],
      ['POST', '/v1/me/position-requests', { token: requester.token, json: { positionIds: [decidedPosition, decidedPosition], startDate: '2025-07-01' } }, 400],
      ['POST', `/v1/position-requests/${pending}/grant`, { token: lsa.token }, 403],
      ['POST', `/v1/position-requests/${pending}/grant`, { token: elsewhere.token }, 403],
      ['POST', `/v1/position-requests/${pending}/grant`, { token: requester.token }, 403],
      ['POST', `/v1/position-requests/${pending}/grant`, { token: ram.token, json: { now: true } }, 400],
      ['POST', `/v1/position-requests/${pending}/reject`, { token: ram.token, json: { reason: '' } }, 400],
      ['POST', `/v1/position-requests/${pending}/reject`, { token: ram.token, json: { reason: 'x\u0000' } }, 400],
      ['POST', `/v1/position-requests/${decided}/grant`, { token: ram.token }, 409],
      ['POST', `/v1/position-requests/${decided}/reject`, { token: ram.token, json: { reason: 'again' } }, 409],
      ['POST', '/v1/position-requests/999999/grant', { token: ram.token }, 404],
    ];
    for (const [method, path, options, status] of refused) {
      const res = await h.call(method, path, options);
      expect(res.status, `${method} ${path} ${JSON.stringify(options.json ?? options.raw)?.slice(0, 80)}`).toBe(status);
    }
    expect(await snapshot()).toEqual(before);
  });
});
