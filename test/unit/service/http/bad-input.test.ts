import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ServiceErrorBody } from '../../../../src-shared/api/service-errors.js';
import { actor, addPosition, addUser } from '../../../support/service-fixtures.js';
import { startHarness, uniqueNi, type Harness, type Orgs, type Reply } from '../cim/cim-harness.js';

// What the service does with input it should not get: it answers 4xx with a JSON error body
// (fields named for 400s), never a 5xx and never a stack trace, over real HTTP.

let h: Harness;
let orgs: Orgs;
let ram: Awaited<ReturnType<typeof actor>>;
let user: { id: number; uuid: string };
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});
beforeEach(async () => {
  orgs = await h.tree();
  ram = await actor(h.db, orgs.trustA.id, ['RAM']);
  user = await addUser(h.db, { given: 'Jo', family: 'Target', homeOrgId: orgs.siteA1.id, ni: uniqueNi() });
});

const userRow = (id: number) => h.db.selectFrom('users').select(['given_name', 'family_name']).where('id', '=', id).executeTakeFirst();

/** A client error in the service's own shape. */
function expectClientError(res: Reply, status: number): void {
  expect(res.status).toBe(status);
  expect(res.contentType).toMatch(/^application\/json/);
  const body = ServiceErrorBody.parse(res.body);
  expect(body.message).not.toMatch(/\bat .*\.(ts|js):\d+/);
}

/** Every endpoint that takes a JSON body, with a valid body for it. */
async function bodyEndpoints(): Promise<{ method: string; path: string; valid: Record<string, unknown> }[]> {
  const position = await addPosition(h.db, { orgId: orgs.trustA.id, title: 'Valid target' });
  return [
    { method: 'PATCH', path: `/v1/users/${user.uuid}/details`, valid: { familyName: 'Valid' } },
    { method: 'PUT', path: '/v1/me/contact', valid: { email: 'valid@nhs.net' } },
    { method: 'POST', path: '/v1/me/position-requests', valid: { positionIds: [position], startDate: '2025-07-01' } },
    { method: 'POST', path: '/v1/position-requests/1/reject', valid: { reason: 'Valid reason' } },
  ];
}

describe('unreadable bodies', () => {
  it('rule: malformed JSON is a 400, for every endpoint that takes a body', async () => {
    for (const { method, path } of await bodyEndpoints()) {
      for (const raw of ['{"familyName": "Sm', '{familyName: 1}', "{'a': 1}", '{"a":1}}', '\u0000', '']) {
        expectClientError(await h.call(method, path, { token: ram.token, raw }), 400);
      }
    }
  });

  it('rule: a body that is not a JSON object (array, string, number, null) is a 400 with the problem named', async () => {
    for (const { method, path } of await bodyEndpoints()) {
      for (const raw of ['[]', '"text"', '42', 'null', 'true']) {
        const res = await h.call(method, path, { token: ram.token, raw });
        expectClientError(res, 400);
      }
    }
  });

  it('rule: a body in another content type is refused: 415 for unknown types, 400 for text that is not the JSON object asked for', async () => {
    for (const { method, path, valid } of await bodyEndpoints()) {
      expectClientError(await h.call(method, path, { token: ram.token, raw: JSON.stringify(valid), contentType: 'application/xml' }), 415);
      expectClientError(await h.call(method, path, { token: ram.token, raw: 'familyName=X', contentType: 'application/x-www-form-urlencoded' }), 415);
      // Fastify reads text/plain as a string; the contract wants an object.
      expectClientError(await h.call(method, path, { token: ram.token, raw: JSON.stringify(valid), contentType: 'text/plain' }), 400);
    }
  });

  it('rule: a prototype-poisoning body is refused', async () => {
    const res = await h.call('PATCH', `/v1/users/${user.uuid}/details`, { token: ram.token, raw: '{"familyName":"X","__proto__":{"admin":true}}' });
    expectClientError(res, 400);
  });

  it('rule: a body on an endpoint that takes none is refused', async () => {
    const res = await h.call('POST', '/v1/position-requests/1/grant', { token: ram.token, json: { force: true } });
    expectClientError(res, 400);
  });

  it('rule: a body over the configured limit is 413', async () => {
    const limit = h.service.ctx.config.bodyLimitBytes;
    const raw = JSON.stringify({ familyName: 'x'.repeat(limit) });
    expect(raw.length).toBeGreaterThan(limit);
    const res = await h.call('PATCH', `/v1/users/${user.uuid}/details`, { token: ram.token, raw });
    expectClientError(res, 413);
    expect(res.body.code).toBe('payload-too-large');
  });
});

