import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type RunningService } from '../../../../src-service/start-service.js';
import type { Db } from '../../../../src-service/store/database.js';
import { actor, addCard, auditRows, addOrg, addPosition, addUser, assign, proofHeaders, testStorage } from '../../../support/service-fixtures.js';

// POST /v1/users/search over real HTTP: "Find an existing user" by name, National Insurance number or
// smartcard UUID, and "only show users in my organisation and child organisations".

const TODAY = '2025-06-15';
const NOW = new Date(`${TODAY}T10:00:00.000Z`);
const CARD_UUID = 'f47ac10b-58cc-4372-a567-0e02b2c3d479';

let service: RunningService;
let db: Db;
let storage: { dbFile: string; secretFile: string };
/** Signed in at trust A, trust B and site A1 (a child of trust A), with no RA roles. */
let atTrustA: string;
let atTrustB: string;
let atSiteA1: string;

interface Reply {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

async function post(path: string, body: unknown, token?: string): Promise<Reply> {
  const response = await fetch(`${service.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? await proofHeaders(service, 'POST', path, token) : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/** The criteria as a form holds them (text); sent as JSON, numbers and booleans typed where they read as such. */
function searchBody(query: Record<string, string>): Record<string, unknown> {
  const body: Record<string, unknown> = { ...query };
  if (query.limit !== undefined && /^-?[0-9.]+$/.test(query.limit)) body.limit = Number(query.limit);
  if (query.onlyMyOrganisations === 'true' || query.onlyMyOrganisations === 'false') body.onlyMyOrganisations = query.onlyMyOrganisations === 'true';
  return body;
}

const findUsers = (query: Record<string, string>, token = atTrustA): Promise<Reply> => post('/v1/users/search', searchBody(query), token);
const countUsers = async (): Promise<number> => Number((await db.selectFrom('users').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
const names = (reply: Reply): string[] => reply.body.results.map((r: { name: string }) => r.name);

beforeAll(async () => {
  storage = testStorage('cis-find-users-');
  service = await startService({ ...storage, host: '127.0.0.1', port: 0, now: () => NOW });
  db = service.ctx.db;
  const region = await addOrg(db, { code: 'Y01', name: 'Test Region', kind: 'other' });
  const trustA = await addOrg(db, { code: 'RA1', name: 'Alder Hospitals NHS Trust', kind: 'trust', parentId: region.id });
  const siteA1 = await addOrg(db, { code: 'RA101', name: 'Alder General Hospital', kind: 'site', parentId: trustA.id });
  const practiceA = await addOrg(db, { code: 'A81001', name: 'Alder Lane Surgery', kind: 'gp-practice', parentId: trustA.id });
  const trustB = await addOrg(db, { code: 'RB1', name: 'Birch Community NHS Trust', kind: 'trust', parentId: region.id });

  const john = await addUser(db, { given: 'John', family: 'Smith', homeOrgId: trustB.id, ni: 'AB123456C' });
  await addCard(db, john.id, { uuid: CARD_UUID });
  await addUser(db, { given: 'Zoe', family: 'Smith', homeOrgId: trustA.id, ni: 'AB654321A' });
  await addUser(db, { given: 'Zoë', family: 'Smith-Jones', homeOrgId: siteA1.id });
  await addUser(db, { given: 'Grace', family: 'Smithfield', homeOrgId: trustA.id, status: 'closed' });
  const siteNurse = await addPosition(db, { orgId: siteA1.id, title: 'Bank Staff Nurse' });
  // Based at trust B, working shifts at site A1 now: in trust A's scope while that runs.
  const mary = await addUser(db, { given: 'Mary', family: 'Smithers', homeOrgId: trustB.id });
  await assign(db, mary.id, siteNurse, '2024-01-01', null);
  // Based at trust B, whose time at site A1 ended in January: not in trust A's scope any more.
  const peter = await addUser(db, { given: 'Peter', family: 'Smithson', homeOrgId: trustB.id });
  await assign(db, peter.id, siteNurse, '2023-01-01', '2025-01-31');
  await addUser(db, { given: 'Seán', family: "O'Brien", homeOrgId: practiceA.id });
  await addUser(db, { given: 'Ana', family: 'Da Silva', homeOrgId: trustB.id });
  for (let i = 1; i <= 30; i++) await addUser(db, { given: `Jo${String(i).padStart(2, '0')}`, family: 'Jones', homeOrgId: trustA.id });

  atTrustA = (await actor(db, trustA.id, [], 'Viewer')).token;
  atTrustB = (await actor(db, trustB.id, ['RAA'], 'Agent')).token;
  atSiteA1 = (await actor(db, siteA1.id, ['S'], 'Sponsor')).token;
});

afterAll(async () => {
  await service.close();
  rmSync(dirname(storage.secretFile), { recursive: true, force: true });
});

describe('POST /v1/users/search by name', () => {
  it('rule: a surname prefix matches case- and accent-insensitively, ordered by family name then given name', async () => {
    const all = ['John Smith', 'Zoe Smith', 'Zoë Smith-Jones', 'Mary Smithers', 'Grace Smithfield', 'Peter Smithson'];
    expect(names(await findUsers({ name: 'smi' }))).toEqual(all);
    expect(names(await findUsers({ name: 'SMI' }))).toEqual(all);
    expect(names(await findUsers({ name: 'Smïth' }))).toEqual(all);
    expect(names(await findUsers({ name: 'smith-j' }))).toEqual(['Zoë Smith-Jones']);
    // A given name alone is not a surname.
    expect(names(await findUsers({ name: 'zoe' }))).toEqual([]);
  });

  it('rule: "given surname" and "surname, given" forms narrow by both names, accents or not', async () => {
    expect(names(await findUsers({ name: 'zoe smith' }))).toEqual(['Zoe Smith', 'Zoë Smith-Jones']);
    expect(names(await findUsers({ name: 'Zoë Smith' }))).toEqual(['Zoe Smith', 'Zoë Smith-Jones']);
    // The same with the diaeresis typed as a combining mark.
    expect(names(await findUsers({ name: 'Zoe\u0308  SMITH' }))).toEqual(['Zoe Smith', 'Zoë Smith-Jones']);
    expect(names(await findUsers({ name: 'Smith, Z' }))).toEqual(['Zoe Smith', 'Zoë Smith-Jones']);
    expect(names(await findUsers({ name: 'smith,john' }))).toEqual(['John Smith']);
    expect(names(await findUsers({ name: 'john smithson' }))).toEqual([]);
  });

  it('finds family names with spaces and apostrophes, whichever apostrophe is typed', async () => {
    expect(names(await findUsers({ name: 'da silva' }))).toEqual(['Ana Da Silva']);
    expect(names(await findUsers({ name: 'Ana Da Silva' }))).toEqual(['Ana Da Silva']);
    expect(names(await findUsers({ name: "o'brien" }))).toEqual(["Seán O'Brien"]);
    expect(names(await findUsers({ name: 'O\u2019Brien' }))).toEqual(["Seán O'Brien"]);
    expect(names(await findUsers({ name: 'sean o’b' }))).toEqual(["Seán O'Brien"]);
  });

  it('returns each user with their status and home organisation', async () => {
    const reply = await findUsers({ name: 'smithf' });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      truncated: false,
      results: [
        {
          uuid: expect.stringMatching(/^[0-9a-f-]{36}$/),
          name: 'Grace Smithfield',
          status: 'closed',
          organisation: { code: 'RA1', name: 'Alder Hospitals NHS Trust', kind: 'trust', parentCode: 'Y01' },
        },
      ],
    });
  });

  it('rule: limit caps the results and truncated says more matched', async () => {
    const ten = await findUsers({ name: 'jones', limit: '10' });
    expect(ten.body.results).toHaveLength(10);
    expect(ten.body.truncated).toBe(true);
    expect(names(ten)[0]).toBe('Jo01 Jones');
    const byDefault = await findUsers({ name: 'jones' });
    expect(byDefault.body.results).toHaveLength(25);
    expect(byDefault.body.truncated).toBe(true);
    const all = await findUsers({ name: 'jones', limit: '100' });
    expect(all.body.results).toHaveLength(30);
    expect(all.body.truncated).toBe(false);
    const exact = await findUsers({ name: 'jones', limit: '30' });
    expect(exact.body.truncated).toBe(false);
    for (const limit of ['0', '101', 'ten', '2.5']) expect((await findUsers({ name: 'jones', limit })).status, limit).toBe(400);
  });
});

describe('POST /v1/users/search by National Insurance number and card UUID', () => {
  it('rule: an NI number matches exactly, typed with spaces or in lower case', async () => {
    expect(names(await findUsers({ niNumber: 'AB123456C' }))).toEqual(['John Smith']);
    expect(names(await findUsers({ niNumber: 'ab 12 34 56 c' }))).toEqual(['John Smith']);
    expect(names(await findUsers({ niNumber: 'AB123456D' }))).toEqual([]);
    // With a name too, both must fit.
    expect(names(await findUsers({ niNumber: 'AB123456C', name: 'smith' }))).toEqual(['John Smith']);
    expect(names(await findUsers({ niNumber: 'AB123456C', name: 'jones' }))).toEqual([]);
  });

  it('refuses a malformed NI number as a bad request naming the field', async () => {
    const reply = await findUsers({ niNumber: 'DROP TABLE' });
    expect(reply.status).toBe(400);
    expect(reply.body.fields.map((f: { path: string }) => f.path)).toContain('body.niNumber');
  });

  it('rule: a smartcard UUID matches exactly, in either case', async () => {
    expect(names(await findUsers({ cardUuid: CARD_UUID }))).toEqual(['John Smith']);
    expect(names(await findUsers({ cardUuid: CARD_UUID.toUpperCase() }))).toEqual(['John Smith']);
    expect(names(await findUsers({ cardUuid: '00000000-0000-4000-8000-000000000000' }))).toEqual([]);
    expect((await findUsers({ cardUuid: 'not-a-uuid' })).status).toBe(400);
  });
});

describe('POST /v1/users/search: only my organisation and child organisations', () => {
  it('rule: scope covers home organisations in the subtree, child organisations included, and users with an active assignment there', async () => {
    expect(names(await findUsers({ name: 'smi', onlyMyOrganisations: 'true' }))).toEqual(['Zoe Smith', 'Zoë Smith-Jones', 'Mary Smithers', 'Grace Smithfield']);
    // Seán's GP practice is a child organisation of trust A.
    expect(names(await findUsers({ name: "o'brien", onlyMyOrganisations: 'true' }))).toEqual(["Seán O'Brien"]);
  });

  it('rule: a sibling trust is out of scope, and an ended assignment no longer brings a user in', async () => {
    const fromA = names(await findUsers({ name: 'smi', onlyMyOrganisations: 'true' }));
    expect(fromA).not.toContain('John Smith');
    expect(fromA).not.toContain('Peter Smithson');
    expect(names(await findUsers({ name: 'smi', onlyMyOrganisations: 'true' }, atTrustB))).toEqual(['John Smith', 'Mary Smithers', 'Peter Smithson']);
    expect(names(await findUsers({ name: 'smi', onlyMyOrganisations: 'false' }, atTrustB))).toHaveLength(6);
  });

  it('rule: scope reaches down, never up: at a site, the parent trust is out of scope', async () => {
    expect(names(await findUsers({ name: 'smi', onlyMyOrganisations: 'true' }, atSiteA1))).toEqual(['Zoë Smith-Jones', 'Mary Smithers']);
  });

  it('applies the scope to NI and card searches too', async () => {
    expect(names(await findUsers({ niNumber: 'AB123456C', onlyMyOrganisations: 'true' }))).toEqual([]);
    expect(names(await findUsers({ niNumber: 'AB123456C', onlyMyOrganisations: 'true' }, atTrustB))).toEqual(['John Smith']);
    expect(names(await findUsers({ cardUuid: CARD_UUID, onlyMyOrganisations: 'true' }))).toEqual([]);
  });

  it('refuses an onlyMyOrganisations value other than true or false', async () => {
    expect((await findUsers({ name: 'smi', onlyMyOrganisations: 'yes' })).status).toBe(400);
  });
});

describe('POST /v1/users/search: hostile and unusual input', () => {
  const hostile = [
    "'; DROP TABLE users; --",
    "Smith' OR '1'='1",
    '%',
    '_',
    'Sm%',
    'Smi_h',
    '%smith%',
    '\\',
    '"',
    ',',
    ', zoe',
    '🙂🙃',
    'اسم عائلة',
    '\u202eSmith',
    '\u0301\u0301',
    '\u200b',
    '\u0000smith',
    'x'.repeat(100),
    'a '.repeat(49) + 'a',
    '\uD800',
  ];

  it('rule: SQL, LIKE wildcards and unusual unicode are just characters: 200 with ordinary (here empty) results', async () => {
    const usersBefore = await countUsers();
    for (const name of hostile) {
      const reply = await findUsers({ name });
      expect(reply.status, JSON.stringify(name)).toBe(200);
      expect(reply.body, JSON.stringify(name)).toEqual({ results: [], truncated: false });
    }
    expect(await countUsers()).toBe(usersBefore);
  });

  it('treats a letter smothered in combining accents as the letter', async () => {
    const plain = await findUsers({ name: 'sm' });
    expect(plain.body.results.length).toBeGreaterThan(0);
    expect((await findUsers({ name: 's\u0301\u0301\u0301m\u0308\u0308' })).body).toEqual(plain.body);
  });

  it('a name over the contract limit of 100 characters is a bad request, not a server error', async () => {
    const reply = await findUsers({ name: 'x'.repeat(101) });
    expect(reply.status).toBe(400);
    expect(reply.body.fields.map((f: { path: string }) => f.path)).toContain('body.name');
  });

  it('rule: a search with no name, NI number or card UUID is a bad request naming the field', async () => {
    for (const query of [{}, { onlyMyOrganisations: 'true' }, { limit: '5' }, { name: '   ' }] as Record<string, string>[]) {
      const reply = await findUsers(query);
      expect(reply.status, JSON.stringify(query)).toBe(400);
      expect(reply.body.code).toBe('bad-request');
      expect(reply.body.fields.map((f: { path: string }) => f.path)).toContain('body.name');
    }
  });

  it('rule: an unknown search field is a bad request', async () => {
    const reply = await findUsers({ name: 'smith', surname: 'smith' });
    expect(reply.status).toBe(400);
    expect(reply.body.code).toBe('bad-request');
  });

  it('rule: names and NI numbers travel in the request body, never in a URL: the old query-string search does not exist', async () => {
    const reply = await fetch(`${service.url}/v1/users?${new URLSearchParams({ name: 'smith', niNumber: 'AB123456C' }).toString()}`, {
      headers: await proofHeaders(service, 'GET', '/v1/users', atTrustA),
    });
    expect(reply.status).toBe(404);
    expect(await reply.text()).not.toMatch(/smith|AB123456C/i);
    expect((await auditRows(db)).filter((row) => row.details.includes('AB123456C'))).toEqual([]);
  });

  it('rule: searching needs a session: none, or an unknown token, is 401', async () => {
    const none = await post('/v1/users/search', { name: 'smith' });
    expect(none.status).toBe(401);
    expect(none.body.code).toBe('unauthenticated');
    expect((await post('/v1/users/search', { name: 'smith' }, 'x'.repeat(43))).status).toBe(401);
  });
});