describe('bodies that do not fit the contract', () => {
  it('rule: unknown body fields are refused, naming them', async () => {
    const res = await h.call('PATCH', `/v1/users/${user.uuid}/details`, { token: ram.token, json: { familyName: 'X', isAdmin: true } });
    expectClientError(res, 400);
    expect(res.body.fields).toContainEqual({ path: 'body', message: expect.stringContaining('isAdmin') });
    expect((await userRow(user.id))?.family_name).toBe('Target');
  });

  it('rule: a position request cannot set its own end date', async () => {
    const position = await addPosition(h.db, { orgId: orgs.trustA.id, title: 'P' });
    const res = await h.call('POST', '/v1/me/position-requests', { token: ram.token, json: { positionIds: [position], startDate: '2025-07-01', endDate: '2030-01-01' } });
    expectClientError(res, 400);
    expect(res.body.fields[0].message).toContain('endDate');
  });

  it.each([
    ['PATCH details', 'givenName', 123],
    ['PATCH details', 'familyName', ['Smith']],
    ['PATCH details', 'niNumber', 12345678],
    ['PATCH details', 'email', { at: 'nhs.net' }],
    ['PATCH details', 'mobile', 7700900123],
    ['PUT contact', 'email', true],
    ['PUT contact', 'mobile', null],
    ['POST requests', 'positionIds', '1'],
    ['POST requests', 'positionIds', [1.5]],
    ['POST requests', 'positionIds', [-1]],
    ['POST requests', 'positionIds', [Number.MAX_SAFE_INTEGER + 2]],
    ['POST requests', 'positionIds', []],
    ['POST requests', 'positionIds', Array.from({ length: 21 }, (_, i) => i + 1)],
    ['POST requests', 'startDate', 20250701],
    ['POST requests', 'startDate', '2025-02-30'],
    ['POST requests', 'startDate', '01/07/2025'],
    ['POST requests', 'startDate', '2025-07-01T00:00:00Z'],
    ['POST reject', 'reason', null],
    ['POST reject', 'reason', '   '],
    ['POST reject', 'reason', 42],
  ] as const)('rule: %s with a wrong type or form for %s is a 400 naming body.%s', async (endpoint, field, value) => {
    const position = await addPosition(h.db, { orgId: orgs.trustA.id, title: 'P' });
    const base: Record<string, [string, string, Record<string, unknown>]> = {
      'PATCH details': ['PATCH', `/v1/users/${user.uuid}/details`, {}],
      'PUT contact': ['PUT', '/v1/me/contact', {}],
      'POST requests': ['POST', '/v1/me/position-requests', { positionIds: [position], startDate: '2025-07-01' }],
      'POST reject': ['POST', '/v1/position-requests/1/reject', {}],
    };
    const [method, path, valid] = base[endpoint] as [string, string, Record<string, unknown>];
    const res = await h.call(method, path, { token: ram.token, json: { ...valid, [field]: value } });
    expectClientError(res, 400);
    expect(res.body.fields.map((f: { path: string }) => f.path)).toContainEqual(expect.stringMatching(new RegExp(`^body\\.${field}(\\.|$)`)));
  });

  it('rule: huge strings are refused by length, not stored and not a server error', async () => {
    const huge = 'A'.repeat(20_000);
    const cases: [string, string, unknown][] = [
      ['PATCH', `/v1/users/${user.uuid}/details`, { givenName: huge }],
      ['PATCH', `/v1/users/${user.uuid}/details`, { email: `${huge}@nhs.net` }],
      ['PATCH', `/v1/users/${user.uuid}/details`, { niNumber: huge }],
      ['PUT', '/v1/me/contact', { mobile: huge }],
      ['POST', '/v1/me/position-requests', { positionIds: [1], startDate: huge }],
      ['POST', '/v1/position-requests/1/reject', { reason: huge }],
    ];
    for (const [method, path, json] of cases) expectClientError(await h.call(method, path, { token: ram.token, json }), 400);
    expectClientError(await h.call('GET', `/v1/position-requests?status=${huge.slice(0, 4_000)}`, { token: ram.token }), 400);
    // Past Node's header limit the server refuses the request line itself (431), before routing.
    expect((await h.call('GET', `/v1/position-requests?status=${huge}`, { token: ram.token })).status).toBe(431);
    // A path parameter past the router's limit is refused before routing, in the service's shape.
    expectClientError(await h.call('GET', `/v1/users/${'a'.repeat(5_000)}`, { token: ram.token }), 414);
  });
});

describe('bad parameters', () => {
  it.each(['not-a-uuid', '12345', "1' OR '1'='1", '0b5f3c1e-8d2a-4c7e-9f10-2a3b4c5d6e7', '%00', '..%2F..%2Fetc%2Fpasswd', '0b5f3c1e8d2a4c7e9f102a3b4c5d6e7f'])(
    'rule: a bad user UUID in the path (%s) is a 400 naming params.uuid',
    async (bad) => {
      for (const [method, suffix, json] of [
        ['GET', '', undefined],
        ['PATCH', '/details', { familyName: 'X' }],
      ] as const) {
        const res = await h.call(method, `/v1/users/${bad}${suffix}`, { token: ram.token, ...(json ? { json } : {}) });
        expectClientError(res, 400);
        expect(res.body.fields).toContainEqual({ path: 'params.uuid', message: expect.any(String) });
      }
    },
  );

  it.each(['abc', '0', '-1', '1.5', 'Infinity', '99999999999999999999', '1;DROP TABLE users'])('rule: a bad request id in the path (%s) is a 400 naming params.id', async (bad) => {
    const res = await h.call('POST', `/v1/position-requests/${encodeURIComponent(bad)}/grant`, { token: ram.token });
    expectClientError(res, 400);
    expect(res.body.fields).toContainEqual({ path: 'params.id', message: expect.any(String) });
  });

  it('rule: a URL that is not valid percent-encoding is a 400 in the service\'s shape, not echoed back', async () => {
    for (const path of ['/v1/users/%ED%A0%80', '/v1/users/%E0%A4%A', '/v1/position-requests/%FF/grant']) {
      const res = await h.call('POST', path, { token: ram.token });
      expectClientError(res, 400);
      expect(res.body.message).not.toContain('%');
    }
  });

  it('rule: unknown query parameters are refused, on routes with a query schema and on routes without one', async () => {
    const listed = await h.call('GET', '/v1/position-requests?status=pending&orgPath=%2F', { token: ram.token });
    expectClientError(listed, 400);
    expect(listed.body.fields).toContainEqual({ path: 'query', message: expect.stringContaining('orgPath') });
    const profile = await h.call('GET', `/v1/users/${user.uuid}?debug=1`, { token: ram.token });
    expectClientError(profile, 400);
    expect(profile.body.fields).toEqual([{ path: 'query.debug', message: 'unknown query parameter' }]);
    expectClientError(await h.call('PUT', '/v1/me/contact?email=x@nhs.net', { token: ram.token, json: { mobile: '07700900123' } }), 400);
  });

  it('rule: a query value of the wrong form is refused (unknown status, repeated parameter)', async () => {
    expectClientError(await h.call('GET', '/v1/position-requests?status=approved', { token: ram.token }), 400);
    expectClientError(await h.call('GET', '/v1/position-requests?status=pending&status=granted', { token: ram.token }), 400);
  });
});

describe('hostile strings', () => {
  const HOSTILE = [
    "Robert'); DROP TABLE users;--",
    "' OR '1'='1",
    '%s%s%s%n',
    '<script>alert(1)</script>',
    '../../../../etc/passwd',
    'a\u0000b',
    '\u0000',
    '\u202Egnp.exe',
    '\uD800',
    '\uDFFF\uD800',
    'Ω≈ç√∫˜µ≤≥÷',
    '𝕳𝖊𝖑𝖑𝖔 👩‍⚕️',
    'e\u0301\u0301\u0301\u0301',
    '\uFEFF',
    '${jndi:ldap://x/a}',
    '{{7*7}}',
    '\\u0000',
    ' ',
  ];

  /** For a URL: broken UTF-16 cannot be percent-encoded, so it goes as the bytes of an encoded surrogate (invalid UTF-8). */
  const inUrl = (s: string): string => {
    try {
      return encodeURIComponent(s);
    } catch {
      return '%ED%A0%80';
    }
  };

  it('rule: hostile strings in every string field get a 4xx or an ordinary result, never a server error', async () => {
    const position = await addPosition(h.db, { orgId: orgs.trustA.id, title: 'P' });
    for (const s of HOSTILE) {
      const calls: [string, string, unknown?][] = [
        ['PATCH', `/v1/users/${user.uuid}/details`, { givenName: s }],
        ['PATCH', `/v1/users/${user.uuid}/details`, { familyName: s }],
        ['PATCH', `/v1/users/${user.uuid}/details`, { niNumber: s }],
        ['PATCH', `/v1/users/${user.uuid}/details`, { email: s }],
        ['PATCH', `/v1/users/${user.uuid}/details`, { mobile: s }],
        ['PUT', '/v1/me/contact', { email: s }],
        ['PUT', '/v1/me/contact', { mobile: s }],
        ['POST', '/v1/me/position-requests', { positionIds: [position], startDate: s }],
        ['POST', '/v1/position-requests/1/reject', { reason: s }],
        ['GET', `/v1/position-requests?status=${inUrl(s)}`],
        ['GET', `/v1/users/${inUrl(s)}`],
        ['POST', `/v1/position-requests/${inUrl(s)}/grant`],
      ];
      for (const [method, path, json] of calls) {
        const res = await h.call(method, path, { token: ram.token, ...(json !== undefined ? { json } : {}) });
        expect(res.status, `${method} ${path} ${JSON.stringify(json)}`).toBeLessThan(500);
        if (res.status >= 400) ServiceErrorBody.parse(res.body);
      }
    }
    // The store survived every one of them.
    expect(await userRow(user.id)).toBeDefined();
  });

  it('rule: names that merely look like SQL or markup are ordinary text: stored and shown exactly as given', async () => {
    for (const name of ["Robert'); DROP TABLE users;--", '<script>alert(1)</script>', "O'Brien-Ní Dhómhnaill", '𝕳𝖊𝖑𝖑𝖔 👩‍⚕️']) {
      const res = await h.call('PATCH', `/v1/users/${user.uuid}/details`, { token: ram.token, json: { familyName: name } });
      expect(res.status).toBe(200);
      expect(res.body.profile.familyName).toBe(name);
      expect((await h.call('GET', `/v1/users/${user.uuid}`, { token: ram.token })).body.familyName).toBe(name);
    }
  });

  it('rule: NUL bytes, control characters and broken UTF-16 in names and reasons are refused', async () => {
    for (const bad of ['a\u0000b', '\u0007bell', '\u001b[2J', '\u202Egnp.exe', 'x\uD800y', 'x\uDC00']) {
      const res = await h.call('PATCH', `/v1/users/${user.uuid}/details`, { token: ram.token, json: { givenName: bad } });
      expectClientError(res, 400);
      expect(res.body.fields).toContainEqual({ path: 'body.givenName', message: expect.any(String) });
    }
    expect((await userRow(user.id))?.given_name).toBe('Jo');
  });
});
